"""Posts movements and keeps balances. Never commits.

A take is one conditional UPDATE (`quantity >= take`): atomic on SQLite and PostgreSQL,
so two takes racing for the same stock cannot both succeed. Balance rows are touched in
(lot, location) order so concurrent transactions lock them in the same order.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, select, update

from ..domain.numbers import to_str
from ..errors import InsufficientStock
from ..extensions import db
from ..messages import _
from ..models import Balance, Lot, Movement
from ..models.types import utcnow
from ._tx import upsert


@dataclass
class Posting:
    lot: Lot
    location_id: int
    quantity: Decimal
    kind: int
    document: str | None = None
    reason: str | None = None


def post(postings: list[Posting], user_id: int | None) -> list[Movement]:
    """Apply postings in a stable lock order; raise InsufficientStock if any would go < 0."""
    table = Balance.__table__
    now = utcnow()
    ordered = sorted(postings, key=lambda p: (p.lot.id, p.location_id, p.quantity >= 0))
    adds = []  # consecutive additions go to the database in one executemany, in order
    for p in ordered:
        if p.quantity > 0:
            adds.append({"lot_id": p.lot.id, "location_id": p.location_id,
                         "item_id": p.lot.item_id, "quantity": p.quantity})
            continue
        _add(table, adds)
        take = -p.quantity
        result = db.session.execute(
            update(table)
            .where(and_(table.c.lot_id == p.lot.id, table.c.location_id == p.location_id,
                        table.c.quantity >= take))
            .values(quantity=table.c.quantity - take)
        )
        if result.rowcount != 1:
            have = on_hand(p.lot.id, p.location_id)
            raise InsufficientStock(
                _("lot %(lot)s has %(on_hand)s %(unit)s here, cannot take %(requested)s",
                  lot=p.lot.code, on_hand=to_str(have), unit=p.lot.item.unit,
                  requested=to_str(take)),
                details={"lot": p.lot.code, "on_hand": to_str(have),
                         "requested": to_str(take)},
            )
    _add(table, adds)
    movements = [
        Movement(lot_id=p.lot.id, location_id=p.location_id, item_id=p.lot.item_id,
                 quantity=p.quantity, unit_cost=p.lot.unit_cost, kind=p.kind,
                 document=p.document, reason=p.reason, user_id=user_id, created_at=now)
        for p in postings
    ]
    db.session.add_all(movements)
    db.session.flush()
    return movements


def _add(table, adds: list[dict]) -> None:
    """Upsert the additions gathered so far (one statement, many rows), then forget them."""
    if not adds:
        return
    stmt = upsert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.lot_id, table.c.location_id],
        set_={"quantity": table.c.quantity + stmt.excluded.quantity},
    )
    db.session.execute(stmt, list(adds))
    adds.clear()


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
