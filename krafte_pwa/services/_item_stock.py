"""One item's stock picture in one statement: on hand and usable in storage, what open
production and sales orders hold back, what is on order from suppliers.

The same rules as `availability.availability` and `queries.on_order_by_item`, for one
item: each part an aggregate over that item's rows only (its balances with stock, its
reservations, its open purchase order lines), gathered in one SELECT built once (bind
parameters item and today). A page showing one item pays one round trip for it."""

from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Date, bindparam, case, func, select, type_coerce

from ..domain.order_states import OPEN_STATUSES
from ..extensions import db
from ..models import (
    Balance,
    Location,
    ProductionOrder,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptLine,
    Reservation,
    SalesReservation,
)
from ..models.types import Quantity
from ._tx import dialect_name
from .availability import _lot_of_balance, usable

ZERO = Decimal(0)


def item_figures(item_id: int, today: date) -> tuple[Decimal, Decimal, Decimal, Decimal,
                                                     Decimal]:
    """(on hand, usable, reserved for production, reserved for sales, on order)."""
    postgresql = dialect_name() == "postgresql"
    row = db.session.execute(_statement(postgresql), {"item": item_id, "today": today}).one()
    return tuple(ZERO if value is None else Decimal(value) for value in row)


def _summed(column):
    return type_coerce(func.sum(column), Quantity())


@lru_cache(maxsize=2)
def _statement(postgresql: bool):
    """Each balance's lot read by its key (on PostgreSQL through the LATERAL subquery of
    `availability._lot_of_balance`: never a join reading the lots of the whole history)."""
    item, today = bindparam("item"), bindparam("today", type_=Date())
    lot, with_lot = _lot_of_balance(postgresql)
    stock = (with_lot(select(_summed(Balance.quantity).label("on_hand"),
                             _summed(case((usable(today, lot), Balance.quantity), else_=0))
                             .label("usable")).select_from(Balance))
             .join(Location, Location.id == Balance.location_id)
             .where(Balance.item_id == item, Balance.quantity > 0,
                    Location.kind == "storage")
             .subquery("stock"))
    open_orders = select(ProductionOrder.id).where(ProductionOrder.status.in_(OPEN_STATUSES))
    production = (select(_summed(Reservation.quantity))
                  .where(Reservation.item_id == item, Reservation.quantity > 0,
                         Reservation.order_id.in_(open_orders)).scalar_subquery())
    sales = (select(_summed(SalesReservation.quantity))
             .where(SalesReservation.item_id == item).scalar_subquery())
    return select(stock.c.on_hand, stock.c.usable, production, sales, _on_order(item))


def _on_order(item):
    """Ordered and not received yet over the item's open lines, never below zero a line."""
    received = func.coalesce(select(func.sum(ReceiptLine.quantity))
                             .where(ReceiptLine.po_line_id == PurchaseOrderLine.id)
                             .scalar_subquery(), 0)
    still = PurchaseOrderLine.quantity - received
    return (select(_summed(case((still > 0, still), else_=0)))
            .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
            .where(PurchaseOrderLine.item_id == item,
                   PurchaseOrder.status.in_(("ordered", "partial")))
            .scalar_subquery())
