"""Posts movements and keeps balances and value balances. Never commits.

A take is a conditional UPDATE (`quantity >= take`): atomic on SQLite and PostgreSQL,
so two takes racing for the same stock cannot both succeed. The balance rows that change
are locked first, in (lot, location) order, so concurrent transactions lock them in the
same order.

Additions are bounded too: a balance that would pass MAX_QUANTITY is refused, and an
item's total on hand stays within MAX_ITEM_STOCK, so no
balance and no sum of balances can outgrow the 64-bit scaled integer they are stored in
(SQLite would otherwise turn the balance into a float, PostgreSQL refuse with an error).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Integer, and_, any_, bindparam, func, insert, select, tuple_, update

from ..domain.numbers import MAX_ITEM_STOCK, MAX_QUANTITY, to_str
from ..errors import BadQuantity, InsufficientStock
from ..extensions import db
from ..messages import _, amount
from ..models import Balance, Lot, Movement
from ..models.types import Quantity, utcnow
from . import _ledger_arrays as by_arrays
from . import _values as values
from ._fefo_keys import copies
from ._tx import dialect_name, upsert
from .outbox import touch


@dataclass
class Posting:
    lot: Lot
    location_id: int
    quantity: Decimal
    kind: int
    document: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Moved:
    """A movement as `post` wrote it: the row's values and its lot. A plain record, not
    a mapped Movement (those cost far more to build, and the answer needs no ids)."""
    lot: Lot
    lot_id: int
    location_id: int
    item_id: int
    quantity: Decimal
    unit_cost: Decimal
    kind: int
    document: str | None
    reason: str | None
    user_id: int | None
    created_at: datetime


def post(postings: list[Posting], user_id: int | None) -> list[Moved]:
    """Apply postings; raise InsufficientStock if any balance would go below zero (then,
    found from the locked quantities before anything is written, nothing was written).

    A constant number of statements whatever the number of postings: the balance rows
    that change are locked in (lot, location) order (PostgreSQL), the takes go in one
    executemany of conditional UPDATEs, the additions in one upsert, the movements in one
    INSERT. The movements are returned as plain records (no ids, not in the session)."""
    table, now = Balance.__table__, utcnow()
    arrays = dialect_name() == "postgresql"  # each many-row write as one statement
    takes, adds = _net_changes(postings)
    _check_item_totals(postings)
    held = _lock_balances(sorted(set(takes) | set(adds)))
    for key in sorted(takes):
        if held.get(key, Decimal(0)) < takes[key][1]:
            _short(takes[key][0], held.get(key, Decimal(0)), takes[key][1])
    _take(table, takes, arrays)
    added = [p for p in sorted(postings, key=_key) if p.quantity > 0]
    _check_balances(added, held, takes)
    _add(table, added, arrays)
    rows = [{"lot_id": p.lot.id, "location_id": p.location_id, "item_id": p.lot.item_id,
             "quantity": p.quantity, "unit_cost": p.lot.unit_cost, "kind": p.kind,
             "document": p.document, "reason": p.reason, "user_id": user_id,
             "created_at": now} for p in postings]
    if arrays:
        by_arrays.insert_movements(rows, user_id, now)
    else:
        db.session.execute(insert(Movement), rows)  # one executemany, no RETURNING
    touch(db.session, {p.lot.item_id for p in postings})  # the channels' stock levels
    movements = [Moved(lot=p.lot, **row) for p, row in zip(postings, rows, strict=True)]
    values.record(movements)  # the value balances, written with the transaction's commit
    return movements


def _key(p: Posting) -> tuple[int, int]:
    return p.lot.id, p.location_id


def _net_changes(postings: list[Posting]):
    """Takes per balance (lot, location) -> (a posting, total taken); additions are
    checked against MAX_QUANTITY one by one."""
    takes: dict[tuple[int, int], tuple[Posting, Decimal]] = {}
    adds: dict[tuple[int, int], Posting] = {}
    for p in postings:
        if p.quantity < 0:
            first, total = takes.get(_key(p), (p, Decimal(0)))
            takes[_key(p)] = (first, total - p.quantity)
        elif p.quantity > MAX_QUANTITY:
            _too_much_here(p)
        else:
            adds.setdefault(_key(p), p)
    return takes, adds


def _lock_balances(keys: list[tuple[int, int]]) -> dict[tuple[int, int], Decimal]:
    """The quantities of the balances about to change; on PostgreSQL their rows locked,
    in (lot, location) order, so concurrent postings never wait on each other in a cycle.
    On SQLite the FOR UPDATE takes the database's write lock (db_session), so there too
    the quantities read stay true until the transaction ends."""
    if not keys:
        return {}
    if dialect_name() == "postgresql":
        rows = db.session.execute(_locked_keys(), by_arrays.arrays(
            [{"lot_id": lot, "location_id": where} for lot, where in keys], KEYS))
        return {(lot, where): qty for lot, where, qty in rows.all()}
    # The lot ids alone as well: SQLite reads a row-value IN through no index (it would
    # scan every balance of the history), a plain IN on the key's first column it does.
    query = (select(Balance.lot_id, Balance.location_id, Balance.quantity)
             .where(Balance.lot_id.in_(sorted({lot for lot, _where in keys})),
                    tuple_(Balance.lot_id, Balance.location_id).in_(keys))
             .order_by(Balance.lot_id, Balance.location_id).with_for_update())
    return {(lot, where): qty for lot, where, qty in db.session.execute(query).all()}


@lru_cache(maxsize=1)
def _locked_keys():
    """PostgreSQL: the keys as two arrays, so the statement's text is the same whatever
    their number (built, compiled and planned once; an IN of as many parameters as keys
    would be a new statement for each number of keys)."""
    wanted = by_arrays.unnest("wanted", KEYS)
    return (select(Balance.lot_id, Balance.location_id, Balance.quantity)
            .where(Balance.lot_id == any_(by_arrays.array_param("lot_id", Integer)),
                   tuple_(Balance.lot_id, Balance.location_id).in_(
                       select(wanted.c.lot_id, wanted.c.location_id)))
            .order_by(Balance.lot_id, Balance.location_id).with_for_update())


KEYS = {"lot_id": Integer, "location_id": Integer}


def _take(table, takes, arrays: bool) -> None:
    """One conditional UPDATE per balance (`quantity >= take`), in one executemany (one
    UPDATE of them all from arrays on PostgreSQL): atomic on both databases even without
    the row locks (SQLite)."""
    if not takes:
        return
    keys = sorted(takes)
    rows = [{"k_lot": lot, "k_location": where, "take": takes[(lot, where)][1]}
            for lot, where in keys]
    if arrays:
        taken = by_arrays.take(rows)
    else:
        taken = db.session.execute(
            update(table)
            .where(and_(table.c.lot_id == bindparam("k_lot"),
                        table.c.location_id == bindparam("k_location"),
                        table.c.quantity >= bindparam("take", type_=Quantity())))
            .values(quantity=table.c.quantity - bindparam("take", type_=Quantity())),
            rows).rowcount
    if taken != len(keys):  # taken by another writer since it was read
        key = next((k for k in keys if on_hand(*k) < takes[k][1]), keys[0])
        _short(takes[key][0], on_hand(*key), takes[key][1])


def _short(p: Posting, have: Decimal, take: Decimal):
    raise InsufficientStock(
        _("lot %(lot)s has %(on_hand)s %(unit)s here, cannot take %(requested)s",
          lot=p.lot.code, on_hand=amount(have), unit=p.lot.item.unit,
          requested=amount(take)),
        details={"lot": p.lot.code, "on_hand": to_str(have), "requested": to_str(take)},
    )


def _too_much_here(p: Posting):
    have = on_hand(p.lot.id, p.location_id)
    raise BadQuantity(
        _("lot %(lot)s cannot hold more than %(maximum)s %(unit)s in one place: it has "
          "%(on_hand)s %(unit)s here, %(requested)s more is too much",
          lot=p.lot.code, maximum=to_str(MAX_QUANTITY), unit=p.lot.item.unit,
          on_hand=to_str(have), requested=to_str(p.quantity)),
        details={"lot": p.lot.code, "on_hand": to_str(have), "requested": to_str(p.quantity),
                 "maximum": to_str(MAX_QUANTITY)},
    )


def _check_item_totals(postings: list[Posting]) -> None:
    """Refuse postings that would bring an item's total on hand past MAX_ITEM_STOCK.

    The current totals are the items' stock now kept on their value rows (each within
    MAX_ITEM_STOCK), and the postings are added in Python, so not even a request of many
    lines can overflow the check itself. One query for all the items that grow, one or
    two rows each, whatever the number of lots in stock."""
    growth: dict[int, Decimal] = {}
    lots: dict[int, Lot] = {}
    for p in postings:
        growth[p.lot.item_id] = growth.get(p.lot.item_id, Decimal(0)) + p.quantity
        lots.setdefault(p.lot.item_id, p.lot)
    growing = sorted(item_id for item_id, change in growth.items() if change > 0)
    if not growing:
        return
    totals = values.stock_now(growing)
    for item_id in growing:
        have = totals[item_id]
        if have + growth[item_id] > MAX_ITEM_STOCK:
            item = lots[item_id].item
            raise BadQuantity(
                _("%(sku)s cannot have more than %(maximum)s %(unit)s in stock: it has "
                  "%(on_hand)s %(unit)s, %(requested)s more is too much",
                  sku=item.sku, maximum=to_str(MAX_ITEM_STOCK), unit=item.unit,
                  on_hand=to_str(have), requested=to_str(growth[item_id])),
                details={"item": item.sku, "on_hand": to_str(have),
                         "requested": to_str(growth[item_id]),
                         "maximum": to_str(MAX_ITEM_STOCK)},
            )


def _add(table, adds: list[Posting], arrays: bool) -> None:
    """Upsert the additions gathered so far (one statement, many rows), then forget them.

    Unconditional, so it can be one executemany: every addition is at most MAX_QUANTITY,
    every balance was at most MAX_QUANTITY and the item's total stays within
    MAX_ITEM_STOCK, so the sums fit the 64-bit column; _check_balances has refused any
    balance that would pass MAX_QUANTITY, from the locked quantities."""
    if not adds:
        return
    rows: dict[tuple[int, int], dict] = {}
    for p in adds:  # one row per balance: an upsert of arrays may not touch a row twice
        if _key(p) in rows:
            rows[_key(p)]["quantity"] += p.quantity  # within MAX_QUANTITY (see above)
        else:
            rows[_key(p)] = {"lot_id": p.lot.id, "location_id": p.location_id,
                             "item_id": p.lot.item_id, "quantity": p.quantity,
                             **copies(p.lot)}
    if arrays:
        by_arrays.add(list(rows.values()))
    else:
        stmt = upsert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.lot_id, table.c.location_id],
            set_={"quantity": table.c.quantity + stmt.excluded.quantity})
        db.session.execute(stmt, list(rows.values()))
    adds.clear()


def _check_balances(added: list[Posting], held, takes) -> None:
    """A balance that would grow past MAX_QUANTITY is refused, from the locked quantities."""
    after = {}
    for p in added:
        key = _key(p)
        if key not in after:
            after[key] = held.get(key, Decimal(0)) - takes.get(key, (p, Decimal(0)))[1]
        after[key] += p.quantity
        if after[key] > MAX_QUANTITY:
            _too_much_here(p)


def on_hand(lot_id: int, location_id: int) -> Decimal:
    value = db.session.execute(
        select(Balance.quantity).where(Balance.lot_id == lot_id,
                                       Balance.location_id == location_id)
    ).scalar()
    return value if value is not None else Decimal(0)


def ledger_sum(lot_id: int, location_id: int) -> Decimal:
    """The truth the balance caches; used by checks, not by reads on a hot path."""
    value = db.session.execute(
        select(func.sum(Movement.quantity)).where(Movement.lot_id == lot_id,
                                                  Movement.location_id == location_id)
    ).scalar()
    return value if value is not None else Decimal(0)
