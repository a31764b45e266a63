"""Purchasing, shipment and recall pages, on SQLite and PostgreSQL: forms that work
without JavaScript, prices and costs for managers only, PDFs that say what they should."""

import shutil
import subprocess
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from krafte_pwa.extensions import db
from krafte_pwa.models import PurchaseOrder, Shipment
from krafte_pwa.services import purchasing
from tests.factories import candle_workshop, in_days, receive
from tests.production_factories import lot_by_code
from tests.trade_factories import recall_workshop

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="poppler-utils (pdftotext) is not installed")


def pdf_text(data: bytes, tmp_path) -> str:
    source = tmp_path / "doc.pdf"
    source.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(source), "-"], capture_output=True,
                          check=True, text=True).stdout


@pytest.fixture
def workshop(app, users):
    """A candle maker (wax in g, wicks) and a soap on the shelf: 40 bars expiring in 30
    days, 60 in 90 days."""
    candle_workshop()
    from krafte_pwa.services import items as item_actions

    item_actions.create_item(sku="SOAP", name="Lavender soap", kind="product", unit="pcs")
    return {"soon": receive("SOAP", 40, cost="1.5", expiry=in_days(30)),
            "later": receive("SOAP", 60, cost="1.4", expiry=in_days(90))}


@needs_pdftotext
def test_a_purchase_order_from_the_form_to_a_receipt(client, login_as, workshop, tmp_path):
    login_as("manager")
    form = client.get("/purchasing/new")
    assert form.status_code == 200
    made = client.post("/purchasing/new", data={
        "supplier": "Cires du Sud", "expected_date": "2031-03-01",
        "item": ["WAX", "WICK", ""], "quantity": ["20", "300", ""], "unit": ["kg", "", ""],
        "price": ["4,80", "0,05", ""], "line_expected_date": ["", "2031-03-15", ""],
        "note": "door 2"})
    assert made.status_code == 302, made.get_data(as_text=True)
    order = db.session.execute(select(PurchaseOrder)).scalar_one()
    assert [(ln.item.sku, ln.quantity, ln.unit_price) for ln in order.lines] == [
        ("WAX", D(20000), D("0.0048")), ("WICK", D(300), D("0.05"))]
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "Cires du Sud" in page and "€4.80" in page and "Mark as ordered" in page
    # the draft edited keeps its entered units and prices
    edit = client.get(f"/purchasing/{order.number}/edit").get_data(as_text=True)
    assert 'value="4.8"' in edit and 'value="kg"' in edit
    edited = client.post(f"/purchasing/{order.number}/edit", data={
        "supplier": "Cires du Sud", "expected_date": "2031-03-01",
        "item": ["WAX", "WICK"], "quantity": ["25", "300"], "unit": ["kg", ""],
        "price": ["4.8", "0.05"], "line_expected_date": ["", "2031-03-15"], "note": "door 2"})
    assert edited.status_code == 302
    db.session.expire_all()
    assert [ln.quantity for ln in purchasing.get_purchase_order(order.number).lines] == [
        D(25000), D(300)]
    refused = client.post(f"/purchasing/{order.number}/edit", data={
        "supplier": "Cires du Sud", "item": ["WAX"], "quantity": ["abc"]})
    assert refused.status_code == 400
    db.session.expire_all()
    assert len(purchasing.get_purchase_order(order.number).lines) == 2
    text = pdf_text(client.get(f"/purchasing/{order.number}.pdf").data, tmp_path)
    assert order.number in text and "Cires du Sud" in text and "Soy wax" in text
    assert "€4.80" in text and "€120.00" in text and "€135.00" in text
    assert client.post(f"/purchasing/{order.number}/order").status_code == 302
    assert purchasing.get_purchase_order(order.number).status == "ordered"
    client.post("/logout")

    login_as("operator")
    seen = client.get(f"/purchasing/{order.number}").get_data(as_text=True)
    assert "€" not in seen and "Receive against this order" in seen
    text = pdf_text(client.get(f"/purchasing/{order.number}.pdf").data, tmp_path)
    assert "Soy wax" in text and "€" not in text
    assert client.post(f"/purchasing/{order.number}/cancel").status_code == 403
    # the receive page offers the order and fills its lines
    receive_page = client.get(f"/receive?po={order.number}").get_data(as_text=True)
    assert f'name="purchase_order" value="{order.number}"' in receive_page
    assert 'name="line" value="1"' in receive_page and 'value="25000"' in receive_page
    got = client.post("/receive", data={
        "purchase_order": order.number, "supplier": "Cires du Sud", "location": "STORE",
        "item": ["WAX", "WICK"], "quantity": ["20000", "100"], "line": ["1", "2"],
        "unit": ["", ""], "supplier_lot": ["", ""], "expiry": ["", ""]})
    assert got.status_code == 200, got.get_data(as_text=True)
    assert "partly received" in got.get_data(as_text=True)
    assert purchasing.get_purchase_order(order.number).status == "partial"


