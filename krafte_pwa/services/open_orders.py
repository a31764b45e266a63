"""The production orders still to do (planned or in progress), for the home page."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import ProductionOrder


def open_production_orders(limit: int) -> tuple[int, list[ProductionOrder]]:
    """How many orders are open, and the `limit` oldest of them with their items: one
    statement (the count rides along each row; no row, no open order)."""
    where = ProductionOrder.status.in_(("planned", "in_progress"))
    count = select(func.count(ProductionOrder.id)).where(where).scalar_subquery()
    rows = db.session.execute(
        select(ProductionOrder, count).where(where)
        .order_by(ProductionOrder.created_at, ProductionOrder.id).limit(limit)
        .options(joinedload(ProductionOrder.item, innerjoin=True))).all()
    return (rows[0][1] if rows else 0), [order for order, _count in rows]
