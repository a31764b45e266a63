"""Purchase orders through the API, on SQLite and PostgreSQL: a draft is not on order,
an order sent is; receipts against its lines move it to partial then received, on
order drops as goods arrive; over-receipts are allowed and reported; refusals change
nothing; operators see no prices."""

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from krafte_pwa.extensions import db
from krafte_pwa.models import Receipt, ReceiptLine
from tests.factories import candle_workshop
from tests.production_factories import lot_by_code
from tests.trade_factories import trade_snapshot as snapshot

PO = {"supplier": "Cires du Sud", "expected_date": "2030-01-15", "lines": [
    {"item": "WAX", "quantity": "20", "unit": "kg", "price": "4,80"},
    {"item": "WICK", "quantity": 500, "price": "0.05", "expected_date": "2030-01-20"}]}


@pytest.fixture
def ordered(app, users, client, manager):
    """A candle maker orders 20 kg of wax at 4.80/kg and 500 wicks at 0.05 from Cires du
    Sud; the order is sent. Returns its number."""
    candle_workshop()
    draft = client.post("/api/v1/purchase-orders", headers=manager, json=PO)
    assert draft.status_code == 201, draft.json
    number = draft.json["number"]
    assert number.startswith("PO-") and draft.json["status"] == "draft"
    # a draft is not on order yet
    assert client.get("/api/v1/items/WAX", headers=manager).json["on_order"] == "0"
    sent = client.post(f"/api/v1/purchase-orders/{number}/order", headers=manager)
    assert sent.status_code == 200 and sent.json["status"] == "ordered"
    return number


def _on_order(client, headers, sku):
    return client.get(f"/api/v1/items/{sku}", headers=headers).json["on_order"]


def _receive(client, headers, body):
    return client.post("/api/v1/receipts", headers=headers,
                       json={"location": "STORE", **body})


def test_purchase_order_lines_in_base_units_with_prices_for_managers(client, manager,
                                                                       operator, ordered):
    seen = client.get(f"/api/v1/purchase-orders/{ordered}", headers=manager).json
    assert seen["supplier"] == "Cires du Sud" and seen["expected_date"] == "2030-01-15"
    assert [(ln["line"], ln["item"], ln["quantity"], ln["entered_quantity"], ln["entered_unit"],
             ln["unit_price"], ln["value"], ln["expected_date"]) for ln in seen["lines"]] == [
        (1, "WAX", "20000", "20", "kg", "0.0048", "96", "2030-01-15"),
        (2, "WICK", "500", "500", "pcs", "0.05", "25", "2030-01-20")]
    assert seen["total"] == "121"
    hidden = client.get(f"/api/v1/purchase-orders/{ordered}", headers=operator).json
    assert "price" not in str(hidden) and "total" not in hidden and "value" not in str(hidden)
    listed = client.get("/api/v1/purchase-orders?status=ordered", headers=operator).json
    assert [o["number"] for o in listed["items"]] == [ordered] and listed["total"] == 1
    # operators receive, they do not buy
    refused = client.post("/api/v1/purchase-orders", headers=operator, json=PO)
    assert refused.status_code == 403


def test_receipts_against_a_purchase_order_move_it_to_partial_then_received(
        client, manager, operator, ordered):
    assert (_on_order(client, operator, "WAX"), _on_order(client, operator, "WICK")) == (
        "20000", "500")
    # a partial delivery: 8 kg of wax (line 1), no wicks yet; the price defaults to the PO's
    first = _receive(client, operator, {"purchase_order": ordered, "lines": [
        {"line": 1, "quantity": "8", "unit": "kg", "supplier_lot": "CS-1"}]})
    assert first.status_code == 201, first.json
    assert first.json["purchase_orders"] == [{"number": ordered, "status": "partial"}]
    assert first.json["over_received"] == []
    lot = lot_by_code(first.json["lots"][0]["code"])
    assert lot.item.sku == "WAX" and lot.unit_cost == D("0.0048")
    assert lot.supplier.name == "Cires du Sud"  # the PO's supplier
    receipt = db.session.execute(select(Receipt).where(
        Receipt.number == first.json["number"])).scalar_one()
    assert receipt.purchase_order_id is not None
    assert _on_order(client, operator, "WAX") == "12000"
    progress = client.get(f"/api/v1/purchase-orders/{ordered}", headers=operator).json
    assert progress["status"] == "partial"
    assert [(ln["received"], ln["open"]) for ln in progress["lines"]] == [("8000", "12000"),
                                                                         ("0", "500")]

    # the rest, matched by item; 520 wicks where 500 were ordered: allowed, reported
    second = _receive(client, operator, {"purchase_order": ordered, "supplier": "cires du sud",
                                         "lines": [{"item": "WAX", "quantity": "12000"},
                                                   {"item": "WICK", "quantity": 520,
                                                    "unit_cost": "0.04"}]})
    assert second.status_code == 201, second.json
    assert second.json["purchase_orders"] == [{"number": ordered, "status": "received"}]
    assert second.json["over_received"] == [{"purchase_order": ordered, "line": 2,
                                             "item": "WICK", "ordered": "500",
                                             "received": "520"}]
    assert lot_by_code(second.json["lots"][1]["code"]).unit_cost == D("0.04")
    assert (_on_order(client, operator, "WAX"), _on_order(client, operator, "WICK")) == (
        "0", "0")
    links = db.session.execute(select(ReceiptLine.po_line_id)).scalars().all()
    assert len(links) == 3 and None not in links


