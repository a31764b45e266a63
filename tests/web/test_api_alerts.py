"""Alerts through the API and the home page, on SQLite and PostgreSQL: low stock counts
reservations of planned production orders and quantities on order (sent, not drafts),
materials first; lots expiring, expired and in quarantine; one click from low stock to
draft purchase orders grouped by supplier."""

from decimal import Decimal as D

import pytest

from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import production, purchasing, recipes, stock
from tests.factories import in_days, receive
from tests.trade_factories import trade_snapshot as snapshot


@pytest.fixture
def workshop(app, users):
    """A candle maker: soy wax (reorder at 5 kg, reorder 10 kg, from Cires du Sud), wicks
    (reorder at 100, from Mèches & Co), jars (reorder at 50, no default supplier), the
    candle (reorder at 10). 8 kg of wax, 300 wicks, 20 jars in store; no candles. The
    candle recipe is 200 g of wax (2 % loss), a wick and a jar."""
    location_actions.create_location(code="STORE", name="Store")
    item_actions.create_item(sku="WAX", name="Soy wax", kind="material", unit="g",
                        reorder_point="5000", reorder_quantity="10000",
                        default_supplier="Cires du Sud")
    item_actions.create_item(sku="WICK", name="Wick", kind="material", unit="pcs",
                        reorder_point="100", reorder_quantity="500",
                        default_supplier="Mèches & Co")
    item_actions.create_item(sku="JAR", name="Jar", kind="material", unit="pcs",
                        reorder_point="50", reorder_quantity="200")
    item_actions.create_item(sku="CANDLE", name="Candle", kind="product", unit="pcs",
                        reorder_point="10")
    receive("WAX", "8000", cost="0.004")
    receive("WICK", "300", cost="0.06")
    receive("JAR", "20", cost="0.9")
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "WAX", "quantity": "200", "loss_percent": "2"},
        {"item": "WICK", "quantity": 1}, {"item": "JAR", "quantity": 1}])


def _low(client, headers):
    answer = client.get("/api/v1/alerts", headers=headers)
    assert answer.status_code == 200, answer.json
    return {a["item"]: a for a in answer.json["low_stock"]}, answer.json


def test_a_reservation_puts_a_material_under_its_reorder_point_with_on_order_counted(
        client, operator, manager, workshop):
    low, data = _low(client, operator)
    assert list(low) == ["JAR", "CANDLE"]  # materials first; wax is fine (8 kg > 5 kg)
    assert set(data) >= {"low_stock", "expiring", "expired", "quarantine"}

    # a planned order of 15 candles holds 3060 g of wax: nothing consumed, yet 4940 g left
    production.plan_order(item="CANDLE", quantity=15)
    low, _ = _low(client, operator)
    assert low["WAX"] == {"item": "WAX", "name": "Soy wax", "kind": "material", "unit": "g",
                          "available": "4940", "on_order": "0", "reorder_point": "5000",
                          "suggested_quantity": "10000", "supplier": "Cires du Sud"}
    assert list(low) == ["JAR", "WAX", "CANDLE"]  # the emptiest material first

    # a draft order is not on order; 50 g ordered counts but does not lift it
    draft = purchasing.create_purchase_order(supplier="Cires du Sud",
                                             lines=[{"item": "WAX", "quantity": "50"}])
    assert _low(client, operator)[0]["WAX"]["on_order"] == "0"
    purchasing.mark_ordered(number=draft.number)
    low, _ = _low(client, operator)
    assert (low["WAX"]["available"], low["WAX"]["on_order"]) == ("4940", "50")
    # a second order sent: 4940 + 50 + 10 >= 5000, no longer low
    second = purchasing.create_purchase_order(supplier="Cires du Sud",
                                              lines=[{"item": "WAX", "quantity": "10"}])
    purchasing.mark_ordered(number=second.number)
    assert "WAX" not in _low(client, operator)[0]
    # suggested: the reorder quantity, or more when that would not lift stock over the point
    stock_item = item_actions.create_item(sku="TIN", name="Tin", kind="material", unit="pcs",
                                     reorder_point="1000", reorder_quantity="100")
    assert _low(client, operator)[0][stock_item.sku]["suggested_quantity"] == "1000"


def test_lot_alerts_expiring_expired_and_quarantine(client, operator, workshop):
    soon = receive("WAX", "100", expiry=in_days(10))
    later = receive("WAX", "100", expiry=in_days(45))
    gone = receive("WAX", "100", expiry=in_days(-2))
    held = receive("WICK", "10")
    stock.change_lot_status(lot=held, status="quarantine", reason="check")
    data = client.get("/api/v1/alerts", headers=operator).json
    assert data["days"] == 30
    assert [(a["code"], a["quantity"], a["days_left"]) for a in data["expiring"]] == [
        (soon, "100", 10)]
    assert data["expiring"][0]["expiry"] == in_days(10).isoformat()
    assert [(a["code"], a["days_left"]) for a in data["expired"]] == [(gone, -2)]
    assert [a["code"] for a in data["quarantine"]] == [held]
    wider = client.get("/api/v1/alerts?days=60", headers=operator).json
    assert [a["code"] for a in wider["expiring"]] == [soon, later]
    assert client.get("/api/v1/alerts?days=0", headers=operator).status_code == 400
    assert client.get("/api/v1/alerts?days=x", headers=operator).status_code == 400


