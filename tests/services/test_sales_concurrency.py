"""Real concurrency on PostgreSQL: orders and direct shipments racing for the same stock
never hold or ship more than there is, and never hold one lot twice."""

from decimal import Decimal as D

from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, SalesReservation
from krafte_pwa.services import sales, shipments
from tests.sales_factories import soap_shop
from tests.services.test_production_concurrency import at_once, storage_total


def _no_lot_held_twice():
    held = db.session.execute(
        select(SalesReservation.lot_id, SalesReservation.location_id,
               func.sum(SalesReservation.quantity))
        .group_by(SalesReservation.lot_id, SalesReservation.location_id)).all()
    for lot_id, location_id, quantity in held:
        there = db.session.execute(select(Balance.quantity).where(
            Balance.lot_id == lot_id, Balance.location_id == location_id)).scalar()
        assert D(quantity) <= there, (lot_id, location_id, quantity, there)
    return sum((D(q) for _l, _p, q in held), D(0))


def test_two_orders_racing_share_the_stock(pg_app):
    soap_shop()
    results = at_once(pg_app, [
        lambda c=c: sales.create_sales_order(customer=c, lines=[
            {"item": "SOAP", "quantity": 100}]).number for c in ("A", "B")])
    assert all(isinstance(r, str) for r in results), results
    assert _no_lot_held_twice() == D(145)  # 100 + the 45 left, never 200


def test_an_order_and_a_direct_shipment_racing(pg_app):
    soap_shop()
    results = at_once(pg_app, [
        lambda: sales.create_sales_order(customer="A", lines=[
            {"item": "SOAP", "quantity": 100}]).number,
        lambda: shipments.ship(customer="B", lines=[{"item": "SOAP", "quantity": 100}]).number,
    ])
    held = _no_lot_held_twice()
    shipped = D(170) - storage_total("SOAP")
    assert held + shipped <= D(145), (results, held, shipped)
    assert isinstance(results[0], str)
    if isinstance(results[1], str):  # the shipment went first: the order got the rest
        assert (held, shipped) == (D(45), D(100))
    else:
        assert (held, shipped) == (D(100), D(0))
