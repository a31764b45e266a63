"""Read-only questions about production orders: lists, requirements with FEFO suggestions,
planned against actual cost and quantity."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext

from sqlalchemy import select

from ..domain.order_states import IN_PROGRESS, ORDER_STATUSES, PLANNED, allowed_actions
from ..domain.recipes import (
    money,
    output_expiry,
    unit_cost,
)
from ..models import Item, ProductionOrder
from . import _inputs as read
from . import availability as avail
from .queries import Page, newest_first, paging, statuses
from .settings import get_setting

ZERO = Decimal(0)


def get_order(number) -> ProductionOrder:
    return read.order(number)


def list_orders(*, status=None, item=None, page=1, per_page=50) -> Page:
    page, per_page = paging(page, per_page)
    query = select(ProductionOrder)
    if status:
        query = query.where(ProductionOrder.status.in_(statuses(status, ORDER_STATUSES)))
    if item:
        query = query.where(ProductionOrder.item_id == read.item(item).id)
    return newest_first(query, ProductionOrder, page, per_page)


@dataclass
class Requirement:
    item: Item
    required: Decimal
    reserved: Decimal
    picked: Decimal = ZERO
    consumed: Decimal = ZERO
    suggested: list = field(default_factory=list)  # [availability.Take] while planned
    missing: Decimal = ZERO  # what usable stock, less other orders' reservations, lacks


def requirements(order: ProductionOrder, today: date | None = None,
                 suggest: bool = True) -> list[Requirement]:
    picked: dict[int, list[Decimal]] = {}
    for pick in order.picks:
        p = picked.setdefault(pick.lot.item_id, [ZERO, ZERO])
        p[0] += pick.quantity
        p[1] += pick.consumed
    result = [Requirement(res.item, res.required, res.quantity,
                          *picked.get(res.item_id, (ZERO, ZERO)))
              for res in order.reservations]
    if order.status == PLANNED and suggest:
        for row, (usable, (takes, short)) in zip(
                result, _suggestions(order, today or date.today()), strict=True):
            row.suggested, row.missing = takes, row.required - usable + short
    return result


def _suggestions(order: ProductionOrder, today: date):
    """Per reservation: (what this order may use: usable stock less what other open
    orders hold, (its FEFO takes, what they lack)). Planning's own when it just ran."""
    if order.suggestions is not None:
        return [(res.quantity, order.suggestions[res.item_id]) for res in order.reservations]
    caps: dict[int, Decimal] = {}
    for r in order.reservations:
        caps[r.item_id] = caps.get(r.item_id, ZERO) + r.required
    # exact below what the order requires: all the suggestions ask
    free = avail.available_up_to(caps, today, exclude_order_id=order.id)
    usable = {r.item_id: min(r.required, max(free.get(r.item_id, ZERO), ZERO))
              for r in order.reservations}
    takes = avail.fefo_plan(usable, today)
    return [(usable[r.item_id], takes[r.item_id]) for r in order.reservations]


@dataclass
class Costs:
    material: Decimal
    labour: Decimal
    overhead: Decimal
    total: Decimal
    quantity: Decimal
    per_unit: Decimal


@dataclass
class Variance:
    """The one definition of an order's variance (order page, API, order-costs report):
    each cost against the planned cost per unit of what was actually made, so a smaller
    batch is not a saving; the quantity against the planned quantity."""
    planned: Costs
    actual: Costs | None
    cost: Decimal | None  # actual total - planned cost per unit x actual quantity
    material: Decimal | None = None  # the same, cost by cost
    labour: Decimal | None = None
    overhead: Decimal | None = None
    percent: Decimal | None = None  # cost ÷ the planned cost of the actual quantity
    quantity: Decimal | None = None  # actual output - planned

    @property
    def per_unit(self) -> Decimal | None:
        return self.actual.per_unit - self.planned.per_unit if self.actual else None


def variance(order: ProductionOrder) -> Variance:
    planned = Costs(order.planned_material_cost, order.planned_labour_cost,
                    order.planned_overhead_cost, order.planned_total_cost,
                    order.planned_quantity,
                    unit_cost(order.planned_total_cost, order.planned_quantity))
    if order.actual_quantity is None or order.output_lot is None:
        return Variance(planned, None, None)
    actual = Costs(order.actual_material_cost, order.actual_labour_cost or ZERO,
                   order.actual_overhead_cost or ZERO, order.actual_total_cost,
                   order.actual_quantity, order.output_lot.unit_cost)
    with localcontext() as ctx:
        ctx.prec = 60
        share = actual.quantity / planned.quantity

        def diff(a, p):
            return money(a - p * share)
        standard = planned.per_unit * actual.quantity
        cost = actual.total - standard
        percent = (cost / standard * 100).quantize(Decimal("0.01")) if standard else None
    return Variance(planned, actual, cost, diff(actual.material, planned.material),
                    diff(actual.labour, planned.labour), diff(actual.overhead, planned.overhead),
                    percent, actual.quantity - planned.quantity)


def actions(order: ProductionOrder) -> list[str]:
    return allowed_actions(order.status)


@dataclass
class OutputExpiry:
    expiry: date | None  # of the output lot, made today from what was picked
    capped_by: str | None  # the input lot whose expiry comes before the output's shelf life
    warn: bool  # capped and within the expiry warning window


def projected_expiry(order: ProductionOrder, today: date | None = None) -> OutputExpiry | None:
    """What the output lot's expiry would be if the order were completed today with what
    was picked (the completion computes it the same way, from what is consumed)."""
    if order.status != IN_PROGRESS:
        return None
    today = today or date.today()
    lots = [p.lot for p in order.picks if p.quantity - p.returned > 0]
    own = output_expiry(today, order.item.shelf_life_days, [], cap_by_inputs=False)
    expiry = output_expiry(today, order.item.shelf_life_days, [lot.expiry for lot in lots],
                           cap_by_inputs=order.recipe.cap_expiry)
    if expiry is None or expiry == own:
        return OutputExpiry(expiry, None, False)
    first = min((lot for lot in lots if lot.expiry is not None), key=lambda lot: lot.expiry)
    window = int(get_setting("expiry_warning_days"))
    return OutputExpiry(expiry, first.code, (expiry - today).days <= window)