def test_low_stock_to_draft_purchase_orders_grouped_by_supplier(client, manager, operator,
                                                                 workshop):
    production.plan_order(item="CANDLE", quantity=15)
    receive("WICK", "1", cost="0.07", supplier="Mèches & Co")
    production.plan_order(item="CANDLE", quantity=200)  # holds the wicks too
    refused = client.post("/api/v1/purchase-orders/from-alerts", headers=operator, json={})
    assert refused.status_code == 403
    made = client.post("/api/v1/purchase-orders/from-alerts", headers=manager, json={})
    assert made.status_code == 201, made.json
    orders = {o["supplier"]: o for o in made.json["orders"]}
    assert set(orders) == {"Cires du Sud", "Mèches & Co"}
    assert all(o["status"] == "draft" for o in orders.values())
    wax = orders["Cires du Sud"]["lines"]
    assert [(ln["item"], ln["quantity"], ln["unit_price"]) for ln in wax] == [
        ("WAX", "10000", "0.004")]
    wick = orders["Mèches & Co"]["lines"]
    assert [(ln["item"], ln["unit_price"]) for ln in wick] == [("WICK", "0.07")]
    assert D(wick[0]["quantity"]) >= 500
    # jars and candles have no default supplier: left for a person to choose one
    assert [n["item"] for n in made.json["no_supplier"]] == ["JAR", "CANDLE"]
    # drafts are not on order: the alerts still show them
    low, _ = _low(client, operator)
    assert {"WAX", "WICK"} <= set(low)
    # only some items
    before = snapshot()
    one = client.post("/api/v1/purchase-orders/from-alerts", headers=manager,
                      json={"items": ["WICK"]})
    assert [o["supplier"] for o in one.json["orders"]] == ["Mèches & Co"]
    fine = client.post("/api/v1/purchase-orders/from-alerts", headers=manager,
                       json={"items": ["NOPE"]})
    assert fine.status_code == 404
    assert snapshot() != before  # the first call made a draft
    before = snapshot()
    assert client.post("/api/v1/purchase-orders/from-alerts", headers=manager,
                       json={"items": "WICK"}).status_code == 400
    assert snapshot() == before


def test_home_page_shows_alerts_and_a_manager_drafts_orders_in_one_click(
        client, login_as, workshop):
    production.plan_order(item="CANDLE", quantity=15)
    login_as("operator")
    page = client.get("/").get_data(as_text=True)
    assert "Soy wax" in page and "Jar" in page
    assert "from-alerts" not in page  # operators do not buy
    client.post("/logout")
    login_as("manager")
    page = client.get("/").get_data(as_text=True)
    assert "/purchasing/from-alerts" in page
    answer = client.post("/purchasing/from-alerts", data={})
    assert answer.status_code == 302
    listed = client.get("/purchasing/").get_data(as_text=True)
    assert "Cires du Sud" in listed
    # the jars without a supplier go to a new order form, filled in
    assert "/purchasing/new" in answer.headers["Location"]
    form = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert '<option value="JAR" selected>' in form and 'value="CANDLE" selected' in form
    assert 'name="quantity" inputmode="decimal" autocomplete="off" value="200"' in form


def test_home_shows_the_first_lots_with_true_totals_and_the_alerts_page_lists_all(
        client, login_as, workshop):
    from krafte_pwa.services.alerts import alerts

    expiring = [receive("WAX", "10", expiry=in_days(n)) for n in range(1, 8)]
    expired = receive("WAX", "10", expiry=in_days(-1))
    used = receive("WAX", "10", expiry=in_days(3))
    stock.adjust_stock(lot=used, location="STORE", quantity="-10", reason="spilt")
    first = alerts(limit=5)
    assert [a.lot.code for a in first.expiring] == expiring[:5]
    assert first.totals == {"low_stock": 2, "expiring": 7, "expired": 1, "quarantine": 0}
    assert alerts().totals == first.totals  # counted, not shown: the same numbers
    login_as("operator")
    home = client.get("/").get_data(as_text=True)
    assert "5 shown of 7" in home and 'href="/alerts"' in home
    assert all(code in home for code in expiring[:5]) and expiring[5] not in home
    assert used not in home  # used up: no alert
    full = client.get("/alerts").get_data(as_text=True)
    assert all(code in full for code in expiring + [expired]) and used not in full
    assert "shown of" not in full
