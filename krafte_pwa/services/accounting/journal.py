"""The stock journal: balanced double entries derived from the ledger.

Both methods read the same ledger as the valuation (services.reports), so the stock
accounts always reconcile with it: over any period their net change is the valuation at
the end minus the valuation at the start, to the cent.

- periodic: one stock-variation entry per stock account, for the whole period.
- perpetual: one entry per business event: the movements of one document and one kind
  of operation on one day (a receipt, the picks that start a production order, its
  completion, a shipment, a count, a cost correction); a movement without a document (an
  adjustment) is an event of its own.

Amounts are to the cent. A stock account's line in an entry is the change of its rounded
running balance (round(balance after) − round(balance before)), so the lines of a period
add up exactly to the change of the rounded valuation; every other line is its exact
amount rounded, and what a rounding leaves over goes on the rounding account's line, so
each entry balances.
"""

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

from sqlalchemy import BigInteger, func, select, type_coerce

from ...domain.vocabulary import MOVEMENT_KINDS
from ...errors import BadInput
from ...extensions import db
from ...messages import _
from ...models import Location, Movement
from ...models.types import utcnow
from .. import reports
from . import settings as conf

ZERO = Decimal(0)
CENT = Decimal("0.01")
JOURNAL_CODE = "ST"
EVENT_CLASS = {code: kind.journal for code, kind in MOVEMENT_KINDS.items()}
# the counterpart of a movement's value, by kind; None: inside the stock accounts (what
# does not cancel out, a production order's labour and overhead, is production_absorbed)
COUNTERPART = {code: kind.counterpart for code, kind in MOVEMENT_KINDS.items()
               if kind.counterpart}


def cents(value: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _exact(raw: int) -> Decimal:
    return reports.to_money(raw)


@dataclass(slots=True)
class Line:
    account: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO

    @property
    def signed(self) -> Decimal:
        return self.debit - self.credit


@dataclass(slots=True)
class Entry:
    date: date
    label: str
    document: str | None
    lines: list[Line]
    journal: str = JOURNAL_CODE
    number: int = 0

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "journal": self.journal, "label": self.label,
                "document": self.document,
                "lines": [[ln.account, str(ln.debit), str(ln.credit)] for ln in self.lines]}

    @classmethod
    def from_dict(cls, data: dict) -> "Entry":
        return cls(date.fromisoformat(data["date"]), data["label"], data.get("document"),
                   [Line(a, Decimal(d), Decimal(c)) for a, d, c in data["lines"]],
                   data.get("journal", JOURNAL_CODE))


@dataclass
class Journal:
    method: str
    start: datetime  # inclusive
    end: datetime  # exclusive
    entries: list[Entry] = field(default_factory=list)
    opening: dict[str, Decimal] = field(default_factory=dict)  # stock account -> cents
    closing: dict[str, Decimal] = field(default_factory=dict)

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).date()


def _lines(amounts: dict[str, Decimal]) -> list[Line]:
    """Signed amounts per account (debit > 0) -> lines, zero ones left out."""
    lines = []
    for account in sorted(amounts):
        value = amounts[account]
        if value > 0:
            lines.append(Line(account, debit=value))
        elif value < 0:
            lines.append(Line(account, credit=-value))
    return lines


def _balance(amounts: dict[str, Decimal], accounts: dict[str, str]) -> dict[str, Decimal]:
    rest = sum(amounts.values(), ZERO)
    if rest:
        rounding = accounts["rounding"]
        amounts[rounding] = amounts.get(rounding, ZERO) - rest
    return amounts


def _per_account(values: dict[str, Decimal], accounts: dict[str, str]) -> dict[str, Decimal]:
    """Exact values per category -> per stock account (two categories may share one)."""
    result: dict[str, Decimal] = {}
    with localcontext() as ctx:
        ctx.prec = 80
        for category in reports.CATEGORIES:
            account = accounts[category]
            result[account] = result.get(account, ZERO) + values.get(category, ZERO)
    return result


