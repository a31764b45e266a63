"""Helpers for purchasing, shipment and recall tests."""

from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import (
    LotEvent,
    Partner,
    PurchaseOrder,
    Receipt,
    Shipment,
    ShipmentLot,
)
from tests.production_factories import face_cream_workshop, snapshot


def trade_snapshot():
    """Everything a refused purchasing, shipment or recall operation must leave as it was:
    the production snapshot (ledger, balances, lots, orders) and the trade documents."""
    count = lambda model: db.session.execute(select(func.count(model.id))).scalar()  # noqa: E731
    return (
        snapshot(),
        count(Shipment), count(ShipmentLot), count(Receipt), count(LotEvent), count(Partner),
        sorted((o.number, o.status) for o in db.session.query(PurchaseOrder)),
        sorted((lot_id, status) for lot_id, status in db.session.execute(
            select(LotEvent.lot_id, LotEvent.new_value)).all()),
    )


def _make(client, headers, sku, quantity, picks=None) -> str:
    """Plan, start (the FEFO suggestion, or the picks) and complete an order of `quantity`;
    returns the output lot code."""
    planned = client.post("/api/v1/production-orders", headers=headers,
                          json={"item": sku, "quantity": quantity})
    assert planned.status_code == 201, planned.json
    number = planned.json["number"]
    started = client.post(f"/api/v1/production-orders/{number}/start", headers=headers,
                          json={"picks": picks} if picks else {})
    assert started.status_code == 200, started.json
    done = client.post(f"/api/v1/production-orders/{number}/complete", headers=headers,
                       json={"quantity": quantity, "location": "FG" if sku == "CREAM" else "LAB"})
    assert done.status_code == 200, done.json
    return done.json["output_lot"]["code"]


def _ship(client, headers, customer, lines, status=201):
    answer = client.post("/api/v1/shipments", headers=headers,
                         json={"customer": customer, "lines": lines})
    assert answer.status_code == status, answer.json
    return answer.json


def recall_workshop(client, manager, operator):
    """A cosmetics maker: shea butter lots S1 (2 kg, expiring first) and S2 (3 kg) from
    Karité Direct. A 15 kg base-cream batch B1 takes all of S1 and 1 kg of S2; face creams
    F1 (100 pots, 5 kg of B1) and F2 (120 pots, 6 kg of B1); then a 5 kg base batch B2 from
    the rest of S2 only. Shipped: 30 pots of F1 to Pharmacie Centrale, 80 pots by FEFO to
    Bio Market (the 70 left of F1, then 10 of F2), 20 pots of F2 to Épicerie Fine."""
    lots = face_cream_workshop()
    b1 = _make(client, manager, "BASE", "15")
    f1 = _make(client, manager, "CREAM", "100")
    f2 = _make(client, manager, "CREAM", "120")
    b2 = _make(client, manager, "BASE", "5")
    first = _ship(client, operator, "Pharmacie Centrale",
                  [{"item": "CREAM", "quantity": 30, "lot": f1}])
    assert first["lines"] == [{"item": "CREAM", "lot": f1, "quantity": "30"}]
    fefo = _ship(client, operator, "Bio Market", [{"item": "CREAM", "quantity": "80"}])
    # one answer line per lot used, in line order: FEFO empties F1 first
    assert fefo["lines"] == [{"item": "CREAM", "lot": f1, "quantity": "70"},
                             {"item": "CREAM", "lot": f2, "quantity": "10"}]
    _ship(client, operator, "Épicerie Fine", [{"item": "CREAM", "quantity": 20, "lot": f2}])
    return {"s1": lots["shea_1"], "s2": lots["shea_2"], "b1": b1, "b2": b2, "f1": f1, "f2": f2}
