"""What materials cost at current lot costs, and the bound on a stored cost."""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ..domain.recipes import material_value
from ..errors import BadQuantity
from ..extensions import db
from ..messages import _
from ..models import Lot
from .availability import fefo_plan

ZERO = Decimal(0)
MAX_STORED_MONEY = Decimal(10) ** 10  # Money() holds up to 9.2e10


def latest_unit_costs(item_ids) -> dict[int, Decimal]:
    """The unit cost of each item's most recent lot (for what stock cannot cover)."""
    ids = list(set(item_ids))
    if not ids:
        return {}
    newest = (select(Lot.item_id, func.max(Lot.id).label("lot_id"))
              .where(Lot.item_id.in_(ids)).group_by(Lot.item_id).subquery())
    return dict(db.session.execute(
        select(newest.c.item_id, Lot.unit_cost).join(Lot, Lot.id == newest.c.lot_id)).all())


def materials_cost(needs, today: date, takes: dict | None = None
                   ) -> tuple[Decimal, dict[int, Decimal]]:
    """Cost of the materials `needs` [(Item, quantity)] at current lot costs: the lots FEFO
    would take now (`takes`, from availability.fefo_plan, when already read), and what
    stock cannot cover at the item's latest lot cost. Returns the exact total and the
    quantities no lot at all could price (item id -> quantity)."""
    if takes is None:
        takes = fefo_plan({item.id: quantity for item, quantity in needs}, today)
    total, short = ZERO, {}
    for item, _quantity in needs:
        found, missing = takes[item.id]
        total += material_value((t.quantity, t.lot.unit_cost) for t in found)
        if missing > 0:
            short[item.id] = missing
    unpriced = {}
    if short:
        latest = latest_unit_costs(short)
        for item_id, missing in short.items():
            if item_id in latest:
                total += material_value([(missing, latest[item_id])])
            else:
                unpriced[item_id] = missing
    return total, unpriced


def check_money(*values: Decimal) -> None:
    """Costs too large for the stored scale are refused rather than overflowing."""
    for value in values:
        if abs(value) >= MAX_STORED_MONEY:
            raise BadQuantity(_("a cost of %(cost)s is too large to record: check the "
                                "quantities and unit costs", cost=f"{value:.2f}"),
                              code="cost_too_large")
