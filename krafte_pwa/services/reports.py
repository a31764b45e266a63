"""Stock valuation now and at a past instant, valuation over time, and the
accounting export of inventory value changes per period. Read-only.

Categories: stock at a WIP location is work in progress whatever the item; elsewhere the
item's kind decides (material → raw materials, intermediate, product → finished goods).

The value at an instant = Σ movement quantity × movement unit cost up to that instant
(each movement carries the cost of its lot).

Exact, and summed in the database: quantities and costs are stored as scaled integers,
so Σ quantity × cost is an integer sum. PostgreSQL sums it as NUMERIC. SQLite has no
exact decimal type: the cost is split in two (cost // 10⁴ and cost % 10⁴) so each product
fits in 64 bits, and both integer sums are recombined in Python. Should an amount ever
be too large for that (SQLite then raises "integer overflow" or answers a float), the
value is summed per lot cost instead, in Python, still exactly. That fallback sums only
quantities in SQL: an item's stock is at most MAX_ITEM_STOCK (10^12 base units, 10^18
stored, under 2^63), and its movements summed in time order pass through its stock
levels, so those sums fit; quantity x cost (up to 10^18 x 10^17 stored) is only ever
multiplied in Python or as NUMERIC.

Now = Σ of the value balances (services/_values.py): one row per item and location,
kept with the movements, equal to Σ balance × lot unit cost (a cost correction moves the
stock out at the old cost and in at the new one). A past instant starts from the month
boundary nearest to it, whose value is a sum of monthly value changes (from the first
month on, or the value now minus those since, whichever is shorter), and adds or takes
the movements between the boundary and the instant: at most half a month of movements,
read from a covering index on created_at.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, localcontext
from functools import lru_cache

from sqlalchemy import BigInteger, Numeric, case, cast, func, select, type_coerce
from sqlalchemy.exc import OperationalError

from ..domain.numbers import COST_PLACES, QUANTITY_PLACES
from ..domain.vocabulary import MOVEMENT_KINDS
from ..errors import BadInput
from ..extensions import db
from ..messages import _, field_name
from ..models import Balance, Item, Location, Lot, Movement, ValueBalance
from ..models.stock_value import NOW
from ..models.types import utcnow
from . import _values as values_
from ._inputs import date_in_range
from ._tx import dialect_name

ZERO = Decimal(0)
CATEGORIES = ("raw_materials", "intermediates", "wip", "finished_goods")
BY_ITEM_KIND = {"material": "raw_materials", "intermediate": "intermediates",
                "product": "finished_goods"}
ONE_MICROSECOND = timedelta(microseconds=1)
SCALE = QUANTITY_PLACES + COST_PLACES  # quantity × cost, both stored as scaled integers
SPLIT = 10 ** 4


def to_money(raw: int) -> Decimal:
    """A sum of stored quantity × stored cost -> the exact amount."""
    with localcontext() as ctx:
        ctx.prec = 80
        return Decimal(raw).scaleb(-SCALE)


# ---------------------------------------------------------------- instants

def moment(value, field: str = "at") -> datetime | None:
    """An ISO date or date-time -> the exclusive upper bound of what it covers, as naive
    UTC (how movements are stored): a date covers its whole day (its closing stock), a
    date-time covers up to and including itself. Empty -> None (now)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = date_in_range(value, field)
    elif isinstance(value, date):
        return datetime.combine(date_in_range(value, field) + timedelta(days=1), time())
    else:
        text = str(value).strip()
        try:
            if len(text) == 10:
                day = date_in_range(date.fromisoformat(text), field)
                return datetime.combine(day + timedelta(days=1), time())
            parsed = date_in_range(datetime.fromisoformat(text), field)
        except ValueError:
            raise BadInput(_("%(field)s must be a date (2026-03-31) or a date and time "
                             "(2026-03-31T17:30:00Z)", field=field_name(field)),
                           details={"field": field}) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed + ONE_MICROSECOND


def day_start(value, field: str) -> datetime | None:
    """An ISO date or date-time -> the inclusive lower bound it names (a date: midnight)."""
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    bound = moment(value, field)
    if isinstance(value, str) and len(value.strip()) == 10:
        return bound - timedelta(days=1)
    return bound - ONE_MICROSECOND


# ---------------------------------------------------------------- valuation

@dataclass
class Valuation:
    raw_materials: Decimal = ZERO
    intermediates: Decimal = ZERO
    wip: Decimal = ZERO
    finished_goods: Decimal = ZERO
    currency: str = "EUR"
    at: datetime | None = None  # exclusive bound; None: now

    @property
    def total(self) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = 80
            return self.raw_materials + self.intermediates + self.wip + self.finished_goods

    def add(self, name: str, value: Decimal) -> None:
        with localcontext() as ctx:
            ctx.prec = 80
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, Decimal]:
        return {**{c: getattr(self, c) for c in CATEGORIES}, "total": self.total}


