"""PostgreSQL: the ledger's many-row writes as one statement each, the rows passed as one
array per column and read back with unnest.

An executemany costs the client work for every row (parameters processed and sent one
row at a time); an array per column is one parameter, and the statement's text is the
same whatever the number of rows, so it is built, compiled and planned once. The
statements and their meaning are those of `_ledger` (same conditions, same order of
rows); SQLite keeps the executemany forms.
"""

import re
from functools import lru_cache

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    SmallInteger,
    Text,
    and_,
    bindparam,
    cast,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert

from ..extensions import db
from ..models import Balance, Movement
from ..models.types import Money, Quantity, Scaled

_ESCAPED = re.compile(r'["\\\\]')  # inside a quoted array element: \" and \\


def array_param(name: str, kind):
    """A bound array of `kind` elements, sent as the text of a PostgreSQL array (see
    array_text) and cast by the server."""
    element = BigInteger if isinstance(kind, Scaled) else kind
    return cast(bindparam(name, type_=Text), ARRAY(element))


def array_text(values, kind) -> str:
    """`values` as PostgreSQL's text form of an array: built here in one join, where the
    driver would adapt and quote element by element (most of a write's client time)."""
    if isinstance(kind, Scaled):
        values = [kind.process_bind_param(v, None) for v in values]
    if kind is Text:
        items = ["NULL" if v is None else '"' + _ESCAPED.sub(r"\\\g<0>", v) + '"'
                 for v in values]
    elif kind is Boolean:
        items = ["NULL" if v is None else "t" if v else "f" for v in values]
    elif None in values:
        items = ["NULL" if v is None else str(v) for v in values]  # ints, ISO dates
    else:
        items = map(str, values)
    return "{" + ",".join(items) + "}"


def unnest(name: str, columns: dict):
    """A FROM item of the arrays bound as `columns` (name -> element type)."""
    bound = [array_param(column, kind) for column, kind in columns.items()]
    return func.unnest(*bound).table_valued(*columns).render_derived(name=name)


def arrays(rows: list[dict], columns: dict) -> dict:
    """The bound values of `unnest(…, columns)` for these rows."""
    return {name: array_text([row[name] for row in rows], kind)
            for name, kind in columns.items()}


TAKES = {"k_lot": Integer, "k_location": Integer, "take": Quantity()}


def take(rows: list[dict]) -> int:
    """The conditional UPDATEs of `_ledger._take` (rows: k_lot, k_location, take); the
    number of balances that had enough and were taken from."""
    return db.session.execute(_take(), arrays(rows, TAKES)).rowcount


@lru_cache(maxsize=1)
def _take():
    table = Balance.__table__
    taken = unnest("taken", TAKES)
    return (update(table)
            .where(and_(table.c.lot_id == taken.c.k_lot,
                        table.c.location_id == taken.c.k_location,
                        table.c.quantity >= taken.c.take))
            .values(quantity=table.c.quantity - taken.c.take))


ADDS = {"lot_id": Integer, "location_id": Integer, "item_id": Integer, "quantity": Quantity(),
        "expiry": Date, "lot_date": Date, "lot_status": Text}


def add(rows: list[dict]) -> None:
    """The upsert of `_ledger._add`, for rows of distinct (lot, location) keys."""
    db.session.execute(_add(), arrays(rows, ADDS))


@lru_cache(maxsize=1)
def _add():
    table = Balance.__table__
    added = unnest("added", ADDS)
    stmt = insert(table).from_select(list(ADDS), select(*added.c))
    return stmt.on_conflict_do_update(
        index_elements=[table.c.lot_id, table.c.location_id],
        set_={"quantity": table.c.quantity + stmt.excluded.quantity})


MOVES = {"lot_id": Integer, "location_id": Integer, "item_id": Integer,
         "quantity": Quantity(), "unit_cost": Money(), "kind": SmallInteger,
         "document": Text, "reason": Text}


def insert_movements(rows: list[dict], user_id: int | None, now) -> None:
    """The movements of `_ledger.post`, in the order of `rows`."""
    db.session.execute(_moves(), {**arrays(rows, MOVES), "user": user_id, "now": now})


@lru_cache(maxsize=1)
def _moves():
    moved = unnest("moved", MOVES)
    rows = select(*moved.c, bindparam("user", type_=Integer),
                  bindparam("now", type_=DateTime))
    return Movement.__table__.insert().from_select(
        [*MOVES, "user_id", "created_at"], rows)


VALUES = {"period": Date, "item_id": Integer, "wip": Boolean, "value_high": BigInteger,
          "value_low": BigInteger, "quantity": Quantity()}


def add_values(session, rows: list[dict], table, set_) -> None:
    """The value upsert of `_values._add` (rows of distinct keys); `set_(stmt)` gives its
    SET clause."""
    session.execute(_values(table, set_), arrays(rows, VALUES))


@lru_cache(maxsize=2)
def _values(table, set_):
    values = unnest("changed", VALUES)
    stmt = insert(table).from_select(list(VALUES), select(*values.c))
    return stmt.on_conflict_do_update(
        index_elements=[table.c.period, table.c.item_id, table.c.wip], set_=set_(stmt))
