"""Real concurrency on PostgreSQL: shipments racing for the last stock, and a recall
blocking while a shipment runs. Nothing leaves twice; every refusal changes nothing."""

from decimal import Decimal as D

from sqlalchemy import func, select

from krafte_pwa.errors import InsufficientStock, LotNotUsable
from krafte_pwa.extensions import db
from krafte_pwa.models import Shipment, ShipmentLot
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import recall, shipments
from tests.factories import in_days, receive
from tests.services.test_production_concurrency import at_once, storage_total


def soap_shop():
    """A soap maker with 40 bars in one lot."""
    location_actions.create_location(code="SHOP", name="Shop")
    item_actions.create_item(sku="SOAP", name="Soap bar", kind="product", unit="pcs")
    return receive("SOAP", 40, location="SHOP", cost="1.2", expiry=in_days(90))


def test_two_shipments_racing_for_the_last_bars_one_wins(pg_app):
    lot = soap_shop()
    for customer_pair in (("A", "B"), ("C", "D"), ("E", "F")):
        have = storage_total("SOAP")
        want = have // 2 + 1  # both cannot be served
        results = at_once(pg_app, [
            lambda c=c, w=want: shipments.ship(customer=c, lines=[{"item": "SOAP", "quantity": w}])
            for c in customer_pair])
        won = [r for r in results if not isinstance(r, Exception)]
        lost = [r for r in results if isinstance(r, Exception)]
        assert len(won) == 1 and len(lost) == 1, results
        assert isinstance(lost[0], InsufficientStock)
        assert storage_total("SOAP") == have - want
    shipped = db.session.execute(select(func.sum(ShipmentLot.quantity))).scalar()
    assert shipped + storage_total("SOAP") == D(40)
    assert db.session.execute(select(func.count(Shipment.id))).scalar() == 3
    assert {sl.lot.code for sl in db.session.execute(select(ShipmentLot)).scalars()} == {lot}


def test_a_recall_block_and_a_shipment_at_once_never_ship_a_blocked_lot(pg_app):
    soap_shop()
    for round_ in range(4):
        lot = receive("SOAP", 10, location="SHOP", cost="1", expiry=in_days(5 + round_))
        before = storage_total("SOAP")
        blocked, shipped = at_once(pg_app, [
            lambda lot=lot: [x.code for x in recall.block_affected(lot=lot, reason="warning")],
            lambda lot=lot: shipments.ship(customer="A", lines=[
                {"item": "SOAP", "quantity": 5, "lot": lot}]).number,
        ])
        assert blocked == [lot]
        db.session.expire_all()
        if isinstance(shipped, Exception):  # the block came first: nothing left
            assert isinstance(shipped, LotNotUsable) and shipped.code == "lot_blocked"
            assert storage_total("SOAP") == before
        else:  # the shipment came first, from a released lot; then the lot was blocked
            assert storage_total("SOAP") == before - 5
            assert db.session.execute(select(func.count(ShipmentLot.id)).where(
                ShipmentLot.lot.has(code=lot))).scalar() == 1
