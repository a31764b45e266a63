"""The perpetual journal's entries from the ledger, in integers.

A month of a busy workshop is over 100,000 movements, so this reads them through the
database driver (plain tuples: no ORM objects, no Decimal), one day at a time (the day
is the query's, not a column), and works in raw amounts (Σ stored quantity × stored
cost, exact integers) and whole cents; an entry keeps its amounts as a flat tuple
(account, signed cents, …), its Decimal lines are made only when read.
"""

from datetime import datetime, time, timedelta
from operator import itemgetter

from sqlalchemy import select

from ...domain.vocabulary import MOVEMENT_KINDS
from ...extensions import db
from ...messages import _
from ...models import Location, Movement
from .. import reports
from . import settings as conf
from .entry import JOURNAL_CODE, Entry

EVENT_CLASS = {code: kind.journal for code, kind in MOVEMENT_KINDS.items()}
# the counterpart of a movement's value, by kind; None: inside the stock accounts (what
# does not cancel out, a production order's labour and overhead, is production_absorbed)
COUNTERPART = {code: kind.counterpart for code, kind in MOVEMENT_KINDS.items()
               if kind.counterpart}
UNIT = 10 ** (reports.SCALE - 2)  # a cent in raw units (Σ stored quantity × stored cost)
HALF = UNIT // 2
_FIRST = itemgetter(0)
KIND_BASE = 256  # a row's slot key: item × KIND_BASE + kind, negative in a WIP
assert all(code < KIND_BASE for code in MOVEMENT_KINDS)


def raw_cents(raw: int) -> int:
    """A raw amount -> whole cents, half away from zero (as journal.cents() does)."""
    return (raw + HALF) // UNIT if raw >= 0 else -((HALF - raw) // UNIT)


# ---------------------------------------------------------------- reading the ledger

def _days(lower: datetime, upper: datetime):
    """(day, start, end) of each day that [lower, upper) touches, clipped to it."""
    day = lower.date()
    while True:
        start = max(lower, datetime.combine(day, time()))
        if start >= upper:
            return
        following = day + timedelta(days=1)
        yield day, start, min(upper, datetime.combine(following, time()))
        day = following


def movements_by_day(lower: datetime, upper: datetime):
    """(day, rows) per day of [lower, upper): the rows (id, document, item × KIND_BASE +
    kind, location, stored quantity, stored cost) of its movements, in no particular
    order, as the driver gives them."""
    connection = db.session.connection()
    bind = Movement.__table__.c.created_at.type.bind_processor(connection.dialect)
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (f"SELECT id, document, item_id * {KIND_BASE} + kind, location_id, quantity, "
           f"unit_cost FROM movement WHERE created_at >= {mark} AND created_at < {mark}")
    cursor = connection.connection.cursor()
    try:
        for day, start, end in _days(lower, upper):
            cursor.execute(sql, (bind(start), bind(end)) if bind else (start, end))
            yield day, cursor.fetchall()
    finally:
        cursor.close()


class Slots(dict):
    """Slot key (item × KIND_BASE + kind, negative in a WIP) -> (class of operation,
    value slot, signed, kind), made once each. A slot is (category, counterpart name or
    None); signed: (category, (loss, gain)), a loss or a gain by the sign of the item's
    sum in the event."""

    def __init__(self):
        super().__init__()
        self.kinds = reports._item_kinds()
        self.category_of = {item_id: reports.BY_ITEM_KIND.get(kind)
                            for item_id, kind in self.kinds.items()}

    def __missing__(self, key: int):
        in_wip = key < 0
        item_id, kind = divmod(abs(key), KIND_BASE)
        category = "wip" if in_wip else self.category_of[item_id]
        if category is None:
            raise KeyError(self.kinds[item_id])
        counterpart = COUNTERPART.get(kind) if kind in EVENT_CLASS else "opening_stock"
        signed = counterpart.__class__ is tuple
        found = (EVENT_CLASS.get(kind, "other"), (category, counterpart), signed, kind)
        self[key] = found
        return found


def day_events(rows, slots: Slots, wip_ids: set) -> list:
    """A day's movements added up per event (document or lone movement, class of
    operation), in first-id order: [first id, a kind, document, slot, raw, None,
    signed] while the event has one slot, [first id, a kind, document, None, None,
    {slot: raw}, signed] from its second on. A signed slot (an adjustment or a count) is
    kept per item and kind until the event is complete: (slot, the row's slot key)."""
    events: dict = {}
    for movement_id, document, key, location_id, quantity, cost in rows:
        name, slot, signed, kind = slots[-key if location_id in wip_ids else key]
        if signed:
            slot = (slot, key)
        if document is None:  # an event of its own, never added to
            events[movement_id] = (movement_id, kind, None, slot, quantity * cost, None,
                                   signed)
            continue
        event = events.get((document, name))
        if event is None:
            events[(document, name)] = [movement_id, kind, document, slot, quantity * cost,
                                        None, signed]
            continue
        if movement_id < event[0]:
            event[0] = movement_id
        values = event[5]
        if values is None:
            values = event[5] = {event[3]: event[4]}
            event[3] = event[4] = None
        values[slot] = values.get(slot, 0) + quantity * cost
        if signed:
            event[6] = True
    ordered = list(events.values())
    ordered.sort(key=_FIRST)
    return ordered


