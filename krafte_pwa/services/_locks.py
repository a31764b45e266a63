"""Row locks of a user action, and production orders by number.

Lock order for production (PostgreSQL): the order row, then item rows by id, then balance
rows by (lot, location) inside `_ledger.post`. Rows are locked FOR NO KEY UPDATE so the
key-share locks that foreign keys take (a movement inserted for an item) never wait on us.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..errors import NotFound
from ..extensions import db
from ..messages import _
from ..models import Item, ProductionOrder, Reservation
from . import _inputs as read


def lock_items(item_ids) -> None:
    ids = sorted(set(item_ids))
    if ids:
        db.session.execute(select(Item.id).where(Item.id.in_(ids)).order_by(Item.id)
                           .with_for_update(key_share=True)).all()


def order_for_update(number) -> ProductionOrder:
    number = read.text(number, "number", max_length=20)
    order = db.session.execute(
        select(ProductionOrder).where(ProductionOrder.number == number)
        .options(joinedload(ProductionOrder.item), joinedload(ProductionOrder.recipe),
                 joinedload(ProductionOrder.wip_location),
                 selectinload(ProductionOrder.reservations).joinedload(Reservation.item))
        .with_for_update(key_share=True, of=ProductionOrder)
        .execution_options(populate_existing=True)
    ).scalar()
    if order is None:
        raise NotFound(_("no production order '%(number)s'", number=number),
                       code="unknown_order")
    return order
