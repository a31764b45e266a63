"""A lot received without a cost: the ordered price, else the item's last
purchase price, else its standard cost, else 0 with a "cost missing" alert for managers."""

from decimal import Decimal as D

from krafte_pwa.services import items as item_actions
from krafte_pwa.services import purchasing, stock
from tests.factories import candle_workshop
from tests.production_factories import lot_by_code


def _receive(sku, quantity, **extra):
    line = {"item": sku, "quantity": quantity, **extra}
    return stock.receive_goods(supplier="Cires du Sud", location="STORE",
                               lines=[line]).lots[0].code


def test_receipt_without_cost_takes_last_price_then_standard_cost_then_zero(app):
    """A candle maker: wax bought at 4.20 a kg, wicks with a standard cost, jars with
    nothing known."""
    candle_workshop()
    item_actions.create_item(sku="JAR", name="Jar", kind="material", unit="pcs")
    item_actions.update_item(sku="WICK", standard_cost="0.05")
    _receive("WAX", "2", unit="kg", unit_cost="4.2")
    assert lot_by_code(_receive("WAX", "1000")).unit_cost == D("0.0042")
    assert lot_by_code(_receive("WICK", "100")).unit_cost == D("0.05")
    assert lot_by_code(_receive("JAR", "10")).unit_cost == 0
    # an explicit price wins, and becomes the last price
    assert lot_by_code(_receive("WICK", "10", unit_cost="0.07")).unit_cost == D("0.07")
    assert lot_by_code(_receive("WICK", "10")).unit_cost == D("0.07")


def test_receipt_without_cost_takes_a_sent_order_price(app):
    candle_workshop()
    draft = purchasing.create_purchase_order(supplier="Cires du Sud", lines=[
        {"item": "WAX", "quantity": "5", "unit": "kg", "price": "5"}])
    assert lot_by_code(_receive("WAX", "100")).unit_cost == 0  # a draft is not a price
    purchasing.mark_ordered(number=draft.number)
    assert lot_by_code(_receive("WAX", "100")).unit_cost == D("0.005")


def test_cost_missing_alert_for_managers_only(client, manager, operator):
    candle_workshop()
    item_actions.create_item(sku="JAR", name="Jar", kind="material", unit="pcs")
    jar = _receive("JAR", "10")
    _receive("WAX", "1000", unit_cost="0.004")
    _receive("WAX", "500", unit_cost="0")  # free sample: the item has a cost source
    found = client.get("/api/v1/alerts", headers=manager).json["cost_missing"]
    assert [a["code"] for a in found] == [jar]
    assert client.get("/api/v1/alerts", headers=operator).json["cost_missing"] == []
    answer = client.patch("/api/v1/items/JAR", headers=manager, json={"standard_cost": "0.9"})
    assert answer.status_code == 200, answer.json
    assert answer.json["standard_cost"] == "0.9"
    assert client.get("/api/v1/alerts", headers=manager).json["cost_missing"] == []
    assert "standard_cost" not in client.get("/api/v1/items/JAR", headers=operator).json


def test_standard_cost_is_checked(client, manager):
    answer = client.post("/api/v1/items", headers=manager, json={
        "sku": "OIL", "name": "Oil", "kind": "material", "unit": "ml",
        "standard_cost": "0.123456789"})
    assert answer.status_code == 400 and answer.json["error"]["code"] == "bad_input"
    answer = client.post("/api/v1/items", headers=manager, json={
        "sku": "OIL", "name": "Oil", "kind": "material", "unit": "ml",
        "standard_cost": "-1"})
    assert answer.status_code == 400
    answer = client.post("/api/v1/items", headers=manager, json={
        "sku": "OIL", "name": "Oil", "kind": "material", "unit": "ml",
        "standard_cost": "0,012"})
    assert answer.status_code == 201 and answer.json["standard_cost"] == "0.012"
