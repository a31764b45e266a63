"""One item's stock picture in one statement: on hand and usable in storage, what open
production and sales orders hold back, what is on order from suppliers.

The same rules as `availability.availability` and `queries.on_order_by_item`, for one
item: on hand is the item's value row now (kept by the ledger), usable is on hand less
its few balances that are not usable, and each other part an aggregate over that item's
rows only (its reservations, its open purchase order lines), gathered in one SELECT built
once (bind parameters item and today). A page showing one item pays one round trip for
it, whatever the number of its lots in stock."""

from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Date, bindparam, select

from ..extensions import db
from . import _item_sums as sums

ZERO = Decimal(0)


def item_figures(item_id: int, today: date) -> tuple[Decimal, Decimal, Decimal, Decimal,
                                                     Decimal]:
    """(on hand, usable, reserved for production, reserved for sales, on order)."""
    sums.stock_kept()
    row = db.session.execute(_statement(), {"item": item_id, "today": today}).one()
    on_hand, expired, not_released, *rest = (ZERO if v is None else Decimal(v) for v in row)
    return (on_hand, on_hand - expired - not_released, *rest)


@lru_cache(maxsize=1)
def _statement():
    item, today = bindparam("item"), bindparam("today", type_=Date())
    parts = (*sums.stock_parts(item, today), sums.held_for_production(item),
             sums.held_for_sales(item), sums.on_order(item))
    return select(*(part.scalar_subquery() for part in parts))
