"""Report lists: movement history with filters, cost per recipe and per completed
order, turnover and days of stock, stock level over time, lots expiring soon. Read-only.

Quantities over time are walked back from the balances (on hand = Σ movements, kept so by
the ledger), so a period reads only the movements since its start.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, localcontext

from sqlalchemy import func, select

from ..domain.vocabulary import KIND_BY_NAME
from ..errors import BadInput, NotFound
from ..extensions import db
from ..messages import _
from ..models import Balance, Item, Location, Lot, Movement, MovementKind, ProductionOrder, User
from . import _inputs as read
from .production_queries import Costs, variance
from .queries import Page, paging
from .recipes import list_recipes, recipe_cost
from .reports import _day, _sample_days, as_date, day_start, moment

ZERO = Decimal(0)
KIND_CODES = {name: kind.code for name, kind in KIND_BY_NAME.items()}
OUT_KINDS = (MovementKind.CONSUME, MovementKind.SHIPMENT)


# ---------------------------------------------------------------- movement history

@dataclass
class MovementFilters:
    item: str | None = None
    lot: str | None = None
    location: str | None = None
    kind: str | None = None  # names, comma separated
    since: str | None = None
    until: str | None = None
    user: str | None = None

    @classmethod
    def from_args(cls, args) -> "MovementFilters":
        return cls(**{k: (args.get(k) or None) for k in cls.__dataclass_fields__})

    def as_args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


HISTORY_COLUMNS = (Movement.id, Movement.created_at, Movement.kind, Item.sku, Item.name,
                   Item.unit, Lot.code, Location.code, Movement.quantity, Movement.unit_cost,
                   Movement.document, Movement.reason, User.username)


def _history_query(f: MovementFilters):
    query = (select(*HISTORY_COLUMNS).select_from(Movement)
             .join(Item, Item.id == Movement.item_id)
             .join(Lot, Lot.id == Movement.lot_id)
             .join(Location, Location.id == Movement.location_id)
             .outerjoin(User, User.id == Movement.user_id))
    if f.item:
        query = query.where(Movement.item_id == read.item(f.item).id)
    if f.lot:
        query = query.where(Movement.lot_id == read.lot(f.lot).id)
    if f.location:
        query = query.where(Movement.location_id ==
                            read.location(f.location, storage_only=False).id)
    if f.kind:
        names = [k.strip() for k in f.kind.split(",") if k.strip()]
        unknown = [n for n in names if n not in KIND_CODES]
        if unknown or not names:
            raise BadInput(_("kind must be among %(kinds)s", kinds=", ".join(KIND_CODES)),
                           details={"field": "kind"})
        query = query.where(Movement.kind.in_([KIND_CODES[n] for n in names]))
    if f.since:
        query = query.where(Movement.created_at >= day_start(f.since, "since"))
    if f.until:
        query = query.where(Movement.created_at < moment(f.until, "until"))
    if f.user:
        found = db.session.execute(select(User.id).where(User.username == f.user)).scalar()
        if found is None:
            raise NotFound(_("no user '%(username)s'", username=f.user), code="unknown_user",
                           details={"field": "user"})
        query = query.where(Movement.user_id == found)
    return query


def movement_history(filters: MovementFilters, page=1, per_page=50) -> Page:
    """Newest first; rows are named tuples (id, created_at, kind, sku, name, unit, code,
    code_1 (location), quantity, unit_cost, document, reason, username)."""
    page, per_page = paging(page, per_page)
    query = _history_query(filters)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(query.order_by(Movement.created_at.desc(), Movement.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(rows, total, page, per_page)


def movement_rows(filters: MovementFilters):
    """Every matching movement, newest first, streamed (for the CSV export)."""
    query = _history_query(filters).order_by(Movement.created_at.desc(), Movement.id.desc())
    yield from db.session.execute(query.execution_options(yield_per=1000))


# ---------------------------------------------------------------- costs

def recipe_costs(today: date | None = None) -> list:
    """[(Recipe, RecipeCost)] for every active recipe, at current lot costs."""
    return [(recipe, recipe_cost(recipe, today)) for recipe in list_recipes()]


@dataclass
class OrderCost:
    order: ProductionOrder
    planned: Costs
    actual: Costs
    per_unit_variance: Decimal  # actual per unit − planned per unit
    variance: Decimal  # production_queries.variance: actual − planned per unit × actual qty
    variance_percent: Decimal | None
    quantity_variance: Decimal


def order_costs(since=None, until=None, page=1, per_page=50) -> Page:
    """Completed orders, newest first: actual against planned cost, and the variance."""
    page, per_page = paging(page, per_page)
    query = select(ProductionOrder).where(ProductionOrder.status == "completed")
    if since:
        query = query.where(ProductionOrder.completed_at >= day_start(since, "since"))
    if until:
        query = query.where(ProductionOrder.completed_at < moment(until, "until"))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    orders = db.session.execute(
        query.order_by(ProductionOrder.completed_at.desc(), ProductionOrder.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return Page([_order_cost(o) for o in orders], total, page, per_page)


def _order_cost(order: ProductionOrder) -> OrderCost:
    v = variance(order)
    return OrderCost(order, v.planned, v.actual, v.per_unit, v.cost, v.percent, v.quantity)


# ---------------------------------------------------------------- turnover

@dataclass
class Turnover:
    item: Item
    out: Decimal  # consumed by production + shipped, over the period
    average: Decimal  # average closing stock per day
    on_hand: Decimal  # now
    turnover: Decimal | None  # out ÷ average
    days_of_stock: Decimal | None  # average ÷ out per day


def _period(since, until) -> tuple[date, date]:
    end = _day(until, "until") if until not in (None, "") else date.today()
    start = _day(since, "since") if since not in (None, "") else end - timedelta(days=89)
    if end < start:
        raise BadInput(_("until is before since"), details={"field": "until"})
    if (end - start).days > 3660:
        raise BadInput(_("a period is at most ten years"), details={"field": "since"})
    return start, end


def _on_hand_by_item(item_id: int | None = None) -> dict[int, Decimal]:
    # the rows with stock alone (the others add nothing), from their partial indexes
    query = (select(Balance.item_id, func.sum(Balance.quantity)).where(Balance.quantity > 0)
             .group_by(Balance.item_id))
    if item_id is not None:
        query = query.where(Balance.item_id == item_id)
    return {i: Decimal(q or 0) for i, q in db.session.execute(query)}


def _daily_quantities(start: date, item_id: int | None = None):
    """{item_id: {day: (net change, out)}} for movements from `start` on."""
    day = func.date(Movement.created_at)
    query = (select(Movement.item_id, day, Movement.kind, func.sum(Movement.quantity))
             .where(Movement.created_at >= datetime.combine(start, time()))
             .group_by(Movement.item_id, day, Movement.kind))
    if item_id is not None:
        query = query.where(Movement.item_id == item_id)
    result: dict[int, dict[date, tuple[Decimal, Decimal]]] = {}
    for item, moved_on, kind, quantity in db.session.execute(query):
        days = result.setdefault(item, {})
        key = as_date(moved_on)
        net, out = days.get(key, (ZERO, ZERO))
        days[key] = (net + quantity, out - quantity if kind in OUT_KINDS else out)
    return result


def _closing_by_day(now: Decimal, moves: dict, start: date, end: date) -> dict[date, Decimal]:
    """Closing stock each day of [start, end], walking back from `now`."""
    stock = now - sum((net for d, (net, _out) in moves.items() if d > end), ZERO)
    closing = {}
    day = end
    while day >= start:
        closing[day] = stock
        net = moves.get(day, (ZERO, ZERO))[0]
        stock -= net
        day -= timedelta(days=1)
    return closing


def turnover(since=None, until=None, *, kind=None) -> list[Turnover]:
    """Per item with stock or use in the period: what went out (consumption and
    shipments) ÷ average stock, and days of stock = average ÷ daily use."""
    start, end = _period(since, until)
    days = Decimal((end - start).days + 1)
    on_hand = _on_hand_by_item()
    moves = _daily_quantities(start)
    query = select(Item).where(Item.id.in_(set(on_hand) | set(moves))).order_by(Item.kind,
                                                                             Item.sku)
    if kind:
        query = query.where(Item.kind == kind)
    result = []
    for item in db.session.execute(query).scalars():
        item_moves = moves.get(item.id, {})
        closing = _closing_by_day(on_hand.get(item.id, ZERO), item_moves, start, end)
        out = sum((t for d, (_net, t) in item_moves.items() if start <= d <= end), ZERO)
        with localcontext() as ctx:
            ctx.prec = 40
            average = (sum(closing.values(), ZERO) / days).quantize(Decimal("0.000001"))
            rate = (out / average).quantize(Decimal("0.01")) if average > 0 else None
            cover = (average * days / out).quantize(Decimal("0.1")) if out > 0 else None
        if out == 0 and average == 0:
            continue
        result.append(Turnover(item, out, average, on_hand.get(item.id, ZERO), rate, cover))
    return result


def stock_series(sku, since=None, until=None, *, points: int = 90) -> list[tuple[date, Decimal]]:
    """An item's closing stock (all locations, WIP included) per day over the period."""
    item = read.item(sku)
    start, end = _period(since, until)
    now = _on_hand_by_item(item.id).get(item.id, ZERO)
    closing = _closing_by_day(now, _daily_quantities(start, item.id).get(item.id, {}),
                              start, end)
    return [(d, closing[d]) for d in _sample_days(start, end, points)]


# ---------------------------------------------------------------- expiring soon

@dataclass
class ExpiringLot:
    lot: Lot
    item: Item
    on_hand: Decimal
    days_left: int

    @property
    def value(self) -> Decimal:
        return self.on_hand * self.lot.unit_cost


def expiring(days=30, today: date | None = None) -> list[ExpiringLot]:
    """Lots with stock whose expiry falls within `days` (already expired ones first)."""
    today = today or date.today()
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise BadInput(_("days must be a whole number"), details={"field": "days"}) from None
    if not 0 <= days <= 3650:
        raise BadInput(_("days is between 0 and 3650"), details={"field": "days"})
    rows = db.session.execute(
        select(Lot, Item, func.sum(Balance.quantity))
        .join(Balance, Balance.lot_id == Lot.id)
        .join(Item, Item.id == Lot.item_id)
        .where(Lot.expiry.is_not(None), Lot.expiry <= today + timedelta(days=days),
               Balance.quantity > 0)
        .group_by(Lot.id, Item.id)
        .order_by(Lot.expiry, Item.sku, Lot.code)).all()
    return [ExpiringLot(lot, item, Decimal(q), (lot.expiry - today).days)
            for lot, item, q in rows]