def test_receipt_refusals_against_purchase_orders_change_nothing(client, manager, operator,
                                                                 ordered):
    draft = client.post("/api/v1/purchase-orders", headers=manager,
                        json={"supplier": "Mèches & Co", "lines": [
                            {"item": "WICK", "quantity": 100},
                            {"item": "WICK", "quantity": 50}]}).json["number"]
    before = snapshot()
    cases = [
        ({"purchase_order": draft, "lines": [{"line": 1, "quantity": 1}]}, 409,
         "invalid_transition"),
        ({"purchase_order": "PO-2000-0001", "lines": [{"item": "WAX", "quantity": 1}]}, 404,
         "unknown_purchase_order"),
        ({"purchase_order": ordered, "lines": [{"line": 9, "quantity": 1}]}, 404,
         "unknown_po_line"),
        ({"purchase_order": ordered, "lines": [{"line": 1, "item": "WICK", "quantity": 1}]},
         400, "po_line_mismatch"),
        ({"purchase_order": ordered, "supplier": "Someone Else",
          "lines": [{"line": 1, "quantity": 1}]}, 400, "supplier_mismatch"),
        ({"purchase_order": ordered, "lines": [{"line": "first", "quantity": 1}]}, 400,
         "bad_input"),
        ({"lines": [{"line": 1, "item": "WAX", "quantity": 1}]}, 400, "bad_input"),
        ({"purchase_order": ordered, "lines": [{"line": 1, "quantity": 1},
                                               {"item": "WAX", "quantity": "x"}]}, 400,
         "bad_quantity"),
    ]
    for body, status, code in cases:
        answer = _receive(client, operator, body)
        assert answer.status_code == status, (body, answer.json)
        assert answer.json["error"]["code"] == code, (body, answer.json)
        assert snapshot() == before, body
    # two lines of one item: a receipt must say which
    sent = client.post(f"/api/v1/purchase-orders/{draft}/order", headers=manager)
    assert sent.status_code == 200
    before = snapshot()
    ambiguous = _receive(client, operator, {"purchase_order": draft,
                                            "lines": [{"item": "WICK", "quantity": 10}]})
    assert ambiguous.status_code == 400
    assert ambiguous.json["error"]["code"] == "ambiguous_po_line"
    assert snapshot() == before


def test_cancelling_an_order_takes_it_off_order(client, manager, operator, ordered):
    got = _receive(client, operator, {"purchase_order": ordered,
                                      "lines": [{"line": 1, "quantity": "5000"}]})
    assert got.status_code == 201
    assert _on_order(client, operator, "WAX") == "15000"
    refused = client.post(f"/api/v1/purchase-orders/{ordered}/cancel", headers=operator)
    assert refused.status_code == 403
    cancelled = client.post(f"/api/v1/purchase-orders/{ordered}/cancel", headers=manager,
                            json={"reason": "supplier out of stock"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert "supplier out of stock" in cancelled.json["note"]
    assert (_on_order(client, operator, "WAX"), _on_order(client, operator, "WICK")) == (
        "0", "0")
    before = snapshot()
    late = _receive(client, operator, {"purchase_order": ordered,
                                       "lines": [{"line": 1, "quantity": "1000"}]})
    assert late.status_code == 409 and snapshot() == before
    for action in ("order", "cancel"):
        again = client.post(f"/api/v1/purchase-orders/{ordered}/{action}", headers=manager)
        assert again.status_code == 409 and again.json["error"]["code"] == "invalid_transition"
    assert snapshot() == before


def test_purchase_order_bad_input_is_a_4xx(client, manager, ordered):
    before = snapshot()
    for body, status in (
            ({"lines": PO["lines"]}, 400),
            ({"supplier": "X", "lines": []}, 400),
            ({"supplier": "X", "lines": [{"item": "NOPE", "quantity": 1}]}, 404),
            ({"supplier": "X", "lines": [{"item": "WAX", "quantity": 1, "unit": "l"}]}, 400),
            ({"supplier": "X", "lines": [{"item": "WAX", "quantity": 1, "price": "-1"}]}, 400),
            ({"supplier": "X", "lines": [{"item": "WAX", "quantity": 1,
                                          "expected_date": "soon"}]}, 400)):
        answer = client.post("/api/v1/purchase-orders", headers=manager, json=body)
        assert answer.status_code == status, (body, answer.json)
        assert snapshot() == before
    assert client.get("/api/v1/purchase-orders/PO-1999-0001",
                      headers=manager).status_code == 404
    assert client.get("/api/v1/purchase-orders?status=lost", headers=manager).status_code == 400


def test_openapi_paths_describe_every_trade_route(app, client):
    import re

    from krafte_pwa.web.api import openapi_trade

    modules = ("web.api.purchasing", "web.api.shipments", "web.api.recall", "web.api.alerts")
    ours = set()
    for rule in app.url_map.iter_rules():
        if app.view_functions[rule.endpoint].__module__.endswith(modules):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            ours |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(p, m) for p, ops in openapi_trade.paths().items() for m in ops}
    assert ours == documented
    doc = client.get("/api/v1/openapi.json").json
    assert {p for p, _ in documented} <= set(doc["paths"])
    receipt = doc["paths"]["/receipts"]["post"]["requestBody"]["content"]["application/json"]
    assert "purchase_order" in receipt["schema"]["properties"]
