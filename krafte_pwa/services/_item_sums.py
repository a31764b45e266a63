"""What one item has held back and on order, as SQL over that item's rows only: `item` is
a bound parameter (one item's stock, `_item_stock`) or the correlated `Item.id` of an
outer query (low stock, `alerts`). The rules are those of `availability` and
`queries.on_order_by_item`; each function gives a SELECT of one summed value."""

from sqlalchemy import case, func, select, type_coerce

from ..domain.order_states import OPEN_STATUSES
from ..models import (
    ProductionOrder,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptLine,
    Reservation,
    SalesReservation,
)
from ..models.types import Quantity


def quantity_sum(column):
    """SUM of a quantity column, read back as a quantity."""
    return type_coerce(func.sum(column), Quantity())


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
