"""Row locks of a user action, and production orders by number.

Lock order for production (PostgreSQL): the order row, then item rows by id, then balance
rows by (lot, location) inside `_ledger.post`. Rows are locked FOR NO KEY UPDATE so the
key-share locks that foreign keys take (a movement inserted for an item) never wait on us.
"""

from functools import lru_cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..errors import NotFound
from ..extensions import db
from ..messages import _
from ..models import Item, ProductionOrder, Reservation
from . import _inputs as read


def lock_items(item_ids) -> None:
    ids = sorted(set(item_ids))
    if ids:
        db.session.execute(_items_locked(), {"ids": ids}).all()


@lru_cache(maxsize=1)
def _items_locked():
    return (select(Item.id).where(Item.id.in_(bindparam("ids", expanding=True)))
            .order_by(Item.id).with_for_update(key_share=True))


def order_for_update(number) -> ProductionOrder:
    number = read.text(number, "number", max_length=20)
    order = db.session.execute(_order_locked(), {"number": number}).unique().scalar()
    if order is None:
        raise NotFound(_("no production order '%(number)s'", number=number),
                       code="unknown_order")
    return order


@lru_cache(maxsize=1)
def _order_locked():
    """Built once: its loader options cost more to build than the statement to run. One
    statement: the order's reservations (a dozen rows) and its sub-orders (rarely any)
    joined to it, the row lock on the order's row alone."""
    return (select(ProductionOrder).where(ProductionOrder.number == bindparam("number"))
            .options(joinedload(ProductionOrder.item), joinedload(ProductionOrder.recipe),
                     joinedload(ProductionOrder.wip_location),
                     joinedload(ProductionOrder.reservations).joinedload(Reservation.item),
                     # read once for the start's wait and the answer's links
                     joinedload(ProductionOrder.sub_orders))
            .with_for_update(key_share=True, of=ProductionOrder)
            .execution_options(populate_existing=True))
