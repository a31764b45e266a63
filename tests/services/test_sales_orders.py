"""Sales orders on SQLite and PostgreSQL: FEFO reservations, what is missing, partial and
whole shipping, another lot than the reserved one, cancelling, an unknown SKU, and direct
shipments that may no longer take stock held for an order."""

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from krafte_pwa.errors import InsufficientStock, InvalidTransition, LotNotUsable
from krafte_pwa.extensions import db
from krafte_pwa.models import Movement, MovementKind, SalesReservation
from krafte_pwa.services import sales, sales_queries, shipments
from krafte_pwa.services._sales_stock import available
from krafte_pwa.services.queries import item_by_sku
from tests.sales_factories import holds, soap_shop
from tests.trade_factories import trade_snapshot


@pytest.fixture
def soaps(app):
    return soap_shop()


def _soap_available() -> D:
    return available([item_by_sku("SOAP").id], __import__("datetime").date.today())[
        item_by_sku("SOAP").id]


def _figures(order):
    return [(f.line.sku, f.reserved, f.missing) for f in sales_queries.line_figures(order)]


def test_order_reserves_fefo_lots_and_shows_what_is_missing(soaps):
    first = sales.create_sales_order(customer="Marché Bio", lines=[
        {"item": "SOAP", "quantity": "70", "unit_price": "3.5"}])
    assert first.status == "confirmed" and first.channel == "manual"
    # the 60-day lot first (dispatch shelf, then shop), then the 200-day lot
    assert holds() == [(soaps["soon"], "DISPATCH", D(25)), (soaps["soon"], "SHOP", D(40)),
                       (soaps["later"], "SHOP", D(5))]
    assert _soap_available() == D(75)
    second = sales.create_sales_order(customer="Épicerie Fine", lines=[
        {"item": "SOAP", "quantity": "100"}, {"item": "BALM", "quantity": 5}])
    # 75 usable soaps are left (45 of `later`, 30 of `never`): 25 missing
    assert _figures(second) == [("SOAP", D(75), D(25)), ("BALM", D(5), D(0))]
    assert _soap_available() == D(0)


def test_partial_then_whole_shipment(soaps):
    order = sales.create_sales_order(customer="Marché Bio", lines=[
        {"item": "SOAP", "quantity": "30", "unit_price": "3"}])
    shipment = sales.ship_sales_order(order.number, lines=[{"item": "SOAP", "quantity": 10}])
    assert order.status == "partial" and order.lines[0].shipped == D(10)
    assert shipments.answer_lines(shipment) == [("SOAP", soaps["soon"], D(10))]
    assert shipment.customer.name == "Marché Bio" and shipment.sales_order_id == order.id
    assert sum(r[2] for r in holds()) == D(20)
    rest = sales.ship_sales_order(order.number)
    assert order.status == "shipped" and order.shipped_at is not None
    assert shipments.answer_lines(rest) == [("SOAP", soaps["soon"], D(20))]
    assert holds() == []
    shipped = db.session.execute(select(func.sum(Movement.quantity)).where(
        Movement.kind == MovementKind.SHIPMENT)).scalar()
    assert shipped == D(-30)
    with pytest.raises(InvalidTransition):
        sales.ship_sales_order(order.number)


def test_another_usable_lot_replaces_the_reserved_one(soaps):
    order = sales.create_sales_order(customer="Bio", lines=[{"item": "SOAP", "quantity": 30}])
    assert holds() == [(soaps["soon"], "DISPATCH", D(25)), (soaps["soon"], "SHOP", D(5))]
    sales.ship_sales_order(order.number, lines=[{"quantity": 10, "lot": soaps["never"]}])
    # 10 released from the latest-expiring hold; the rest is still held
    assert holds() == [(soaps["soon"], "DISPATCH", D(20))]
    check = sales_queries.check_pick(order.number, soaps["later"])
    assert check.warning and check.suggested == D(20) and check.reserved == 0
    assert sales_queries.check_pick(order.number, soaps["soon"]).warning is None


