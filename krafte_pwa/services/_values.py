"""Stock value per item (in WIP or not), now and per month, kept with the ledger.

`post()` notes in the session what each movement adds to the value (stored quantity ×
stored cost, an exact integer) and to the quantity, to the item's value and stock now and
to their change in the month;
the notes are written in one statement, rows in key order, just before the transaction
commits, or before a valuation read in the same transaction. So they are part of the
transaction of the movements, and the row of a busy item is locked for the commit alone,
never while the action still computes or waits for other rows: two transactions that
both write value rows take them in the same order, each at its very end, and cannot
deadlock on them.

Savepoints: the notes made inside one are kept apart until it ends; rolled back, they
are dropped with it; released, they join the notes of the transaction around it.

A value is kept as two 64-bit integers, high × 10^18 + low with 0 <= low < 10^18. An
addition is one upsert that carries the low part over: low + added low < 2 × 10^18 fits
in 64 bits, both are non-negative, so / and % mean the same on SQLite and PostgreSQL.
"""

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import bindparam, delete, event, func, literal_column, select
from sqlalchemy.orm import Session

from ..domain.numbers import COST_PLACES, QUANTITY_PLACES
from ..extensions import db
from ..models import Location, Movement, ValueBalance
from ..models.stock_value import LOW_BASE, NOW
from ._ledger_arrays import add_values
from ._tx import dialect_name, upsert

_PENDING = "krafte_value_changes"
SPLIT = 10 ** 9  # SQL sums the low parts in two halves, each well inside 64 bits
_BASE = literal_column(str(LOW_BASE))


def raw_value(quantity: Decimal, cost: Decimal) -> int:
    """Stored quantity × stored cost: the exact value in units of 10^-14."""
    return int(quantity.scaleb(QUANTITY_PLACES)) * int(cost.scaleb(COST_PLACES))


def month_of(moment: datetime) -> date:
    return date(moment.year, moment.month, 1)


KEYS = ("period", "item_id", "wip")


def _layers(session: Session) -> list:
    """The notes, one layer per open savepoint above the transaction's own:
    [(owner, {(period, item, wip): [raw value, stored quantity]})]."""
    return session.info.setdefault(_PENDING, [(None, {})])


def stored_quantity(quantity: Decimal) -> int:
    return int(quantity.scaleb(QUANTITY_PLACES))


def record(movements) -> None:
    """Note what the movements add to the value and the stock of their item (in WIP or
    not), now and in the month."""
    session = db.session
    _owner, notes = _layers(session)[-1]
    in_wip: dict[int, bool] = {}
    for m in movements:
        raw, quantity = raw_value(m.quantity, m.unit_cost), stored_quantity(m.quantity)
        wip = in_wip.get(m.location_id)
        if wip is None:  # the posting service has loaded the location: no SQL
            wip = in_wip[m.location_id] = session.get(Location, m.location_id).kind == "wip"
        for key in ((NOW, m.item_id, wip), (month_of(m.created_at), m.item_id, wip)):
            _note(notes, key, raw, quantity)


def _note(notes: dict, key, raw: int, quantity: int) -> None:
    noted = notes.get(key)
    if noted is None:
        notes[key] = [raw, quantity]
    else:
        noted[0] += raw
        noted[1] += quantity


def _merge(into: dict, notes: dict) -> None:
    for key, (raw, quantity) in notes.items():
        _note(into, key, raw, quantity)


def write_pending(session: Session | None = None) -> None:
    """Write the noted value changes (one statement). Inside a savepoint that is later
    rolled back, what this wrote goes with it: valuations are not read there."""
    session = session or db.session
    layers = session.info.get(_PENDING)
    if not layers:
        return
    everything: dict = {}
    for _owner, notes in layers:
        _merge(everything, notes)
    session.info[_PENDING] = [(owner, {}) for owner, _notes in layers]
    _add(session, everything)


def _split(raw: int) -> tuple[int, int]:
    return divmod(raw, LOW_BASE)  # floor: 0 <= low < 10^18, whatever the sign of raw


def _row(key: tuple, raw: int, quantity: int) -> dict:
    high, low = _split(raw)
    return {**dict(zip(KEYS, key, strict=True)), "value_high": high, "value_low": low,
            "quantity": Decimal(quantity).scaleb(-QUANTITY_PLACES)}


def _add(session: Session, changes: dict) -> None:
    rows = [_row(key, *changes[key]) for key in sorted(changes) if any(changes[key])]
    if not rows:
        return
    table = ValueBalance.__table__
    if dialect_name() == "postgresql":  # one statement, from arrays
        add_values(session, rows, table, _carried)
        return
    stmt = upsert(table)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c[k] for k in KEYS],
                                      set_=_carried(stmt))
    session.execute(stmt, rows)


def _carried(stmt) -> dict:
    """The SET of the value upsert: the low parts added, what passes LOW_BASE carried; the
    quantities added."""
    table = stmt.table
    low = table.c.value_low + stmt.excluded.value_low
    return {"value_low": low % _BASE,
            "value_high": table.c.value_high + stmt.excluded.value_high + low // _BASE,
            "quantity": table.c.quantity + stmt.excluded.quantity}


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    # also as a savepoint is released: written inside it, they are released with it
    write_pending(session)


