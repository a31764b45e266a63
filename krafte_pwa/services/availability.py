"""The one availability rule: on hand, reserved and available per item, and the FEFO
suggestion of which lots to take. Every caller (production, shipments, queries, alerts,
exports, station, item lists) asks here.

    on hand    stock in storage locations (any lot status)
    usable     of it, in released lots that have not expired
    reserved   held back by open production orders and by sales orders
    available  usable - reserved for production - reserved for sales (may be negative
               after a loss)

Reads touch only balances that hold stock (`quantity > 0`, through the partial index
ix_balance_item_in_stock), never the zero balances used-up lots leave behind, and read the
lot of each such balance by its key. FEFO, and the checks that only ask whether enough is
available, read the first rows of each item (one UNION ALL branch per item, stopped by a
LIMIT) and the rest of an item only when those fall short: their work follows the stock
in hand, never the length of the history. On PostgreSQL the items come as an array and
one LATERAL subquery runs for each (planned once, whatever the number of items), and
FEFO's first rows come in FEFO order from ix_balance_item_fefo, over the copies of the
lot's expiry and date that each balance row keeps (services/_fefo_keys.py): it reads those
rows and their lots, not every lot the item has in stock.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Date,
    Integer,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)

from ..domain.fefo import Pick
from ..domain.order_states import OPEN_STATUSES
from ..domain.recipes import material_value
from ..extensions import db
from ..models import Balance, Location, Lot, ProductionOrder, Reservation, SalesReservation
from ..models.types import Quantity
from ._tx import dialect_name

ZERO = Decimal(0)


def fixed(value: int | str):
    """A constant written into the statement's text instead of sent as a parameter.

    psycopg prepares a statement a connection runs often, and PostgreSQL then plans it once
    for any parameters (a generic plan) only if that plan costs no more than those made for
    the values. A generic plan cannot read a partial index (`quantity > 0`) for
    `quantity > $1`, nor cost a `LIMIT $1`: with those as parameters the hot reads were
    planned again at every run."""
    return literal_column(f"'{value}'" if isinstance(value, str) else str(int(value)))


STOCKED = fixed(0)  # `Balance.quantity > STOCKED`: the rows the partial indexes hold
RELEASED, STORAGE = fixed("released"), fixed("storage")
# rows read per item at first by FEFO (most needs take a few lots) and by the checks of
# what is available; the most items read so, one branch of a UNION ALL each
FEFO_FIRST, AVAILABLE_FIRST, FEFO_BRANCHES = 16, 32, 100


@dataclass
class Availability:
    on_hand: Decimal = ZERO
    usable: Decimal = ZERO
    reserved_production: Decimal = ZERO
    reserved_sales: Decimal = ZERO

    @property
    def reserved(self) -> Decimal:
        return self.reserved_production + self.reserved_sales

    @property
    def available(self) -> Decimal:
        return self.usable - self.reserved


def usable(today: date, lot=Lot):
    """SQL condition: the lot may be used or shipped today (`lot`: Lot, or the columns of
    a subquery of lots)."""
    return and_(lot.status == RELEASED, or_(lot.expiry.is_(None), lot.expiry >= today))


def is_expired(lot: Lot, today: date) -> bool:
    return lot.expiry is not None and lot.expiry < today


def _dec(value) -> Decimal:
    # SUM over a scaled column comes back scaled by the column type; a CASE may not.
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(value)


def _ids(item_ids) -> list[int] | None:
    return None if item_ids is None else sorted(set(item_ids))


# ---------------------------------------------------------------- on hand

def stock_by_item(item_ids, today: date) -> dict[int, tuple[Decimal, Decimal]]:
    """item id -> (on hand in storage, of which usable); `item_ids` None: every item.
    One query over the balances with stock."""
    ids = _ids(item_ids)
    if ids == []:
        return {}
    query = (select(Balance.item_id, func.sum(Balance.quantity),
                    func.sum(case((usable(today), Balance.quantity), else_=0)))
             .join(Lot, Lot.id == Balance.lot_id)
             .join(Location, Location.id == Balance.location_id)
             .where(Balance.quantity > 0, Location.kind == "storage")
             .group_by(Balance.item_id))
    if ids is not None:
        query = query.where(Balance.item_id.in_(ids))
    return {i: (_dec(total), _dec(use)) for i, total, use in db.session.execute(query).all()}


def usable_on_hand(item_ids, today: date) -> dict[int, Decimal]:
    """Released, unexpired stock in storage locations, per item."""
    return {i: use for i, (_total, use) in stock_by_item(item_ids, today).items()}


# ---------------------------------------------------------------- reserved

def _production_holds(ids, exclude_order_id: int | None):
    # open orders as a set to test against: with a join, SQLite probes every open order
    # for every item asked about (slow for many orders)
    open_orders = select(ProductionOrder.id).where(ProductionOrder.status.in_(OPEN_STATUSES))
    query = (select(Reservation.item_id.label("item_id"),
                    Reservation.quantity.label("quantity"))
             .where(Reservation.order_id.in_(open_orders), Reservation.quantity > 0))
    if ids is not None:
        query = query.where(Reservation.item_id.in_(ids))
    if exclude_order_id is not None:
        query = query.where(Reservation.order_id != exclude_order_id)
    return query


def _sales_holds(ids):
    query = select(SalesReservation.item_id.label("item_id"),
                   SalesReservation.quantity.label("quantity"))
    if ids is not None:
        query = query.where(SalesReservation.item_id.in_(ids))
    return query


def _summed(query, params=None) -> dict[int, Decimal]:
    """Run a _sum_per_item statement: item id -> quantity."""
    return {item_id: _dec(total)
            for item_id, total in db.session.execute(query, params or {}).all()}


def _sum_per_item(holds):
    rows = holds.subquery()
    return (select(rows.c.item_id, type_coerce(func.sum(rows.c.quantity), Quantity()))
            .group_by(rows.c.item_id))


@lru_cache(maxsize=2)
def _reserved_of(excluding: bool):
    """The statement of `reserved` for some items (bind parameters ids, and order when
    `excluding`), built once: building it costs more than running it."""
    ids = bindparam("ids", expanding=True)
    return _sum_per_item(union_all(
        _production_holds(ids, bindparam("order") if excluding else None), _sales_holds(ids)))


def reserved_for_production(item_ids=None, exclude_order_id: int | None = None
                            ) -> dict[int, Decimal]:
    """What open production orders still hold back, per item (`item_ids` None: all)."""
    ids = _ids(item_ids)
    return {} if ids == [] else _summed(_sum_per_item(_production_holds(ids, exclude_order_id)))


def reserved_for_sales(item_ids=None) -> dict[int, Decimal]:
    """What sales orders hold back, per item (`item_ids` None: all). Reservations exist
    only for lines still to ship: shipping and cancelling release them."""
    ids = _ids(item_ids)
    return {} if ids == [] else _summed(_sum_per_item(_sales_holds(ids)))


def reserved(item_ids=None, exclude_order_id: int | None = None) -> dict[int, Decimal]:
    """Held back for production and for sales, per item: one query."""
    ids = _ids(item_ids)
    if ids == []:
        return {}
    if ids is None:
        return _summed(_sum_per_item(union_all(_production_holds(None, None),
                                               _sales_holds(None))))
    excluding = exclude_order_id is not None
    return _summed(_reserved_of(excluding),
                   {"ids": ids} | ({"order": exclude_order_id} if excluding else {}))


# ---------------------------------------------------------------- available

def available(item_ids, today: date, exclude_order_id: int | None = None
              ) -> dict[int, Decimal]:
    """Usable on hand minus every reservation (of others than `exclude_order_id`)."""
    ids = set(item_ids)
    have = usable_on_hand(ids, today)
    held = reserved(ids, exclude_order_id)
    return {i: have.get(i, ZERO) - held.get(i, ZERO) for i in ids}


def available_up_to(caps: dict[int, Decimal], today: date,
                    exclude_order_id: int | None = None) -> dict[int, Decimal]:
    """What `available` gives, exact while it is below the item's cap; from the cap up,
    some quantity at least the cap. For the checks that only ask whether enough is
    available: usable stock is summed over the first AVAILABLE_FIRST rows of each item
    (any order), and in full only for an item those leave below its cap and reserved."""
    ids = sorted(set(caps))
    if not ids:
        return {}
    if len(ids) > FEFO_BRANCHES:
        held, have = reserved(ids, exclude_order_id), _usable_first_rows(ids, today)
    else:
        held, have = _held_and_first_rows(ids, today, exclude_order_id)
    targets = {i: caps[i] + held.get(i, ZERO) for i in ids}
    short = [i for i in ids
             if have.get(i, (0, ZERO))[0] == AVAILABLE_FIRST and have[i][1] < targets[i]]
    exact = usable_on_hand(short, today)
    return {i: exact.get(i, ZERO) - held.get(i, ZERO) if i in short
            else have.get(i, (0, ZERO))[1] - held.get(i, ZERO) for i in ids}


def _held_and_first_rows(ids: list[int], today: date, exclude_order_id: int | None):
    """(what `reserved` answers, what `_usable_first_rows` answers) in one statement."""
    excluding = exclude_order_id is not None
    params = {"ids": ids, "today": today} | ({"order": exclude_order_id} if excluding else {})
    if dialect_name() == "postgresql":
        query, params["items"] = _both(None, excluding), ids
    else:
        query = _both(len(ids), excluding)
        params |= {f"item{k}": i for k, i in enumerate(ids)}
    held, have = {}, {}
    for first_rows, item_id, rows, total in db.session.execute(query, params).all():
        if first_rows:
            have[item_id] = (rows, _dec(total))
        else:
            held[item_id] = _dec(total)
    return held, have


@lru_cache(maxsize=2 * FEFO_BRANCHES + 2)
def _both(branches: int | None, excluding: bool):
    """The first rows' sums (PostgreSQL: `branches` None) and the reservations' of the same
    items, as one UNION ALL, tagged 1 and 0: one round trip where there were two."""
    first = (_first_rows_sums_each() if branches is None
             else _first_rows_sums(branches)).subquery()
    held = _reserved_of(excluding).subquery()
    return union_all(select(fixed(1), *first.c),
                     select(fixed(0), held.c[0], fixed(0), held.c[1]))


def _usable_first_rows(ids: list[int], today: date) -> dict[int, tuple[int, Decimal]]:
    """item id -> (rows, their usable quantity) over at most AVAILABLE_FIRST balances with
    usable stock in storage per item: a branch per item, stopped by its LIMIT."""
    if len(ids) > FEFO_BRANCHES:
        return {i: (0, use) for i, use in usable_on_hand(ids, today).items()}
    if dialect_name() == "postgresql":
        query, params = _first_rows_sums_each(), {"items": ids, "today": today}
    else:
        params = {f"item{k}": i for k, i in enumerate(ids)} | {"today": today}
        query = _first_rows_sums(len(ids))
    return {i: (n, _dec(total)) for i, n, total in db.session.execute(query, params).all()}


def _usable_first(item_id, today, postgresql: bool):
    """(item, quantity) of at most AVAILABLE_FIRST balances of an item with usable stock
    in storage, in no particular order."""
    lot, with_lot = _lot_of_balance(postgresql)
    return (with_lot(select(Balance.item_id, Balance.quantity).select_from(Balance))
            .join(Location, Location.id == Balance.location_id)
            .where(Balance.item_id == item_id, Balance.quantity > STOCKED,
                   Location.kind == STORAGE, usable(today, lot))
            .limit(fixed(AVAILABLE_FIRST)))


def _rows_and_sums(rows):
    return (select(rows.c.item_id, func.count(), type_coerce(func.sum(rows.c.quantity),
                                                             Quantity()))
            .group_by(rows.c.item_id))


@lru_cache(maxsize=FEFO_BRANCHES)
def _first_rows_sums(branches: int):
    """SQLite: the statement of _usable_first_rows for so many items, built once (bind
    parameters item0 … and today): building it costs more than running it."""
    today = bindparam("today", type_=Date())
    return _rows_and_sums(_per_item(
        select(_usable_first(bindparam(f"item{k}"), today, False).subquery())
        for k in range(branches)))


@lru_cache(maxsize=1)
def _first_rows_sums_each():
    """PostgreSQL: the same as one LATERAL subquery run for each item of the array `items`:
    one text for any number of items, planned as one subquery, not a branch per item."""
    wanted = (func.unnest(_opaque("items", ARRAY(Integer)))
              .table_valued("item_id").render_derived(name="wanted"))
    first = _usable_first(wanted.c.item_id, bindparam("today", type_=Date()),
                          True).lateral("first_rows")
    return _rows_and_sums(select(first).select_from(wanted).join(first, true()).subquery())


def _opaque(name: str, kind):
    """PostgreSQL: a bound array the planner does not look into (a scalar subquery of it).
    Given the array itself, it plans each run for that run's number of items, and a plan
    for any number (a prepared statement's generic plan, costed for 10) never looks as
    cheap: the statement would be planned again at every run."""
    return select(bindparam(name, type_=kind)).scalar_subquery()


def _lot_of_balance(postgresql: bool):
    """(the lot's columns, a function adding them to a select from Balance). On PostgreSQL
    a LATERAL subquery that OFFSET 0 keeps one: each balance row's lot is read by its key
    whatever the statistics say (a hash or merge join would read lots of the whole history,
    used up or not, wherever the planner guesses the ones in stock sit). SQLite joins row by
    row from the balances of the item anyway."""
    if not postgresql:
        return Lot, lambda query: query.join(Lot, Lot.id == Balance.lot_id)
    lot = (select(Lot.status, Lot.expiry, Lot.lot_date, Lot.code)
           .where(Lot.id == Balance.lot_id).offset(fixed(0)).lateral("balance_lot"))
    return lot.c, lambda query: query.join(lot, true())


def _per_item(branches):
    """One branch per item, as one subquery."""
    branches = list(branches)
    return (branches[0] if len(branches) == 1 else union_all(*branches)).subquery()


def availability(item_ids, today: date) -> dict[int, Availability]:
    """The whole picture per item (`item_ids` None: every item with stock or
    reservations). Three queries at most, whatever the number of items."""
    stock = stock_by_item(item_ids, today)
    production = reserved_for_production(item_ids)
    sales = reserved_for_sales(item_ids)
    ids = set(item_ids) if item_ids is not None else set(stock) | set(production) | set(sales)
    result = {}
    for i in ids:
        on_hand, use = stock.get(i, (ZERO, ZERO))
        result[i] = Availability(on_hand, use, production.get(i, ZERO), sales.get(i, ZERO))
    return result


def item_availability(item_id: int, today: date) -> Availability:
    return availability([item_id], today)[item_id]


# ---------------------------------------------------------------- FEFO


@dataclass
class Take:
    lot: Lot
    location: Location
    quantity: Decimal


def fefo_plan(needs: dict[int, Decimal], today: date
              ) -> dict[int, tuple[list[Take], Decimal]]:
    """FEFO takes for several items at once: item id -> (takes covering its need as far as
    stock allows, what stock lacks). One query in the usual case: the first FEFO_FIRST
    rows of each item's usable stock, and of those, in SQL, only the ones needed. An item
    they do not cover is read again in full (a second query)."""
    wanted = {i: q for i, q in needs.items() if q > 0}
    result: dict[int, tuple[list[Take], Decimal]] = {i: ([], q) for i, q in needs.items()}
    limit = FEFO_FIRST if len(wanted) <= FEFO_BRANCHES else None
    while wanted:
        counts: dict[int, int] = {}
        for item_id, lot, location, quantity in _fefo_found(wanted, today, limit):
            takes, remaining = result[item_id]
            take = min(quantity, remaining)
            takes.append(Take(lot, location, take))
            result[item_id] = (takes, remaining - take)
            counts[item_id] = counts.get(item_id, 0) + 1
        if limit is None:
            break
        # an item not covered by its first rows may have more stock: read it all
        wanted = {i: q for i, q in wanted.items()
                  if result[i][1] > 0 and counts.get(i, 0) == limit}
        for item_id in wanted:
            result[item_id] = ([], needs[item_id])
        limit = None
    return result


def _fefo_found(wanted: dict[int, Decimal], today: date, limit: int | None):
    """(item id, lot, location, on hand) of the FEFO rows needed to cover `wanted`, in FEFO
    order per item; with a `limit`, from the first rows of each item only."""
    ids = sorted(wanted)
    postgresql = dialect_name() == "postgresql"
    if limit is None:
        need = case({i: literal(wanted[i], Quantity()) for i in ids}, value=Balance.item_id)
        stock, _key = _fefo_stock(Balance.item_id.in_(ids), need=need, today=today,
                                  postgresql=postgresql)
        return db.session.execute(_fefo_needed(stock.subquery())).all()
    if postgresql:
        scale = Quantity().process_bind_param
        return db.session.execute(_fefo_first_each(), {
            "items": ids, "needs": [scale(wanted[i], None) for i in ids], "today": today}).all()
    params = ({f"item{k}": i for k, i in enumerate(ids)}
              | {f"need{k}": wanted[i] for k, i in enumerate(ids)} | {"today": today})
    return db.session.execute(_fefo_first(len(ids)), params).all()


def _fefo_stock(*where, need, today, postgresql: bool):
    """(usable storage stock: item, lot, location, on hand, the FEFO key and the need; the
    FEFO order of its rows, that of domain.fefo.fefo_key: expiry, none last; lot date; lot
    code; location). On PostgreSQL the expiry and date are the copies the balance row keeps
    of its lot's (services/_fefo_keys.py), in the order of ix_balance_item_fefo (ascending
    is nulls last there): a branch reads an item's first rows from that index, and their
    lots only, instead of every lot of the item's stock to sort them."""
    lot, with_lot = _lot_of_balance(postgresql)
    expiry, lot_date = ((Balance.expiry, Balance.lot_date) if postgresql
                        else (lot.expiry, lot.lot_date))
    query = (with_lot(select(Balance.item_id, Balance.lot_id, Balance.location_id,
                             Balance.quantity, expiry.label("expiry"),
                             lot_date.label("lot_date"), lot.code.label("lot_code"),
                             Location.code.label("location_code"),
                             need.label("need")).select_from(Balance))
             .join(Location, Location.id == Balance.location_id)
             .where(*where, Balance.quantity > STOCKED, Location.kind == STORAGE,
                    lot.status == RELEASED, or_(expiry.is_(None), expiry >= today)))
    first = (expiry.asc().nulls_last(),) if postgresql else (expiry.is_(None), expiry)
    return query, (*first, lot_date, lot.code, Location.code)


@lru_cache(maxsize=FEFO_BRANCHES)
def _fefo_first(branches: int):
    """SQLite: FEFO over the first FEFO_FIRST rows of so many items: a branch per item
    reads that item's balances with stock and keeps its first rows (a top-k sort) instead
    of sorting every item's whole stock. Built once (bind parameters item0 …, need0 …,
    today)."""
    today = bindparam("today", type_=Date())

    def branch(k: int):
        stock, key = _fefo_stock(Balance.item_id == bindparam(f"item{k}"),
                                 need=bindparam(f"need{k}", type_=Quantity()), today=today,
                                 postgresql=False)
        return select(stock.order_by(*key).limit(fixed(FEFO_FIRST)).subquery())

    return _fefo_needed(_per_item(branch(k) for k in range(branches)))


@lru_cache(maxsize=1)
def _fefo_first_each():
    """PostgreSQL: what _fefo_first answers, as one LATERAL subquery run for each item of
    the arrays `items` and `needs` (scaled): each item's first rows in FEFO order from
    ix_balance_item_fefo, stopped by the LIMIT; one text for any number of items, planned
    as one subquery instead of a branch per item (planning the branches cost more than
    running them)."""
    wanted = (func.unnest(_opaque("items", ARRAY(Integer)), _opaque("needs", ARRAY(BigInteger)))
              .table_valued("item_id", "need").render_derived(name="wanted"))
    stock, key = _fefo_stock(Balance.item_id == wanted.c.item_id, need=wanted.c.need,
                             today=bindparam("today", type_=Date()), postgresql=True)
    first = stock.order_by(*key).limit(fixed(FEFO_FIRST)).lateral("first_rows")
    return _fefo_needed(select(first).select_from(wanted).join(first, true()).subquery())


def _fefo_needed(stock):
    """Of the candidate rows, those a running total per item in FEFO order needs, with
    their lots and locations."""
    key = (stock.c.expiry.is_(None), stock.c.expiry, stock.c.lot_date, stock.c.lot_code,
           stock.c.location_code)
    running = func.sum(stock.c.quantity).over(partition_by=stock.c.item_id, order_by=key,
                                              rows=(None, 0))
    rows = select(stock.c.item_id, stock.c.lot_id, stock.c.location_id, stock.c.quantity,
                  running.label("running"), stock.c.need).subquery()
    return (select(rows.c.item_id, Lot, Location, rows.c.quantity)
            .join(Lot, Lot.id == rows.c.lot_id)
            .join(Location, Location.id == rows.c.location_id)
            .where(rows.c.running - rows.c.quantity < rows.c.need)
            .order_by(rows.c.item_id, rows.c.running))


def fefo_takes(item_id: int, quantity: Decimal, today: date) -> tuple[list[Take], Decimal]:
    """Which lots, where, how much (FEFO then FIFO), and the quantity stock cannot cover."""
    return fefo_plan({item_id: quantity}, today)[item_id]


def suggest_picks(item_id: int, quantity: Decimal, today: date) -> tuple[list[Pick], Decimal]:
    """The FEFO suggestion as plain picks (lot code, location code, quantity, expiry)."""
    takes, missing = fefo_takes(item_id, quantity, today)
    return [Pick(t.lot.code, t.location.code, t.quantity, t.lot.expiry) for t in takes], missing


def fefo_value(item_id: int, quantity: Decimal, today: date) -> tuple[Decimal, Decimal]:
    """(value of the lots FEFO would take for `quantity`, quantity it cannot cover)."""
    takes, missing = fefo_takes(item_id, quantity, today)
    return material_value((t.quantity, t.lot.unit_cost) for t in takes), missing


def lot_storage_balances(lot_id: int) -> list[tuple[Location, Decimal]]:
    """Where a lot is in storage, most first."""
    return list(db.session.execute(
        select(Location, Balance.quantity).join(Balance, Balance.location_id == Location.id)
        .where(Balance.lot_id == lot_id, Balance.quantity > 0, Location.kind == "storage")
        .order_by(Balance.quantity.desc(), Location.code)
    ).all())
