"""Shipments through the API, on SQLite and PostgreSQL: the contract answer, FEFO, a
given lot, refusals as 4xx JSON that change nothing, idempotent replays, costs of goods
sold for managers only."""

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from krafte_pwa.extensions import db
from krafte_pwa.models import Movement, MovementKind, Partner, Shipment
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import stock
from tests.factories import in_days, receive
from tests.trade_factories import trade_snapshot as snapshot


@pytest.fixture
def soaps(app, users):
    """A soap maker with three lots of lavender soap in the shop (40 expiring in 60 days
    at 1.20, 50 in 200 days at 1.10, 30 without expiry at 1.00), 25 more of the 60-day
    lot on the dispatch shelf, one expired lot of 10, one lot of 15 in quarantine."""
    location_actions.create_location(code="SHOP", name="Shop")
    location_actions.create_location(code="DISPATCH", name="Dispatch")
    item_actions.create_item(sku="SOAP", name="Lavender soap", kind="product", unit="pcs")
    item_actions.create_item(sku="OIL", name="Olive oil", kind="material", unit="l")
    lots = {
        "soon": receive("SOAP", 65, location="SHOP", cost="1.2", expiry=in_days(60)),
        "later": receive("SOAP", 50, location="SHOP", cost="1.1", expiry=in_days(200)),
        "never": receive("SOAP", 30, location="SHOP", cost="1"),
        "expired": receive("SOAP", 10, location="SHOP", cost="1", expiry=in_days(-3)),
        "oil": receive("OIL", 20, location="SHOP", cost="4"),
    }
    stock.transfer_stock(lot=lots["soon"], source="SHOP", destination="DISPATCH", quantity=25)
    quarantined = receive("SOAP", 15, location="SHOP", cost="1")
    stock.change_lot_status(lot=quarantined, status="quarantine", reason="smell check")
    lots["quarantined"] = quarantined
    return lots


