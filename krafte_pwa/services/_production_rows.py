"""The rows that starting and completing a production order write, as Core statements
built once: picks inserted (from arrays on PostgreSQL: one text whatever their number),
reservations released, picks settled. The loaded objects get the written values as their
committed state, so the answer reads them without the unit of work flushing them."""

from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Boolean, DateTime, Integer, bindparam, insert, literal, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Lot, Pick, Reservation
from ..models.types import Quantity
from . import _ledger_arrays as by_arrays
from ._tx import dialect_name

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


def settle_picks(settled: list[tuple[Pick, dict]]) -> None:
    """Write what became of each pick (one executemany), then show it on the objects."""
    if not settled:
        return
    db.session.execute(_settle(), [
        {"pick": pick.id, **{f"new_{name}": values[name] for name in SETTLED}}
        for pick, values in settled])
    for pick, values in settled:
        for name in SETTLED:
            set_committed_value(pick, name, values[name])


@lru_cache(maxsize=1)
def _settle():
    table = Pick.__table__
    return (update(table).where(table.c.id == bindparam("pick"))
            .values({name: bindparam(f"new_{name}", type_=table.c[name].type)
                     for name in SETTLED}))


def lots_read_again(lots) -> list[Lot]:
    """The lots as they are now (the caller holds their items' locks): their rows read as
    plain rows, and the objects refreshed only if one differs from what they hold."""
    held = {lot.id: lot for lot in lots}
    columns = Lot.__table__.c
    rows = db.session.execute(_lots_now(), {"ids": sorted(held)}).all()
    if any(getattr(held[row.id], c.key) != row._mapping[c] for row in rows for c in columns):
        return db.session.execute(
            select(Lot).where(Lot.id.in_(held)).execution_options(populate_existing=True)
        ).scalars().all()
    return [held[row.id] for row in rows]


@lru_cache(maxsize=1)
def _lots_now():
    return select(*Lot.__table__.c).where(Lot.id.in_(bindparam("ids", expanding=True)))