def settled(values: dict) -> dict:
    """An item's adjustment or count in an event is a loss or a gain by the sign of its
    sum; other slots as they are."""
    result: dict = {}
    for slot, raw in values.items():
        if slot[1].__class__ is int:  # (signed slot, item's key)
            category, (loss, gain) = slot[0]
            slot = (category, loss if raw < 0 else gain)
        result[slot] = result.get(slot, 0) + raw
    return result


def wip_locations() -> set:
    return set(db.session.execute(select(Location.id).where(Location.kind == "wip"))
               .scalars())


class Labels(dict):
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

    def text(self, kind, document: str | None) -> str:
        before, after = self[kind]
        if after is None:
            return before
        return f"{before}{document}{after}" if document is not None else f"{before}{after}"


# ---------------------------------------------------------------- the entries

class Books:
    """The running raw value and booked cents of each stock account, and each value
    slot's (stock account, counterpart account)."""

    def __init__(self, accounts: dict[str, str], start_raw: dict[str, int]):
        self.exact: dict[str, int] = {}
        for category in reports.CATEGORIES:
            account = accounts[category]
            self.exact[account] = self.exact.get(account, 0) + start_raw.get(category, 0)
        self.booked = {account: raw_cents(raw) for account, raw in self.exact.items()}
        self.rounding = accounts["rounding"]
        self.pair_of = {}
        for category in reports.CATEGORIES:
            for name in (*conf.DEFAULT_ACCOUNTS, "variation", None):
                account = (accounts[conf.VARIATION_OF[category]] if name == "variation" else
                           accounts["production_absorbed"] if name is None else
                           accounts[name])
                self.pair_of[(category, name)] = (accounts[category], account)
        # a slot whose stock, counterpart and rounding accounts differ: its event, when
        # it is the only one, has its lines in an order known in advance
        self.single = {}
        for slot, (stock, other) in self.pair_of.items():
            if len({stock, other, self.rounding}) == 3:
                low, high = sorted((stock, other))
                below = sum(name < self.rounding for name in (low, high))
                self.single[slot] = (stock, low, high, stock == low, below)

    def amounts(self, values: dict) -> tuple:
        """An event's raw values per slot -> its (account, signed cents, …), in account
        order, zeros left out, balanced by the rounding account. A stock account's
        amount is the change of its rounded running balance; any other is its own
        amount rounded."""
        exact, booked, pair_of = self.exact, self.booked, self.pair_of
        lines: dict[str, int] = {}
        touched: dict[str, None] = {}
        for slot, raw in values.items():
            account, other = pair_of[slot]
            exact[account] += raw
            touched[account] = None
            lines[other] = lines.get(other, 0) - raw
        for other, raw in lines.items():
            lines[other] = (raw + HALF) // UNIT if raw >= 0 else -((HALF - raw) // UNIT)
        for account in touched:
            value = exact[account]
            now = (value + HALF) // UNIT if value >= 0 else -((HALF - value) // UNIT)
            lines[account] = lines.get(account, 0) + now - booked[account]
            booked[account] = now
        rest = sum(lines.values())
        if rest:
            lines[self.rounding] = lines.get(self.rounding, 0) - rest
        return flat_lines(lines)


def flat_lines(lines: dict[str, int]) -> tuple:
    """{account: cents} -> (account, cents, …) in account order, zeros left out."""
    return tuple(part for pair in sorted(lines.items()) if pair[1] for part in pair)


def entries(into: list, lower: datetime, upper: datetime, accounts: dict[str, str],
            start_raw: dict[str, int]) -> dict[str, int]:
    """Appends to `into` the entries of [lower, upper), in date then first-movement
    order; returns the booked cents per stock account at the end. An event of one slot
    of three distinct accounts (most of them) is worked out here, as Books.amounts()
    would, without a dictionary."""
    books = Books(accounts, start_raw)
    exact, booked, single, general = books.exact, books.booked, books.single, books.amounts
    rounding = books.rounding
    slots, labels, wip_ids = Slots(), Labels(), wip_locations()
    append = into.append
    for day, rows in movements_by_day(lower, upper):
        for _first, kind, document, slot, raw, values, signed in day_events(rows, slots, wip_ids):
            if values is None:
                if signed:
                    (category, (loss, gain)), _key = slot
                    slot = (category, loss if raw < 0 else gain)
                found = single.get(slot)
                if found is None:
                    made = general({slot: raw})
                else:
                    stock, low, high, stock_low, below = found
                    value = exact[stock] + raw
                    exact[stock] = value
                    now = (value + HALF) // UNIT if value >= 0 else -((HALF - value) // UNIT)
                    change = now - booked[stock]
                    booked[stock] = now
                    counter = -((raw + HALF) // UNIT) if raw >= 0 else (HALF - raw) // UNIT
                    rest = -change - counter
                    x, y = (change, counter) if stock_low else (counter, change)
                    if not (x and y):
                        made = flat_lines({low: x, high: y, rounding: rest})
                    elif not rest:
                        made = (low, x, high, y)
                    elif below == 2:
                        made = (low, x, high, y, rounding, rest)
                    elif below == 0:
                        made = (rounding, rest, low, x, high, y)
                    else:
                        made = (low, x, rounding, rest, high, y)
            else:
                made = general(settled(values) if signed else values)
            if made:
                before, after = labels[kind]
                append(Entry(day, before if after is None else f"{before}{document}{after}"
                             if document is not None else f"{before}{after}", document, None,
                             JOURNAL_CODE, 0, None, made))
    return books.booked