@pytest.mark.parametrize("which, error", [("expired", LotNotUsable),
                                          ("quarantined", LotNotUsable)])
def test_unusable_lots_are_refused_and_change_nothing(soaps, which, error):
    order = sales.create_sales_order(customer="Bio", lines=[{"item": "SOAP", "quantity": 5}])
    before = (trade_snapshot(), holds())
    with pytest.raises(error):
        sales.ship_sales_order(order.number, lines=[{"quantity": 5, "lot": soaps[which]}])
    with pytest.raises(error):
        sales_queries.check_pick(order.number, soaps[which])
    assert (trade_snapshot(), holds()) == before


def test_a_lot_held_for_another_order_is_not_taken(soaps):
    first = sales.create_sales_order(customer="A", lines=[{"item": "SOAP", "quantity": 65}])
    second = sales.create_sales_order(customer="B", lines=[{"item": "SOAP", "quantity": 5}])
    before = (trade_snapshot(), holds())
    with pytest.raises(InsufficientStock):
        sales.ship_sales_order(second.number, lines=[{"quantity": 5, "lot": soaps["soon"]}])
    assert (trade_snapshot(), holds()) == before
    assert first.status == "confirmed"


def test_cancel_releases_and_is_idempotent(soaps):
    order = sales.create_sales_order(customer="Bio", lines=[{"item": "SOAP", "quantity": 50}])
    assert _soap_available() == D(95)
    sales.cancel_sales_order(order.number)
    assert order.status == "cancelled" and holds() == [] and _soap_available() == D(145)
    sales.cancel_sales_order(order.number)
    assert order.status == "cancelled"
    with pytest.raises(InvalidTransition):
        sales.ship_sales_order(order.number)


def test_direct_shipment_cannot_take_stock_held_for_an_order(soaps):
    sales.create_sales_order(customer="A", lines=[{"item": "SOAP", "quantity": 65}])
    # FEFO skips the held lot: the next one leaves
    direct = shipments.ship(customer="Walk-in", lines=[{"item": "SOAP", "quantity": 10}])
    assert shipments.answer_lines(direct) == [("SOAP", soaps["later"], D(10))]
    before = trade_snapshot()
    with pytest.raises(InsufficientStock):
        shipments.ship(customer="Walk-in", lines=[{"item": "SOAP", "quantity": 1,
                                                   "lot": soaps["soon"]}])
    db.session.rollback()  # shipments.ship leaves the rollback to its caller
    assert trade_snapshot() == before
    sales.create_sales_order(customer="B", lines=[{"item": "SOAP", "quantity": 70}])
    assert _soap_available() == D(0)
    before = trade_snapshot()
    with pytest.raises(InsufficientStock):
        shipments.ship(customer="Walk-in", lines=[{"item": "SOAP", "quantity": 1}])
    db.session.rollback()
    assert trade_snapshot() == before


def test_unknown_sku_keeps_the_order_on_hold_until_resolved(soaps):
    order = sales.create_sales_order(customer="Shop client", channel="shop",
                                     channel_order_id="1001", reference="#1001", lines=[
                                         {"item": None, "sku": "NOPE", "quantity": 2},
                                         {"item": None, "sku": "SOAP", "quantity": 3}])
    assert order.status == "on_hold" and "NOPE" in order.hold_reason and holds() == []
    assert order.lines[1].item.sku == "SOAP"
    assert sales_queries.orders_on_hold() == [order]
    sales.update_sales_order(order, lines=[{"item": "SOAP", "quantity": 3, "unit_price": 4}])
    assert order.status == "confirmed" and order.hold_reason is None
    assert sum(r[2] for r in holds()) == D(3)


def test_reservations_count_once_per_item(soaps):
    sales.create_sales_order(customer="A", lines=[{"item": "SOAP", "quantity": 10},
                                                  {"item": "SOAP", "quantity": 20}])
    total = db.session.execute(select(func.sum(SalesReservation.quantity))).scalar()
    assert total == D(30) and _soap_available() == D(115)