def _post(client, headers, body, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/shipments", headers={**headers, **extra}, json=body)


def test_shipment_takes_fefo_lots_and_answers_one_line_per_lot(client, operator, manager,
                                                                 soaps):
    answer = _post(client, operator, {"customer": "Marché Bio", "lines": [
        {"item": "SOAP", "quantity": "70"},
        {"item": "OIL", "quantity": "2,5"},
        {"item": "SOAP", "quantity": 5, "lot": soaps["never"]}]})
    assert answer.status_code == 201, answer.json
    number = answer.json["number"]
    assert number.startswith("SH-") and set(answer.json) == {"number", "lines"}
    # the 60-day lot (40 in the shop and 25 on dispatch, merged) then the 200-day lot;
    # never the expired or the quarantined lot
    assert answer.json["lines"] == [
        {"item": "SOAP", "lot": soaps["soon"], "quantity": "65"},
        {"item": "SOAP", "lot": soaps["later"], "quantity": "5"},
        {"item": "OIL", "lot": soaps["oil"], "quantity": "2.5"},
        {"item": "SOAP", "lot": soaps["never"], "quantity": "5"}]
    moves = db.session.execute(select(Movement).where(Movement.document == number)).scalars()
    assert sorted((m.lot.code, m.location.code, m.quantity, m.kind) for m in moves) == sorted([
        (soaps["soon"], "SHOP", D(-40), MovementKind.SHIPMENT),
        (soaps["soon"], "DISPATCH", D(-25), MovementKind.SHIPMENT),
        (soaps["later"], "SHOP", D(-5), MovementKind.SHIPMENT),
        (soaps["oil"], "SHOP", D("-2.5"), MovementKind.SHIPMENT),
        (soaps["never"], "SHOP", D(-5), MovementKind.SHIPMENT)])
    # an unknown customer was created, as a customer
    partner = db.session.execute(select(Partner).where(Partner.name == "Marché Bio")).scalar()
    assert partner.is_customer and not partner.is_supplier

    # managers see the cost of goods sold per line; operators do not
    seen = client.get(f"/api/v1/shipments/{number}", headers=manager).json
    assert seen["customer"] == "Marché Bio" and seen["status"] == "shipped"
    assert [ln["cost"] for ln in seen["lines"]] == [
        str(D(65) * D("1.2") + D(5) * D("1.1")), "10", "5"]
    hidden = client.get(f"/api/v1/shipments/{number}", headers=operator).json
    assert "cost" not in str(hidden) and "unit_cost" not in str(hidden)
    listed = client.get("/api/v1/shipments?customer=marché bio", headers=operator).json
    assert listed["total"] == 1 and listed["items"][0]["number"] == number
    soap = client.get("/api/v1/items/SOAP", headers=operator).json
    assert soap["on_hand"] == str(65 + 50 + 30 + 10 + 15 - 75)


def test_shipment_refusals_change_nothing(client, operator, soaps):
    before = snapshot()
    cases = [
        ({"customer": "X", "lines": [{"item": "NOPE", "quantity": 1}]}, 404, "unknown_item"),
        ({"customer": "X", "lines": [{"item": "SOAP", "quantity": 1, "lot": "R000000-999"}]},
         404, "unknown_lot"),
        # 65 + 50 + 30 usable: expired and quarantined lots do not count
        ({"customer": "X", "lines": [{"item": "SOAP", "quantity": 146}]}, 409,
         "insufficient_stock"),
        ({"customer": "X", "lines": [{"item": "SOAP", "quantity": 31, "lot": soaps["never"]}]},
         409, "insufficient_stock"),
        ({"customer": "X", "lines": [{"item": "SOAP", "quantity": 1,
                                      "lot": soaps["expired"]}]}, 409, "lot_expired"),
        ({"customer": "X", "lines": [{"item": "SOAP", "quantity": 1,
                                      "lot": soaps["quarantined"]}]}, 409, "lot_quarantined"),
        ({"customer": "X", "lines": [{"item": "OIL", "quantity": 1, "lot": soaps["never"]}]},
         400, "lot_item_mismatch"),
        # the second line would take what the first leaves: refused as a whole
        ({"customer": "X", "lines": [{"item": "SOAP", "quantity": 100},
                                     {"item": "SOAP", "quantity": 46}]}, 409,
         "insufficient_stock"),
        ({"customer": "X", "lines": [{"item": "SOAP", "quantity": "abc"}]}, 400,
         "bad_quantity"),
        ({"customer": "X", "lines": [{"item": "SOAP", "quantity": -2}]}, 400, "bad_quantity"),
        ({"customer": "X", "lines": []}, 400, "bad_input"),
        ({"customer": "X", "lines": "SOAP"}, 400, "bad_input"),
        ({"customer": "X", "lines": ["SOAP"]}, 400, "bad_input"),
        ({"customer": "", "lines": [{"item": "SOAP", "quantity": 1}]}, 400, "bad_input"),
        ({"customer": ["X"], "lines": [{"item": "SOAP", "quantity": 1}]}, 400, "bad_input"),
    ]
    for body, status, code in cases:
        answer = _post(client, operator, body)
        assert answer.status_code == status, (body, answer.json)
        assert answer.json["error"]["code"] == code, (body, answer.json)
        assert snapshot() == before, body
    not_json = client.post("/api/v1/shipments", headers=operator, data="customer=X")
    assert not_json.status_code == 400 and snapshot() == before


def test_a_shipment_replayed_with_its_key_ships_once(client, operator, soaps):
    body = {"customer": "Épicerie Fine", "lines": [{"item": "SOAP", "quantity": 12}]}
    first = _post(client, operator, body, key="ship-1")
    assert first.status_code == 201
    on_hand = client.get("/api/v1/items/SOAP", headers=operator).json["on_hand"]
    again = _post(client, operator, body, key="ship-1")
    assert again.status_code == 201 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.execute(select(Shipment)).scalars().all()[0].number == first.json["number"]
    assert len(db.session.execute(select(Shipment)).scalars().all()) == 1
    assert client.get("/api/v1/items/SOAP", headers=operator).json["on_hand"] == on_hand
    other = _post(client, operator, {**body, "customer": "Other"}, key="ship-1")
    assert other.status_code == 409
    assert other.json["error"]["code"] == "idempotency_key_reused"


def test_a_shipment_leaves_stock_reserved_by_production_orders(client, operator, soaps):
    """Soap is also a component of a gift box: a planned box order holds 140 bars; only
    the 5 bars nobody holds can be shipped."""
    from krafte_pwa.services import production, recipes

    item_actions.create_item(sku="GIFT", name="Gift box", kind="product", unit="pcs")
    recipes.save_recipe(item="GIFT", yield_quantity=1, lines=[{"item": "SOAP", "quantity": 2}])
    production.plan_order(item="GIFT", quantity=70)
    before = snapshot()
    refused = _post(client, operator, {"customer": "X",
                                       "lines": [{"item": "SOAP", "quantity": 6}]})
    assert refused.status_code == 409, refused.json
    assert "reservations" in refused.json["error"]["message"]
    assert snapshot() == before
    assert _post(client, operator, {"customer": "X",
                                    "lines": [{"item": "SOAP", "quantity": 5}]}).status_code == 201
