"""The production orders still to do (planned or in progress), for the home page."""

from functools import lru_cache

from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import ProductionOrder


@lru_cache(maxsize=1)
def _statement():
    """The open orders, oldest first (bind parameter limit), each with its item and how many
    are open: built once, as every home page runs it."""
    where = ProductionOrder.status.in_(("planned", "in_progress"))
    count = select(func.count(ProductionOrder.id)).where(where).scalar_subquery()
    return (select(ProductionOrder, count).where(where)
            .order_by(ProductionOrder.created_at, ProductionOrder.id)
            .limit(bindparam("limit", type_=Integer()))
            .options(joinedload(ProductionOrder.item, innerjoin=True)))


def open_production_orders(limit: int) -> tuple[int, list[ProductionOrder]]:
    """How many orders are open, and the `limit` oldest of them with their items: one
    statement (the count rides along each row; no row, no open order)."""
    rows = db.session.execute(_statement(), {"limit": limit}).all()
    return (rows[0][1] if rows else 0), [order for order, _count in rows]
