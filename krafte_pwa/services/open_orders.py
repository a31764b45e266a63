"""The production orders still to do (planned or in progress), for the home page."""

from sqlalchemy import func, select

from ..extensions import db
from ..models import ProductionOrder


def open_production_orders(limit: int) -> tuple[int, list[ProductionOrder]]:
    """How many orders are open, and the `limit` oldest of them."""
    where = ProductionOrder.status.in_(("planned", "in_progress"))
    count = db.session.execute(select(func.count(ProductionOrder.id)).where(where)).scalar_one()
    if not count:
        return 0, []
    rows = db.session.execute(select(ProductionOrder).where(where)
                              .order_by(ProductionOrder.created_at, ProductionOrder.id)
                              .limit(limit)).scalars().all()
    return count, rows
