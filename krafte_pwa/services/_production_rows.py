"""The rows that planning, starting and completing a production order write, as Core
statements built once: reservations inserted and released, picks inserted and settled,
genealogy inserted. On PostgreSQL the many-row writes go as one statement from arrays (one
text whatever the number of rows, executed once, where an executemany runs it per row);
SQLite keeps the executemany forms. The loaded objects get the written values as their
committed state, so the answer reads them without the unit of work flushing them."""

from decimal import Decimal
from functools import lru_cache
from operator import attrgetter

from sqlalchemy import (
    Boolean,
    DateTime,
    Integer,
    Text,
    bindparam,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Genealogy, Location, Lot, Pick, ProductionOrder, Reservation
from ..models.types import Quantity
from . import _ledger_arrays as by_arrays
from ._tx import dialect_name
from .outbox import touch

ZERO = Decimal(0)
SETTLED = ("consumed", "returned", "wasted", "waste_reason")


PICKED = {"lot_id": Integer, "location_id": Integer, "quantity": Quantity(),
          "overridden": Boolean}


def insert_picks(order_id: int, rows: list[dict], now) -> list[Pick]:
    """Insert the picks, RETURNING them as loaded objects. `rows`: lot_id, location_id,
    quantity, overridden."""
    if dialect_name() == "postgresql":
        return db.session.scalars(_picks_from_arrays(), {
            "order_id": order_id, "now": now, **by_arrays.arrays(rows, PICKED)}).all()
    return db.session.scalars(insert(Pick).returning(Pick), [
        {**row, "order_id": order_id, "consumed": ZERO, "returned": ZERO, "wasted": ZERO,
         "created_at": now} for row in rows]).all()


@lru_cache(maxsize=1)
def _picks_from_arrays():
    picked = by_arrays.unnest("picked", PICKED)
    zero = literal(0, Integer)
    rows = select(bindparam("order_id", type_=Integer), picked.c.lot_id, picked.c.location_id,
                  picked.c.quantity, zero, zero, zero, picked.c.overridden,
                  bindparam("now", type_=DateTime))
    columns = ["order_id", "lot_id", "location_id", "quantity", "consumed", "returned",
               "wasted", "overridden", "created_at"]
    table = Pick.__table__
    # a Core INSERT … SELECT … RETURNING, its rows loaded as Pick objects
    return select(Pick).from_statement(
        insert(table).from_select(columns, rows).returning(*table.c))


def release_reservations(order_id: int, reservations: list[Reservation]) -> None:
    """Every reservation of the order to zero (one UPDATE)."""
    if any(r.quantity for r in reservations):
        db.session.execute(_release(), {"order": order_id})
    for r in reservations:
        set_committed_value(r, "quantity", ZERO)


@lru_cache(maxsize=1)
def _release():
    table = Reservation.__table__
    return (update(table).where(table.c.order_id == bindparam("order"), table.c.quantity != 0)
            .values(quantity=0))


RESERVED = {"position": Integer, "item_id": Integer, "required": Quantity(),
            "quantity": Quantity()}


def insert_reservations(order_id: int, rows: list[dict]) -> None:
    """The order's reservations (rows: position, item_id, required, quantity), no RETURNING."""
    if dialect_name() == "postgresql":
        db.session.execute(_reservations_from_arrays(),
                           {"order_id": order_id, **by_arrays.arrays(rows, RESERVED)})
    else:
        db.session.execute(insert(Reservation), [{**row, "order_id": order_id} for row in rows])


@lru_cache(maxsize=1)
def _reservations_from_arrays():
    held = by_arrays.unnest("held", RESERVED)
    return insert(Reservation.__table__).from_select(
        ["order_id", *RESERVED], select(bindparam("order_id", type_=Integer), *held.c))


INPUTS = {"input_lot_id": Integer, "quantity": Quantity()}


def insert_genealogy(order_id: int, output_lot_id: int, rows: list[dict]) -> None:
    """Which lots went into the output lot (rows: input_lot_id, quantity), no RETURNING."""
    if dialect_name() == "postgresql":
        db.session.execute(_genealogy_from_arrays(), {
            "order_id": order_id, "output_lot_id": output_lot_id,
            **by_arrays.arrays(rows, INPUTS)})
    else:
        db.session.execute(insert(Genealogy), [
            {**row, "order_id": order_id, "output_lot_id": output_lot_id} for row in rows])


@lru_cache(maxsize=1)
def _genealogy_from_arrays():
    inputs = by_arrays.unnest("inputs", INPUTS)
    return insert(Genealogy.__table__).from_select(
        ["order_id", "output_lot_id", *INPUTS],
        select(bindparam("order_id", type_=Integer), bindparam("output_lot_id", type_=Integer),
               *inputs.c))


def settle_picks(settled: list[tuple[Pick, dict]]) -> None:
    """Write what became of each pick (one statement), then show it on the objects."""
    if not settled:
        return
    rows = [{"pick": pick.id, **{f"new_{name}": values[name] for name in SETTLED}}
            for pick, values in settled]
    if dialect_name() == "postgresql":
        db.session.execute(_settle_from_arrays(), by_arrays.arrays(rows, SETTLES))
    else:
        db.session.execute(_settle(), rows)
    for pick, values in settled:
        for name in SETTLED:
            set_committed_value(pick, name, values[name])


@lru_cache(maxsize=1)
def _settle():
    table = Pick.__table__
    return (update(table).where(table.c.id == bindparam("pick"))
            .values({name: bindparam(f"new_{name}", type_=table.c[name].type)
                     for name in SETTLED}))


SETTLES = {"pick": Integer, "new_consumed": Quantity(), "new_returned": Quantity(),
           "new_wasted": Quantity(), "new_waste_reason": Text}


@lru_cache(maxsize=1)
def _settle_from_arrays():
    table = Pick.__table__
    new = by_arrays.unnest("settled", SETTLES)
    return (update(table).where(table.c.id == new.c.pick)
            .values({name: new.c[f"new_{name}"] for name in SETTLED}))


def insert_lot(values: dict, item) -> Lot:
    """A new lot (one INSERT … RETURNING it as a loaded object, no flush), its item set."""
    lot = db.session.scalars(insert(Lot).returning(Lot), [values]).one()
    set_committed_value(lot, "item", item)
    return lot


def archive_location(location) -> None:
    """The location archived (one UPDATE, shown on the object as committed)."""
    db.session.execute(_archive(), {"location_id": location.id})
    set_committed_value(location, "archived", True)


@lru_cache(maxsize=1)
def _archive():
    table = Location.__table__
    return update(table).where(table.c.id == bindparam("location_id")).values(archived=True)


def update_order(order: ProductionOrder, columns: dict, **related) -> None:
    """Write these columns of the order's row (one UPDATE, built once per set of columns)
    and show them, and the `related` objects they point to, on the order as its committed
    state: no flush of the unit of work for one row. A new status touches the order's
    items for the sales channels, as a flushed one would (services/outbox.py)."""
    db.session.execute(_order_update(tuple(columns)),
                       {"order_id": order.id, **{f"new_{k}": v for k, v in columns.items()}})
    if "status" in columns:
        touch(db.session, [r.item_id for r in order.reservations])
    for name, value in (columns | related).items():
        set_committed_value(order, name, value)


@lru_cache(maxsize=8)
def _order_update(names: tuple[str, ...]):
    table = ProductionOrder.__table__
    return (update(table).where(table.c.id == bindparam("order_id"))
            .values({name: bindparam(f"new_{name}", type_=table.c[name].type)
                     for name in names}))


def lots_read_again(lots) -> list[Lot]:
    """The lots as they are now (the caller holds their items' locks): their rows read as
    plain rows, and the objects refreshed only if one differs from what they hold."""
    held = {lot.id: lot for lot in lots}
    rows = db.session.execute(_lots_now(), {"ids": sorted(held)}).all()
    values = _lot_values()
    if any(values(held[row.id]) != tuple(row) for row in rows):
        return db.session.execute(
            select(Lot).where(Lot.id.in_(held)).execution_options(populate_existing=True)
        ).scalars().all()
    return [held[row.id] for row in rows]


@lru_cache(maxsize=1)
def _lot_values():
    """A lot object's values in the order of its table's columns (those _lots_now reads)."""
    return attrgetter(*(c.key for c in Lot.__table__.c))


@lru_cache(maxsize=1)
def _lots_now():
    return select(*Lot.__table__.c).where(Lot.id.in_(bindparam("ids", expanding=True)))