def _variation_account(account: str, accounts: dict[str, str]) -> str:
    for category in reports.CATEGORIES:
        if accounts[category] == account:
            return accounts[conf.VARIATION_OF[category]]
    raise KeyError(account)


# ---------------------------------------------------------------- the ledger, grouped

@contextmanager
def paused_gc():
    """No cyclic garbage collection while a journal is built: its hundreds of thousands
    of small objects all live until the end, and each collection would walk them all
    again (it doubled the time of a month). Collected as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _movements(lower: datetime, upper: datetime):
    """(id, document, kind, day, item_id, location_id, stored quantity, stored cost) of the
    movements in [lower, upper), fetched at once as plain integers and strings: no ORM
    objects, no Decimal, no sort in SQL (a month is over 100,000 movements)."""
    def raw(column):
        return type_coerce(column, BigInteger)

    return db.session.connection().execute(
        select(Movement.id, Movement.document, Movement.kind, func.date(Movement.created_at),
               Movement.item_id, Movement.location_id, raw(Movement.quantity),
               raw(Movement.unit_cost))
        .where(Movement.created_at >= lower, Movement.created_at < upper)).all()


class _Event:
    __slots__ = ("key", "day", "first_id", "kind", "values", "signed")

    def __init__(self, key: str, day: date, first_id: int, kind):
        self.key = key
        self.day = day
        self.first_id = first_id
        self.kind = kind  # one of its kinds: they are all of one class (part of the key)
        # (category, counterpart name or None) -> raw Σ quantity × cost (scaled integer)
        self.values: dict = {}
        self.signed = False  # has (category, (loss, gain), kind, item) slots to settle


class _Slots(dict):
    """(kind, item, in WIP) -> (class of operation, value slot, signed), made once each."""

    def __init__(self):
        super().__init__()
        self.kinds = reports._item_kinds()
        self.category_of = {item_id: reports.BY_ITEM_KIND.get(kind)
                            for item_id, kind in self.kinds.items()}

    def __missing__(self, key):
        kind, item_id, in_wip = key
        category = "wip" if in_wip else self.category_of[item_id]
        if category is None:
            raise KeyError(self.kinds[item_id])
        counterpart = COUNTERPART.get(kind) if kind in EVENT_CLASS else "opening_stock"
        if counterpart.__class__ is tuple:  # losses and gains apart: by the sign of a sum
            found = (EVENT_CLASS[kind], (category, counterpart, kind, item_id), True)
        else:
            found = (EVENT_CLASS.get(kind, "other"), (category, counterpart), False)
        self[key] = found
        return found


def _events(lower: datetime, upper: datetime) -> list[_Event]:
    """The movements of the period, added up per event (document or lone movement, class
    of operation, day) and per (category, counterpart account), exactly, in one pass."""
    slots = _Slots()
    wip_ids = set(db.session.execute(select(Location.id).where(Location.kind == "wip"))
                  .scalars())
    events: dict[tuple, _Event] = {}
    days: dict = {}
    for movement_id, document, kind, day, item_id, location_id, quantity, cost in \
            _movements(lower, upper):
        key = document if document is not None else f"#{movement_id}"
        name, slot, signed = slots[(kind, item_id, location_id in wip_ids)]
        ek = (key, name, day)
        event = events.get(ek)
        if event is None:
            moved_on = days.get(day)
            if moved_on is None:
                moved_on = days[day] = reports.as_date(day)
            event = events[ek] = _Event(key, moved_on, movement_id, kind)
        elif movement_id < event.first_id:
            event.first_id = movement_id
        if signed:
            event.signed = True
        values = event.values
        values[slot] = values.get(slot, 0) + quantity * cost
    for event in events.values():
        if event.signed:
            _settle(event)
    return sorted(events.values(), key=lambda e: (e.day, e.first_id))


def _settle(event: _Event) -> None:
    """An item's adjustment or count in an event is a loss or a gain by the sign of its sum."""
    settled: dict = {}
    for slot, raw in event.values.items():
        if len(slot) == 4:
            category, (loss, gain), _kind, _item = slot
            slot = (category, loss if raw < 0 else gain)
        settled[slot] = settled.get(slot, 0) + raw
    event.values = settled


