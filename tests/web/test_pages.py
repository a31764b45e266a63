"""Server-rendered pages: log in, items, item, lot, location, receive; roles; languages."""

import re

import pytest

from krafte_pwa.extensions import db
from krafte_pwa.models import Lot
from tests.factories import candle_workshop, in_days, receive


@pytest.fixture
def shop(app, users):
    """Candle workshop with a wax lot costed at 0.0042 per g and an expiring oil lot."""
    candle_workshop()
    return {"wax": receive("WAX", "20", unit="kg", cost="84", expiry=in_days(100)),
            "oil": receive("FO-LAV", "500", cost="0.09", expiry=in_days(5))}


def test_login_and_logout(client, users):
    assert client.get("/").status_code == 302
    bad = client.post("/login", data={"username": "manager", "password": "wrong"})
    assert bad.status_code == 401 and b"Wrong username or password" in bad.data
    ok = client.post("/login?next=/items/", data={"username": "manager",
                                                  "password": "manager-password"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/items/")
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_login_refuses_open_redirects(client, users):
    ok = client.post("/login?next=//evil.example/", data={"username": "manager",
                                                          "password": "manager-password"})
    assert ok.headers["Location"] == "/"


def test_items_list_search_and_item_page(client, login_as, shop):
    login_as("operator")
    page = client.get("/items/?q=wax").get_data(as_text=True)
    assert "Soy wax" in page and "Cotton wick" not in page
    item = client.get("/items/WAX").get_data(as_text=True)
    assert shop["wax"] in item and "20,000" in item  # 20 kg in g, English grouping


def test_lot_page_shows_balances_and_history(client, login_as, shop):
    login_as("manager")
    page = client.get(f"/l/{shop['wax']}").get_data(as_text=True)
    assert "STORE" in page and "receipt" in page and "0.084" in page  # 84 per kg
    assert client.get("/l/NOPE").status_code == 404


def test_move_from_the_lot_page(client, login_as, shop):
    login_as("operator")
    response = client.post(f"/l/{shop['wax']}/move",
                           data={"from": "STORE", "to": "SHELF", "quantity": "1500,5"})
    assert response.status_code == 302
    page = client.get(f"/l/{shop['wax']}").get_data(as_text=True)
    assert "Stock moved." in page and "1,500.5" in page
    client.post(f"/l/{shop['wax']}/move", data={"from": "STORE", "to": "SHELF",
                                                "quantity": "999999"})
    assert "cannot take" in client.get(f"/l/{shop['wax']}").get_data(as_text=True)


def test_receive_form_creates_lots_and_offers_labels(client, login_as, shop):
    login_as("operator")
    assert client.get("/receive").status_code == 200
    response = client.post("/receive", data={
        "supplier": "Cires du Sud", "location": "SHELF",
        "item": ["WICK", "WAX", ""], "quantity": ["250", "2,5", ""], "unit": ["", "kg", ""],
        "supplier_lot": ["W-1", "", ""], "expiry": ["", "2027-06-30", ""],
        "unit_cost": ["", "", ""]})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    codes = re.findall(r"/l/(R\d{6}-\d{3})", page)
    assert len(codes) == 2 and "/labels/lots.pdf?codes=" in page
    lot = db.session.execute(db.select(Lot).where(Lot.code == codes[1])).scalar_one()
    assert lot.item.sku == "WAX" and str(lot.expiry) == "2027-06-30"
    bad = client.post("/receive", data={"location": "SHELF", "item": ["WAX"],
                                        "quantity": ["-3"]})
    assert bad.status_code == 400 and "greater than zero" in bad.get_data(as_text=True)


def test_operator_pages_show_no_cost(client, login_as, shop):
    login_as("operator")
    for url in ("/", "/items/", "/items/WAX", f"/l/{shop['wax']}", "/loc/STORE", "/receive",
                "/locations"):
        page = client.get(url).get_data(as_text=True)
        assert client.get(url).status_code == 200, url
        assert "€" not in page and "cost" not in page.lower(), url
    assert client.get("/items/new").status_code == 403
    assert client.post(f"/l/{shop['wax']}/adjust", data={}).status_code == 403


def test_manager_creates_an_item_from_the_form(client, login_as, shop):
    login_as("manager")
    response = client.post("/items/new", data={"sku": "JAR", "name": "Jar", "kind": "material",
                                               "unit": "pcs", "reorder_point": "12,5"})
    assert response.status_code == 302
    assert client.post("/items/new", data={"sku": "JAR", "name": "Jar", "kind": "material",
                                           "unit": "pcs"}).status_code == 400


def test_french_interface_with_decimal_comma(client, login_as, shop):
    login_as("manager")
    client.post("/language", data={"locale": "fr", "next": "/"})
    page = client.get(f"/l/{shop['wax']}").get_data(as_text=True)
    assert "Stock par emplacement" in page and "Historique" in page
    assert "20\u202f000" in page or "20 000" in page  # French grouping
    assert "0,084" in page and "€" in page
    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Réception de marchandises" in home  # the user's choice wins over the browser


def test_browser_language_is_used_before_login(client, users):
    page = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert "Identifiant" in page.get_data(as_text=True)
