"""Sales order pages on SQLite and PostgreSQL: the order form, list filters and CSV, the
order page, packing and shipping without JavaScript, manager-only actions and prices, the
margin page and its CSVs, sales orders on the home page."""

import pytest
from sqlalchemy import select

from krafte_pwa.extensions import db
from krafte_pwa.models import SalesOrder
from krafte_pwa.services import sales
from tests.sales_factories import holds, soap_shop


@pytest.fixture
def soaps(app, users):
    return soap_shop()


def _order():
    return db.session.execute(select(SalesOrder).order_by(SalesOrder.id.desc())).scalar()


def test_manager_creates_lists_and_reads_an_order(client, login_as, soaps):
    login_as("manager")
    assert client.get("/sales/new").status_code == 200
    made = client.post("/sales/new", data={
        "customer": "Marché Bio", "email": "", "reference": "tel. 3",
        "item": ["SOAP", "BALM", ""], "quantity": ["200", "2", ""],
        "unit_price": ["3.5", "", ""]})
    assert made.status_code == 302, made.data
    order = _order()
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert order.number in page and "3.50" in page and "Make what is missing" in page
    assert "55" in page  # missing: 200 ordered, 145 usable
    listed = client.get("/sales/?status=confirmed&customer=bio").get_data(as_text=True)
    assert order.number in listed
    assert order.number not in client.get("/sales/?status=shipped").get_data(as_text=True)
    csv = client.get("/sales/?format=csv").get_data(as_text=True)
    assert csv.splitlines()[0].endswith("unit_price") and "Marché Bio" in csv
    bad = client.post("/sales/new", data={"customer": "X", "item": ["SOAP"],
                                          "quantity": ["-3"], "unit_price": [""]})
    assert bad.status_code == 400 and db.session.execute(
        select(SalesOrder).where(SalesOrder.customer == "X")).scalar() is None


def test_pack_and_ship_without_javascript(client, login_as, soaps):
    order = sales.create_sales_order(customer="Bio", lines=[{"item": "SOAP", "quantity": 30,
                                                             "unit_price": 3}])
    login_as("operator")
    page = client.get(f"/sales/{order.number}/pack").get_data(as_text=True)
    assert soaps["soon"] in page and "pack-scan" in page
    assert "3.00" not in client.get(f"/sales/{order.number}").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert "Sales orders to pack" in home and order.number in home
    part = client.post(f"/sales/{order.number}/ship",
                       data={"lot": [soaps["never"]], "quantity": ["5"]})
    assert part.status_code == 302
    db.session.expire_all()
    assert order.status == "partial" and order.lines[0].shipped == 5
    refused = client.post(f"/sales/{order.number}/ship",
                          data={"lot": [soaps["expired"]], "quantity": ["1"]})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/pack")
    client.post(f"/sales/{order.number}/ship", data={"all": "1"})
    db.session.expire_all()
    assert order.status == "shipped" and holds() == []
    assert client.post(f"/sales/{order.number}/cancel").status_code == 403
    assert client.get("/sales/new").status_code == 403
    assert client.get("/sales/margin").status_code == 403


def test_manager_cancels_and_reads_the_margin(client, login_as, soaps):
    login_as("manager")
    order = sales.create_sales_order(customer="Bio", lines=[{"item": "SOAP", "quantity": 10,
                                                             "unit_price": "3.5"}])
    sales.ship_sales_order(order.number)
    other = sales.create_sales_order(customer="Gone", lines=[{"item": "BALM", "quantity": 1}])
    assert client.post(f"/sales/{other.number}/cancel").status_code == 302
    db.session.expire_all()
    assert other.status == "cancelled"
    page = client.get("/sales/margin").get_data(as_text=True)
    assert "35.00" in page and "23.00" in page and "Slow movers" in page
    csv = client.get("/sales/margin?format=csv&view=customer").get_data(as_text=True)
    assert csv.splitlines()[1].startswith("Bio,Bio,10,35,12,23,65.7,")
    assert client.get("/sales/margin?format=csv&view=slow").status_code == 200
    assert client.get("/sales/margin?format=csv&view=colour").status_code == 302
    assert client.get("/sales/margin?since=2026-02-30").status_code == 302