class _Inexact(Exception):
    """SQLite could not sum the split products exactly: sum per lot cost instead."""


def _raw(column):
    return type_coerce(column, BigInteger)


def _value_sums(quantity, cost) -> tuple:
    q, c = _raw(quantity), _raw(cost)
    if dialect_name() == "postgresql":
        return (func.sum(cast(q, Numeric) * cast(c, Numeric)),)
    return (func.sum(q * (c // SPLIT)), func.sum(q * (c % SPLIT)))


def _combine(parts) -> int:
    if len(parts) == 1:
        return int(parts[0] or 0)
    high, low = parts
    if isinstance(high, float) or isinstance(low, float):
        raise _Inexact()
    return int(high or 0) * SPLIT + int(low or 0)


def _wip_flag(location_id):
    return location_id.in_(select(Location.id).where(Location.kind == "wip"))


def _item_kinds() -> dict[int, str]:
    return dict(db.session.execute(select(Item.id, Item.kind)).all())


def _sum_by_category(source, quantity, cost, item_id, location_id, where, extra=()) -> dict:
    """{(*extra values, category): raw amount} of Σ quantity × cost over `source` rows."""
    wip = _wip_flag(location_id)
    kinds = _item_kinds()
    group = (*extra, item_id, wip)
    try:
        rows = db.session.execute(select(*group, *_value_sums(quantity, cost))
                                  .select_from(source).where(*where).group_by(*group)).all()
        width = len(group)
        return _fold(((*r[:width], _combine(r[width:])) for r in rows), kinds)
    except (_Inexact, OperationalError):
        if dialect_name() != "sqlite":
            raise  # PostgreSQL sums NUMERIC: an error there is a real one
        # SQLite: "integer overflow" fails the statement only, not the transaction
        rows = db.session.execute(
            select(*group, _raw(cost), func.sum(_raw(quantity))).select_from(source)
            .where(*where).group_by(*group, cost)).all()
        return _fold(((*r[:len(group)], int(r[-2]) * int(r[-1] or 0)) for r in rows), kinds)


def _fold(rows, kinds: dict[int, str]) -> dict:
    result: dict = {}
    for *extra, item_id, in_wip, raw in rows:
        name = "wip" if in_wip else BY_ITEM_KIND[kinds[item_id]]
        key = (*extra, name) if extra else name
        result[key] = result.get(key, 0) + raw
    return result


def _balance_values() -> dict[str, int]:
    """Σ balance × lot cost: the value now, from the lots (a check of the value rows)."""
    return _sum_by_category(
        Balance.__table__.join(Lot.__table__, Lot.id == Balance.lot_id), Balance.quantity,
        Lot.unit_cost, Balance.item_id, Balance.location_id, [Balance.quantity > 0])


def _value_statements(where) -> tuple:
    """The value rows' raw value per item kind and WIP flag, summed in SQL; and the rows
    themselves, for SQLite when a sum overflows."""
    table = ValueBalance.__table__
    source = table.join(Item.__table__, Item.id == table.c.item_id)
    group = (Item.kind, table.c.wip)
    summed = (select(*group, *values_.sum_columns(table)).select_from(source).where(*where)
              .group_by(*group))
    return summed, select(*group, table.c.value_high, table.c.value_low).select_from(
        source).where(*where)


@lru_cache(maxsize=1)
def _now_statements() -> tuple:
    """_value_statements of the value now, built once: building them costs more than
    running them."""
    return _value_statements([ValueBalance.period == NOW])


def _value_rows(where=None, statements: tuple | None = None) -> dict[str, int]:
    """Raw value per category of the value rows `where` selects (or of `statements`),
    grouped in SQL by item kind and WIP: one statement, a handful of rows back."""
    summed, each = statements or _value_statements(where)
    try:  # plain rows: through the session's connection, past the ORM's result handling
        rows = [(kind, in_wip, values_.combine(*sums)) for kind, in_wip, *sums in
                db.session.connection().execute(summed)]
    except OperationalError:
        if dialect_name() != "sqlite":
            raise
        # SQLite: "integer overflow" fails the statement only; add the rows up in Python
        rows = [(kind, in_wip, values_.joined(high, low)) for kind, in_wip, high, low in
                db.session.execute(each)]
    result: dict[str, int] = {}
    for kind, in_wip, raw in rows:
        name = "wip" if in_wip else BY_ITEM_KIND[kind]
        result[name] = result.get(name, 0) + raw
    return result


def _now_values() -> dict[str, int]:
    """The value now, from the value balances: two rows an item at most, however long
    the history."""
    values_.write_pending()
    return _value_rows(statements=_now_statements())


def _moved_values(lower: datetime | None, upper: datetime | None,
                  by_kind: bool = False) -> dict:
    """Raw Σ quantity × cost of movements with lower <= created_at < upper, per category
    (or per (movement kind, category))."""
    where = []
    if lower is not None:
        where.append(Movement.created_at >= lower)
    if upper is not None:
        where.append(Movement.created_at < upper)
    return _sum_by_category(Movement.__table__, Movement.quantity, Movement.unit_cost,
                            Movement.item_id, Movement.location_id, where,
                            (Movement.kind,) if by_kind else ())


def _span_values(lower: datetime, upper: datetime | None) -> dict[str, int]:
    """Raw Σ quantity × cost of the movements in [lower, upper) per category, grouped by
    item alone (the covering index's order: no sort), the WIP part summed beside it."""
    where = [Movement.created_at >= lower]
    if upper is not None:
        where.append(Movement.created_at < upper)
    wip = _wip_flag(Movement.location_id)
    q, c = _raw(Movement.quantity), _raw(Movement.unit_cost)
    postgresql = dialect_name() == "postgresql"
    if postgresql:
        product = cast(q, Numeric) * cast(c, Numeric)
        sums = (func.sum(product), func.sum(case((wip, product))))
    else:
        high, low = q * (c // SPLIT), q * (c % SPLIT)
        sums = (func.sum(high), func.sum(low), func.sum(case((wip, high))),
                func.sum(case((wip, low))))
    kinds = _item_kinds()
    result: dict[str, int] = {}
    try:
        for item_id, *parts in db.session.execute(
                select(Movement.item_id, *sums).where(*where).group_by(Movement.item_id)):
            if postgresql:
                total, in_wip = int(parts[0] or 0), int(parts[1] or 0)
            else:
                total, in_wip = _combine(parts[:2]), _combine(parts[2:])
            name = BY_ITEM_KIND[kinds[item_id]]
            result[name] = result.get(name, 0) + total - in_wip
            result["wip"] = result.get("wip", 0) + in_wip
    except (_Inexact, OperationalError):
        if postgresql:
            raise
        return _moved_values(lower, upper)  # SQLite past 64 bits: summed per lot cost
    return result


def _past_values(bound: datetime, strategy: str = "auto") -> dict[str, int]:
    """Raw values of movements before `bound`. auto: from the month boundary nearest to
    it (monthly value changes) and the movements in between; forward: the ledger up to
    it; backward: Σ balance × lot cost minus the ledger since (the two are checks)."""
    if strategy == "auto":
        return _from_month_boundary(bound)
    if strategy == "forward":
        return _moved_values(None, bound)
    return _minus(_balance_values(), _moved_values(bound, None))


def _minus(values: dict, moved: dict) -> dict:
    for name, value in moved.items():
        values[name] = values.get(name, 0) - value
    return values


def _plus(values: dict, moved: dict) -> dict:
    for name, value in moved.items():
        values[name] = values.get(name, 0) + value
    return values


def _month_index(day: date | datetime) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1)


def _from_month_boundary(bound: datetime) -> dict[str, int]:
    """At most half a month of movements, added to or taken from a month's start value."""
    values_.write_pending()
    start = _month_start(_month_index(bound))
    end = _month_start(_month_index(bound) + 1)
    edge = start if bound - start <= end - bound else end
    if edge > utcnow():
        return _minus(_now_values(), _span_values(bound, None))
    at_edge = _value_at_month_start(edge)
    if edge < bound:
        return _plus(at_edge, _span_values(edge, bound))
    if edge > bound:
        return _minus(at_edge, _span_values(bound, edge))
    return at_edge


def _value_at_month_start(start: datetime) -> dict[str, int]:
    """Σ of the monthly changes before `start`, or the value now minus those from it on:
    whichever side holds fewer months."""
    first = db.session.execute(select(func.min(ValueBalance.period))).scalar()
    month = start.date()
    if first is None or first == NOW or month <= first:
        return {}
    before = _month_index(month) - _month_index(first)
    after = _month_index(utcnow()) + 1 - _month_index(month)
    if before <= after:
        return _value_rows([ValueBalance.period < month])
    return _minus(_now_values(), _value_rows([ValueBalance.period >= month,
                                              ValueBalance.period < NOW]))


def _valuation(raw: dict[str, int], currency: str, at: datetime | None) -> "Valuation":
    result = Valuation(currency=currency, at=at)
    for name, value in raw.items():
        setattr(result, name, to_money(value))
    return result


def valuation(at=None, *, currency: str = "EUR", strategy: str = "auto") -> Valuation:
    """Stock value by category, now or at `at` (ISO date: that day's closing stock;
    ISO date-time: that instant, UTC unless it says otherwise)."""
    bound = moment(at)
    if bound is not None and bound > utcnow():
        bound = None  # the future is now
    values = _now_values() if bound is None else _past_values(bound, strategy)
    return _valuation(values, currency, bound)


def valuation_series(since, until=None, *, points: int = 60,
                     currency: str = "EUR") -> list[tuple[date, Valuation]]:
    """Closing valuation per day from `since` to `until` (at most `points` days shown,
    evenly spaced), from the movements after `since` only."""
    start = _day(since, "since")
    end = _day(until, "until") if until not in (None, "") else date.today()
    if end < start:
        raise BadInput(_("until is before since"))
    days = _sample_days(start, end, points)
    lower = datetime.combine(start + timedelta(days=1), time())
    day = func.date(Movement.created_at)
    moved: dict[date, dict[str, int]] = {}
    for (moved_on, name), raw in _sum_by_category(
            Movement.__table__, Movement.quantity, Movement.unit_cost, Movement.item_id,
            Movement.location_id, [Movement.created_at >= lower], (day,)).items():
        bucket = moved.setdefault(as_date(moved_on), {})
        bucket[name] = bucket.get(name, 0) + raw
    # walk back from now: value(end of day d) = now − Σ moves after day d
    later = sorted(moved, reverse=True)
    running = _now_values()
    series = {}
    index = 0
    for day_ in sorted(days, reverse=True):
        while index < len(later) and later[index] > day_:
            for name, value in moved[later[index]].items():
                running[name] = running.get(name, 0) - value
            index += 1
        series[day_] = _valuation(running, currency,
                                  datetime.combine(day_ + timedelta(days=1), time()))
    return [(d, series[d]) for d in days]


def as_date(value) -> date:
    """func.date() answers a date on PostgreSQL and text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _day(value, field: str) -> date:
    if isinstance(value, date):
        return date_in_range(value, field)
    try:
        return date_in_range(date.fromisoformat(str(value).strip()[:10]), field)
    except ValueError:
        raise BadInput(_("%(field)s must be a date like 2026-03-31", field=field_name(field)),
                       details={"field": field}) from None


def _sample_days(start: date, end: date, points: int) -> list[date]:
    span = (end - start).days
    if span + 1 <= points:
        return [start + timedelta(days=n) for n in range(span + 1)]
    step = span / (points - 1)
    return sorted({start + timedelta(days=round(n * step)) for n in range(points)})


# ---------------------------------------------------------------- accounting export

# the report's lines, in their order; which kinds go on which: domain/vocabulary.py
ACCOUNTING_LINES = ("opening_stock", "receipts", "production_issues", "production_consumption",
                    "production_output", "shipments", "adjustments", "counts", "waste",
                    "transfers", "revaluations")
LINE_OF_KIND = {code: kind.report for code, kind in MOVEMENT_KINDS.items()}


@dataclass
class Accounting:
    since: datetime
    until: datetime  # exclusive
    currency: str
    opening: Valuation
    closing: Valuation
    lines: dict[str, Valuation] = field(default_factory=dict)  # name -> change by category

    @property
    def cost_of_goods_sold(self) -> Decimal:
        return -self.lines["shipments"].total

    def rows(self) -> list[tuple[str, Valuation]]:
        return [("opening_balance", self.opening), *self.lines.items(),
                ("closing_balance", self.closing)]


def accounting(since, until=None, *, currency: str = "EUR") -> Accounting:
    """Inventory value changes over [since, until] by movement class and category; the
    opening value plus the changes is the closing value, to the last decimal."""
    lower = day_start(since, "since")
    if lower is None:
        raise BadInput(_("%(field)s is required", field=field_name("since")),
                       details={"field": "since"})
    now = utcnow() + ONE_MICROSECOND
    upper = moment(until, "until") if until not in (None, "") else now
    if upper <= lower:
        raise BadInput(_("until is before since"), details={"field": "until"})
    upper = min(upper, now)  # nothing has moved in the future
    start = _past_values(lower)
    opening = _valuation(start, currency, lower)
    moved = _moved_values(lower, upper, by_kind=True) if upper > lower else {}
    changes: dict[str, dict[str, int]] = {}
    end = dict(start)
    for (kind, name), raw in moved.items():
        line = changes.setdefault(LINE_OF_KIND.get(kind, "other"), {})
        line[name] = line.get(name, 0) + raw
        end[name] = end.get(name, 0) + raw
    lines = {name: _valuation(changes.get(name, {}), currency, None)
             for name in ACCOUNTING_LINES}
    if "other" in changes:
        lines["other"] = _valuation(changes["other"], currency, None)
    closing = _valuation(end, currency, upper)
    return Accounting(lower, upper, currency, opening, closing, lines)
