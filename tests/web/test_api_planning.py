"""The planning API: suggestions (contract fields), drafting the buy list, an order with its
sub-orders and the start that waits for them; bad input changes nothing."""

from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import ProductionOrder, PurchaseOrder
from krafte_pwa.services import production
from tests.planning_factories import soap_workshop


def _count(model):
    return db.session.execute(select(func.count(model.id))).scalar()


def test_suggestions_for_a_three_level_order(client, manager, operator):
    """One order for 100 bars: make 5 400 g of lye oil then 8 000 g of mix, buy 1 860 g
    of olive oil (see tests/services/test_planning.py for the figures)."""
    soap_workshop()
    order = production.plan_order(item="BAR", quantity="100")
    answer = client.get("/api/v1/planning/suggestions", headers=manager)
    assert answer.status_code == 200, answer.json
    (buy,) = answer.json["purchase"]
    assert {k: buy[k] for k in ("item", "quantity", "unit", "supplier", "reason")} == {
        "item": "OLIVE", "quantity": "1860", "unit": "g", "supplier": "Huilerie Berre",
        "reason": "to make: LYE-OIL"}
    assert buy["reasons"] == [{"kind": "component", "reference": "LYE-OIL",
                               "quantity": "4860"}]
    assert [(p["item"], p["quantity"], p["reason"]) for p in answer.json["production"]] == [
        ("LYE-OIL", "5400", "to make: MIX"),
        ("MIX", "8000", f"production orders: {order.number}")]
    assert client.get("/api/v1/planning/suggestions", headers=operator).status_code == 403


def test_an_order_with_sub_orders_and_a_start_that_waits(client, manager):
    soap_workshop()
    answer = client.post("/api/v1/planning/orders", json={"item": "BAR", "quantity": "100"},
                         headers=manager)
    assert answer.status_code == 201, answer.json
    top = answer.json["number"]
    subs = {s["item"]: s for s in answer.json["sub_orders"]}
    assert subs["MIX"]["parent"] == top and subs["MIX"]["quantity"] == "8000"
    assert subs["LYE-OIL"]["parent"] == subs["MIX"]["number"]
    refused = client.post(f"/api/v1/production-orders/{top}/start", json={}, headers=manager)
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "sub_orders_open"
    assert subs["MIX"]["number"] in refused.json["error"]["message"]
    shown = client.get(f"/api/v1/production-orders/{top}", headers=manager).json
    assert shown["status"] == "planned" and shown["parent"] is None
    assert shown["sub_orders"] == [{"number": subs["MIX"]["number"], "item": "MIX",
                                    "status": "planned"}]


def test_bad_plans_are_refused_and_change_nothing(client, manager, operator):
    soap_workshop()
    for payload, status in (({"item": "BAR", "quantity": "abc"}, 400),
                            ({"item": "BAR", "quantity": "-3"}, 400),
                            ({"item": "NOPE", "quantity": "3"}, 404),
                            ({"item": "OLIVE", "quantity": "3"}, 404),
                            ({"item": ["BAR"], "quantity": "3"}, 400)):
        answer = client.post("/api/v1/planning/orders", json=payload, headers=manager)
        assert answer.status_code == status, (payload, answer.json)
        assert {"code", "message"} <= set(answer.json["error"])
    assert client.post("/api/v1/planning/orders", json={"item": "BAR", "quantity": "3"},
                       headers=operator).status_code == 403
    assert _count(ProductionOrder) == 0


def test_drafting_the_buy_list_once(client, manager):
    soap_workshop()
    production.plan_order(item="BAR", quantity="100")
    key = {**manager, "Idempotency-Key": "draft-1"}
    first = client.post("/api/v1/planning/purchase-orders", json={}, headers=key)
    assert first.status_code == 201, first.json
    (order,) = first.json["purchase_orders"]
    assert (order["supplier"], order["status"], order["lines"]) == (
        "Huilerie Berre", "draft", [{"item": "OLIVE", "quantity": "1860", "unit": "g"}])
    again = client.post("/api/v1/planning/purchase-orders", json={}, headers=key)
    assert again.json == first.json and _count(PurchaseOrder) == 1
    nothing = client.post("/api/v1/planning/purchase-orders", json={}, headers=manager)
    assert nothing.status_code == 400
    assert nothing.json["error"]["code"] == "nothing_to_order"
    bad = client.post("/api/v1/planning/purchase-orders", json={"items": "OLIVE"},
                      headers=manager)
    assert bad.status_code == 400 and _count(PurchaseOrder) == 1
