"""Sub-orders: production orders that make an intermediate for another order, which
waits for them before it starts. Never commits."""

from sqlalchemy import select

from ..domain.order_states import OPEN_STATUSES
from ..errors import InvalidTransition
from ..extensions import db
from ..messages import _
from ..models import ProductionOrder


def open_sub_orders(order: ProductionOrder) -> list[ProductionOrder]:
    return list(db.session.execute(
        select(ProductionOrder)
        .where(ProductionOrder.parent_id == order.id,
               ProductionOrder.status.in_(OPEN_STATUSES))
        .order_by(ProductionOrder.id)).scalars())


def check_sub_orders_done(order: ProductionOrder) -> None:
    """An order starts once every open sub-order linked to it is completed (a cancelled
    one no longer holds it back)."""
    waiting = open_sub_orders(order)
    if waiting:
        raise InvalidTransition(
            _("%(number)s waits for its sub-orders to be completed first: %(orders)s",
              number=order.number,
              orders=", ".join(f"{o.number} ({o.item.sku})" for o in waiting)),
            code="sub_orders_open",
            details={"order": order.number, "sub_orders": [o.number for o in waiting]})