class _Labels(dict):
    """Movement kind -> the entry label's text before and after the document (after is
    None: no document in it); each sentence translated and split once per journal."""

    def __init__(self):
        super().__init__()
        templates = {
            "receipt": _("Receipt %(document)s"), "opening": _("Opening stock %(document)s"),
            "shipment": _("Shipment %(document)s"), "count": _("Stock count %(document)s"),
            "adjustment": _("Stock adjustment"),
            "revaluation": _("Cost correction %(document)s"),
            "issue": _("Issued to production %(document)s"),
            "production": _("Production %(document)s"),
            "transfer": _("Transfer %(document)s"),
            "other": _("Stock movement %(document)s"),
        }
        self.parts = {}
        for name, template in templates.items():
            if "%(document)s" in template:
                before, after = template.split("%(document)s", 1)
                self.parts[name] = (before.replace("%%", "%"), after.replace("%%", "%"))
            else:
                self.parts[name] = (template.replace("%%", "%"), None)

    def __missing__(self, kind):
        # the movements of an event are of one class (it is part of the event's key)
        found = self[kind] = self.parts[EVENT_CLASS.get(kind, "other")]
        return found

    def __call__(self, event: _Event) -> str:
        before, after = self[event.kind]
        if after is None:
            return before
        key = event.key
        return f"{before}{key}{after}" if key[0] != "#" else f"{before}{after}"


class _Cents(dict):
    """Whole cents -> Decimal amount, each made once."""

    def __missing__(self, value: int) -> Decimal:
        found = self[value] = Decimal(value).scaleb(-2)
        return found


# ---------------------------------------------------------------- the two methods

def start_values(lower: datetime) -> dict[str, Decimal]:
    return {name: _exact(raw) for name, raw in reports._past_values(lower).items()}


def end_values(upper: datetime) -> dict[str, Decimal]:
    """The exact value per category just before `upper` (the period's end)."""
    return start_values(upper)


def compute(lower: datetime, upper: datetime, *, method: str | None = None,
            accounts: dict[str, str] | None = None,
            opening: dict[str, Decimal] | None = None) -> Journal:
    """The journal of [lower, upper) from the ledger. `opening`: the stock balances to
    start from, per category, in cents (a closed period's frozen closing balances); when
    the ledger says otherwise today (an item was reclassified since, say), a first entry
    books the difference."""
    method = method or conf.method()
    accounts = accounts or conf.accounts()
    journal = Journal(method, lower, upper)
    start_raw = reports._past_values(lower)
    start_by_category = {name: _exact(raw) for name, raw in start_raw.items()}
    start = _per_account(start_by_category, accounts)
    running = {a: cents(v) for a, v in start.items()}
    if opening is not None:  # per category -> per account, in the map of today
        frozen: dict[str, Decimal] = defaultdict(Decimal)
        for category in reports.CATEGORIES:
            frozen[accounts[category]] += opening.get(category, ZERO)
        journal.opening = dict(frozen)
        amounts: dict[str, Decimal] = {}
        for account, value in running.items():
            change = value - frozen[account]
            if change:
                variation = _variation_account(account, accounts)
                amounts[account] = amounts.get(account, ZERO) + change
                amounts[variation] = amounts.get(variation, ZERO) - change
        lines = _lines(amounts)
        if lines:
            journal.entries.append(Entry(lower.date(), _("Change to the closing stock of a "
                                                         "closed period"), None, lines))
    else:
        journal.opening = dict(running)
    if method == "periodic":
        end = _per_account(end_values(upper), accounts)
        last_day = (upper - timedelta(microseconds=1)).date()
        for category in reports.CATEGORIES:
            account = accounts[category]
            if any(accounts[c] == account for c in reports.CATEGORIES[
                    :reports.CATEGORIES.index(category)]):
                continue  # one entry per account
            change = cents(end[account]) - running[account]
            running[account] = cents(end[account])
            if change:
                variation = accounts[conf.VARIATION_OF[category]]
                journal.entries.append(Entry(
                    last_day, _("Change in stock: %(account)s",
                                account=conf.account_label(category)), None,
                    _lines(_balance({account: change, variation: -change}, accounts))))
    else:
        _perpetual(journal, lower, upper, accounts, start_raw, running)
    journal.closing = {a: running.get(a, ZERO) for a in running}
    for number, entry in enumerate(journal.entries, start=1):
        entry.number = number
    return journal


