"""What one item has in stock, held back and on order, as SQL over that item's rows only:
`item` is a bound parameter (one item's stock, `_item_stock`) or the correlated `Item.id`
of an outer query (low stock in `alerts`, `availability.stock_by_item`). The rules are
those of `availability` and `queries.on_order_by_item`; each function gives a SELECT of
one value.

Usable stock is the stock in storage (one row: the item's value row now, kept by the
ledger) less what of it is not usable: balances past expiry in released lots, and
balances of lots not released (each balance keeps a copy of its lot's status), each found
from its own index. Not a row per lot in stock. Callers add what their own transaction
has moved (`moved_in_storage`)."""

from decimal import Decimal

from sqlalchemy import case, func, select, type_coerce

from ..domain.order_states import OPEN_STATUSES
from ..domain.vocabulary import LOT_STATUSES
from ..models import (
    Balance,
    Location,
    ProductionOrder,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptLine,
    Reservation,
    SalesReservation,
    ValueBalance,
)
from ..models.stock_value import NOW
from ..models.types import Quantity
from ._fixed import RELEASED, STOCKED, STORAGE
from ._values import noted_now

_HELD = tuple(status for status in LOT_STATUSES if status != "released")


def quantity_sum(column):
    """SUM of a quantity column, read back as a quantity."""
    return type_coerce(func.sum(column), Quantity())


def moved_in_storage(item_id: int) -> Decimal:
    """What `in_storage` must add to see the stock this transaction has moved itself
    (nothing outside a transaction that moved stock)."""
    return noted_now(wip=False).get(item_id, Decimal(0))


def storage_now() -> tuple:
    """Conditions on value rows: the stock now, in storage (not WIP)."""
    return ValueBalance.period == NOW, ValueBalance.wip.is_(False)


def in_storage(item):
    """The item's stock in storage locations now, any lot status."""
    return select(ValueBalance.quantity).where(ValueBalance.item_id == item, *storage_now())


def stocked_in_storage() -> tuple:
    """Conditions on balances: with stock, in a storage location."""
    storage = select(Location.id).where(Location.kind == STORAGE)
    return Balance.quantity > STOCKED, Balance.location_id.in_(storage)


def _released():
    """Condition on balances: their lot is released (the copy of its status each row keeps;
    the constants in the statement's text let SQLite match the conditions of the partial
    indexes, and PostgreSQL keep one plan: see _fixed.fixed)."""
    return Balance.lot_status == RELEASED


def expired_released(item, today):
    """Of it, what lies in released lots past their expiry (the item's balances with stock
    by expiry; the lots not released are counted by `not_released`)."""
    return select(quantity_sum(Balance.quantity)).where(
        Balance.item_id == item, Balance.expiry < today, _released(), *stocked_in_storage())


def not_released(item):
    """Of it, what lies in lots not released (quarantine, blocked): the item's few rows of
    ix_balance_item_held, however many such lots the history has left used up. The
    statuses named as well let SQLite, which keeps no statistics, prefer that index (two
    columns matched) to the item's other indexes."""
    return select(quantity_sum(Balance.quantity)).where(
        Balance.item_id == item, Balance.lot_status.in_(_HELD),
        Balance.lot_status != RELEASED, *stocked_in_storage())


def stock_parts(item, today) -> tuple:
    """(in storage, of it expired in released lots, of it in lots not released): usable is
    the first less the two others."""
    return in_storage(item), expired_released(item, today), not_released(item)


def held_for_production(item):
    # open orders as a set to test against (see availability._production_holds)
    open_orders = select(ProductionOrder.id).where(ProductionOrder.status.in_(OPEN_STATUSES))
    return select(quantity_sum(Reservation.quantity)).where(
        Reservation.item_id == item, Reservation.quantity > 0,
        Reservation.order_id.in_(open_orders))


def held_for_sales(item):
    return select(quantity_sum(SalesReservation.quantity)).where(
        SalesReservation.item_id == item)


def on_order(item):
    """Ordered from suppliers and not received yet over the item's open lines (never below
    zero per line: receiving more than ordered does not cancel another line's order)."""
    received = func.coalesce(select(func.sum(ReceiptLine.quantity))
                             .where(ReceiptLine.po_line_id == PurchaseOrderLine.id)
                             .scalar_subquery(), 0)
    left = case((PurchaseOrderLine.quantity > received,
                 PurchaseOrderLine.quantity - received), else_=0)
    return (select(quantity_sum(left))
            .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
            .where(PurchaseOrderLine.item_id == item,
                   PurchaseOrder.status.in_(("ordered", "partial"))))