@event.listens_for(Session, "after_transaction_create")
def _savepoint_begins(session: Session, transaction) -> None:
    if transaction.nested:
        _layers(session).append((id(transaction), {}))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    """A savepoint rolled back drops its own notes (and those of savepoints inside it);
    the transaction rolled back drops them all."""
    layers = session.info.get(_PENDING)
    if layers is None:
        return
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)
        return
    owners = [owner for owner, _notes in layers]
    if id(previous_transaction) in owners:
        del layers[owners.index(id(previous_transaction)):]


@event.listens_for(Session, "after_transaction_end")
def _savepoint_ends(session: Session, transaction) -> None:
    """A savepoint released: its notes now belong to the layer below."""
    layers = session.info.get(_PENDING)
    if not transaction.nested or not layers:
        return
    owners = [owner for owner, _notes in layers]
    if id(transaction) in owners:
        at = owners.index(id(transaction))
        for _owner, notes in layers[at:]:
            _merge(layers[at - 1][1], notes)
        del layers[at:]


# ---------------------------------------------------------------- reading

def stock_now(item_ids: list[int]) -> dict[int, Decimal]:
    """Item -> its whole stock now (storage and WIP): its value rows now, plus what this
    transaction has noted and not written yet. One statement, one or two rows per item."""
    rows = db.session.execute(_stock_now(), {"ids": item_ids})
    found = {item_id: Decimal(0) for item_id in item_ids}
    for item_id, quantity in rows:
        found[item_id] += quantity
    for _owner, notes in db.session.info.get(_PENDING, ()):
        for (period, item_id, _wip), (_raw, quantity) in notes.items():
            if period == NOW and item_id in found:
                found[item_id] += Decimal(quantity).scaleb(-QUANTITY_PLACES)
    return found


def sum_columns(table) -> tuple:
    """SQL sums of a group of value rows; `combine` makes them one exact integer."""
    low = table.c.value_low
    return (func.sum(table.c.value_high), func.sum(low // SPLIT), func.sum(low % SPLIT))


def combine(high, middle, low) -> int:
    return int(high or 0) * LOW_BASE + int(middle or 0) * SPLIT + int(low or 0)


def joined(high, low) -> int:
    return int(high) * LOW_BASE + int(low)


@lru_cache(maxsize=1)
def _stock_now():
    """Built once: building it costs more than running it."""
    return (select(ValueBalance.item_id, ValueBalance.quantity)
            .where(ValueBalance.period == NOW,
                   ValueBalance.item_id.in_(bindparam("ids", expanding=True))))


# ---------------------------------------------------------------- from the ledger

def _month_column():
    if dialect_name() == "postgresql":
        return func.date_trunc("month", Movement.created_at)
    return func.strftime("%Y-%m-01", Movement.created_at)


def from_ledger(quantities: bool = False) -> dict:
    """{(period, item, wip): raw} summed from the movements (period NOW: all of them):
    quantities summed per cost in SQL (they stay within an item's stock), multiplied in
    Python. With `quantities`: {key: (raw, stored quantity)}. Keys whose sums are all zero
    are left out."""
    month = _month_column()
    cost = Movement.unit_cost
    wip = {loc_id for loc_id, in db.session.execute(
        select(Location.id).where(Location.kind == "wip"))}
    rows = db.session.execute(
        select(month, Movement.item_id, Movement.location_id, cost, func.sum(Movement.quantity))
        .group_by(month, Movement.item_id, Movement.location_id, cost))
    sums: dict = {}
    for moved_in, item_id, location_id, unit_cost, quantity in rows:
        raw, stored_q = raw_value(quantity, unit_cost), stored_quantity(quantity)
        if isinstance(moved_in, str):
            moved_in = date.fromisoformat(moved_in[:10])
        elif isinstance(moved_in, datetime):
            moved_in = moved_in.date()
        for key in ((NOW, item_id, location_id in wip), (moved_in, item_id, location_id in wip)):
            _note(sums, key, raw, stored_q)
    return _shaped(sums, quantities)


def _shaped(sums: dict, quantities: bool) -> dict:
    if quantities:
        return {k: tuple(v) for k, v in sums.items() if any(v)}
    return {k: v[0] for k, v in sums.items() if v[0]}


def stored(quantities: bool = False) -> dict:
    """The value rows as they are, in the shape of from_ledger (zero rows left out)."""
    write_pending()
    sums = {(r.period, r.item_id, bool(r.wip)): [joined(r.value_high, r.value_low),
                                                  stored_quantity(r.quantity)]
            for r in db.session.execute(select(ValueBalance.__table__))}
    return _shaped(sums, quantities)


def rebuild() -> None:
    """Recompute the value rows from the movements: for history written around post()
    (bulk loads, tests that date movements back). Does not commit."""
    db.session.info.pop(_PENDING, None)
    sums = from_ledger(quantities=True)
    db.session.execute(delete(ValueBalance.__table__))
    rows = [_row(key, *sums[key]) for key in sorted(sums)]
    if rows:
        db.session.execute(ValueBalance.__table__.insert(), rows)
