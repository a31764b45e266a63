"""One item's stock picture in one statement: on hand and usable in storage, what open
production and sales orders hold back, what is on order from suppliers.

The same rules as `availability.availability` and `queries.on_order_by_item`, for one
item: each part an aggregate over that item's rows only (its balances with stock, its
reservations, its open purchase order lines), gathered in one SELECT built once (bind
parameters item and today). A page showing one item pays one round trip for it."""

from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Date, bindparam, case, select

from ..extensions import db
from ..models import Balance, Location
from . import _item_sums as sums
from ._tx import dialect_name
from .availability import _lot_of_balance, usable

ZERO = Decimal(0)


def item_figures(item_id: int, today: date) -> tuple[Decimal, Decimal, Decimal, Decimal,
                                                     Decimal]:
    """(on hand, usable, reserved for production, reserved for sales, on order)."""
    postgresql = dialect_name() == "postgresql"
    row = db.session.execute(_statement(postgresql), {"item": item_id, "today": today}).one()
    return tuple(ZERO if value is None else Decimal(value) for value in row)


@lru_cache(maxsize=2)
def _statement(postgresql: bool):
    """Each balance's lot read by its key (on PostgreSQL through the LATERAL subquery of
    `availability._lot_of_balance`: never a join reading the lots of the whole history)."""
    item, today = bindparam("item"), bindparam("today", type_=Date())
    lot, with_lot = _lot_of_balance(postgresql)
    in_use = case((usable(today, lot), Balance.quantity), else_=0)
    stock = (with_lot(select(sums.quantity_sum(Balance.quantity).label("on_hand"),
                             sums.quantity_sum(in_use).label("usable")).select_from(Balance))
             .join(Location, Location.id == Balance.location_id)
             .where(Balance.item_id == item, Balance.quantity > 0,
                    Location.kind == "storage")
             .subquery("stock"))
    return select(stock.c.on_hand, stock.c.usable,
                  *(part(item).scalar_subquery()
                    for part in (sums.held_for_production, sums.held_for_sales, sums.on_order)))