def test_shipping_by_confirming_suggested_lots(client, login_as, workshop):
    login_as("operator")
    assert client.get("/shipments/new").status_code == 200
    prepared = client.post("/shipments/new", data={"customer": "Marché Bio",
                                                   "item": ["SOAP", ""], "quantity": ["50", ""]})
    page = prepared.get_data(as_text=True)
    assert prepared.status_code == 200, page
    # FEFO: the 30-day lot first, then 10 of the 90-day lot
    assert page.index(workshop["soon"]) < page.index(workshop["later"])
    rows = {"customer": "Marché Bio", "line_item": ["SOAP"], "line_quantity": ["50"],
            "row_line": ["0", "0"], "row_lot": [workshop["soon"], workshop["later"]],
            "row_quantity": ["40", "10"]}
    unconfirmed = client.post("/shipments/ship", data={**rows, "row_confirmed": ["0"]})
    assert unconfirmed.status_code == 400
    assert db.session.execute(select(Shipment)).first() is None
    done = client.post("/shipments/ship", data={**rows, "row_confirmed": ["0", "1"]})
    assert done.status_code == 302, done.get_data(as_text=True)
    shipment = db.session.execute(select(Shipment)).scalar_one()
    assert [(sl.lot.code, sl.quantity) for sl in shipment.lines[0].lots] == [
        (workshop["soon"], D(40)), (workshop["later"], D(10))]
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Marché Bio" in shown and workshop["soon"] in shown and "€" not in shown
    listed = client.get("/shipments/").get_data(as_text=True)
    assert shipment.number in listed
    csv = client.get("/shipments/?format=csv").get_data(as_text=True)
    assert f"{shipment.number},Marché Bio" in csv


@needs_pdftotext
def test_recall_page_csv_pdf_and_block(client, users, manager, operator, login_as, tmp_path):
    r = recall_workshop(client, manager, operator)
    login_as("operator")
    assert client.get(f"/recall/{r['s1']}").status_code == 403
    client.post("/logout")
    login_as("manager")
    assert client.get(f"/recall/?lot={r['s1']}").status_code == 302
    page = client.get(f"/recall/{r['s1']}").get_data(as_text=True)
    for code in (r["s1"], r["b1"], r["f1"], r["f2"]):
        assert code in page
    assert r["b2"] not in page
    assert "Pharmacie Centrale" in page and "Épicerie Fine" in page
    csv = client.get(f"/recall/{r['s1']}.csv").get_data(as_text=True)
    assert f"stock,{r['f2']},CREAM,Face Cream 50 Ml,2,released,FG,90,pcs" in csv.replace(
        "Face cream 50 ml", "Face Cream 50 Ml")
    assert f"shipped,{r['f1']},CREAM" in csv and ",Bio Market," in csv
    text = pdf_text(client.get(f"/recall/{r['s1']}.pdf").data, tmp_path)
    assert r["s1"] in text and r["f2"] in text and "Épicerie Fine" in text
    blocked = client.post(f"/recall/{r['s1']}/block", data={"reason": "supplier warning"})
    assert blocked.status_code == 302
    db.session.expire_all()
    assert lot_by_code(r["f2"]).status == "blocked" and lot_by_code(r["b2"]).status == "released"