UNIT = 10 ** (reports.SCALE - 2)  # a cent in raw units (Σ stored quantity × stored cost)
HALF = UNIT // 2


def _raw_cents(raw: int) -> int:
    """A raw amount -> whole cents, half away from zero (as cents() does)."""
    return (raw + HALF) // UNIT if raw >= 0 else -((-raw + HALF) // UNIT)


def _perpetual(journal: Journal, lower: datetime, upper: datetime, accounts: dict[str, str],
               start_raw: dict[str, int], running: dict[str, Decimal]) -> None:
    """One entry per event, in integers (raw amounts and cents) for speed: a month of a
    busy workshop is tens of thousands of entries."""
    exact: dict[str, int] = defaultdict(int)  # stock account -> raw running value
    for category, raw in start_raw.items():
        exact[accounts[category]] += raw
    booked = {account: _raw_cents(raw) for account, raw in exact.items()}
    for category in reports.CATEGORIES:
        booked.setdefault(accounts[category], 0)
    stock_of = {c: accounts[c] for c in reports.CATEGORIES}
    counter_of = {}
    for category in reports.CATEGORIES:
        for name in (*conf.DEFAULT_ACCOUNTS, "variation", None):
            account = (accounts[conf.VARIATION_OF[category]] if name == "variation" else
                       accounts["production_absorbed"] if name is None else accounts[name])
            counter_of[(category, name)] = account
    rounding = accounts["rounding"]
    label = _Labels()
    entries = journal.entries
    append = entries.append
    money = _Cents()
    pair_of = {slot: (stock_of[slot[0]], account) for slot, account in counter_of.items()}
    for event in _events(lower, upper):
        amounts: dict[str, int] = {}  # counterpart account -> raw
        touched: dict[str, None] = {}  # stock accounts, in order
        for slot, raw in event.values.items():
            account, other = pair_of[slot]
            exact[account] += raw
            touched[account] = None
            amounts[other] = amounts.get(other, 0) - raw
        lines: dict[str, int] = {}
        for account in touched:
            value = exact[account]
            now = (value + HALF) // UNIT if value >= 0 else -((HALF - value) // UNIT)
            lines[account] = now - booked[account]
            booked[account] = now
        for account, raw in amounts.items():
            lines[account] = lines.get(account, 0) + (
                (raw + HALF) // UNIT if raw >= 0 else -((HALF - raw) // UNIT))
        rest = sum(lines.values())
        if rest:
            lines[rounding] = lines.get(rounding, 0) - rest
        made = [Line(a, money[v], ZERO) if v > 0 else Line(a, ZERO, money[-v])
                for a, v in sorted(lines.items()) if v]
        if made:
            key = event.key
            append(Entry(event.day, label(event), None if key[0] == "#" else key, made))
    for account, cents_ in booked.items():
        running[account] = Decimal(cents_).scaleb(-2)


def period_bounds(since, until) -> tuple[datetime, datetime]:
    """ISO dates (inclusive) -> [lower, upper) in naive UTC; upper never after now.
    Defaults: the first day of this month, today."""
    today = date.today()
    lower = reports.day_start(since, "from") if since not in (None, "") else \
        datetime.combine(today.replace(day=1), time())
    upper = reports.moment(until, "to") if until not in (None, "") else \
        datetime.combine(today + timedelta(days=1), time())
    if upper <= lower:
        raise BadInput(_("to is before from"), details={"field": "to"})
    return lower, min(upper, utcnow() + timedelta(microseconds=1))
