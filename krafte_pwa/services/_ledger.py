"""Posts movements and keeps balances. Never commits.

A take is one conditional UPDATE (`quantity >= take`): atomic on SQLite and PostgreSQL,
so two takes racing for the same stock cannot both succeed. Balance rows are touched in
(lot, location) order so concurrent transactions lock them in the same order.

Additions are bounded too: a balance that would pass MAX_QUANTITY is refused, and an
item's total on hand stays within MAX_ITEM_STOCK, so no
balance and no sum of balances can outgrow the 64-bit scaled integer they are stored in
(SQLite would otherwise turn the balance into a float, PostgreSQL refuse with an error).
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, literal, select, update

from ..domain.numbers import MAX_ITEM_STOCK, MAX_QUANTITY, to_str
from ..errors import BadQuantity, InsufficientStock
from ..extensions import db
from ..messages import _
from ..models import Balance, Lot, Movement
from ..models.types import Quantity, utcnow
from ._tx import upsert
from .outbox import touch

# Typed, so it is bound at the stored scale (a sum of two columns has no type of its own).
_MAX_BALANCE = literal(MAX_QUANTITY, Quantity())


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
    _check_item_totals(postings)
    adds: list[Posting] = []  # consecutive additions go in one executemany, in order
    added: list[Posting] = []
    for p in ordered:
        if p.quantity > 0:
            if p.quantity > MAX_QUANTITY:
                _too_much_here(p)
            adds.append(p)
            added.append(p)
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
    _check_balances(added)
    movements = [
        Movement(lot_id=p.lot.id, location_id=p.location_id, item_id=p.lot.item_id,
                 quantity=p.quantity, unit_cost=p.lot.unit_cost, kind=p.kind,
                 document=p.document, reason=p.reason, user_id=user_id, created_at=now)
        for p in postings
    ]
    db.session.add_all(movements)
    db.session.flush()
    touch(db.session, {p.lot.item_id for p in postings})  # the channels' stock levels
    return movements


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

    The current totals are summed in SQL (each within MAX_ITEM_STOCK, so the sum fits)
    and the postings added in Python, so not even a request of many lines can overflow
    the check itself. One query for all the items that grow."""
    growth: dict[int, Decimal] = {}
    lots: dict[int, Lot] = {}
    for p in postings:
        growth[p.lot.item_id] = growth.get(p.lot.item_id, Decimal(0)) + p.quantity
        lots.setdefault(p.lot.item_id, p.lot)
    growing = sorted(item_id for item_id, change in growth.items() if change > 0)
    if not growing:
        return
    totals = dict(db.session.execute(
        select(Balance.item_id, func.sum(Balance.quantity))
        .where(Balance.item_id.in_(growing)).group_by(Balance.item_id)).all())
    for item_id in growing:
        have = totals.get(item_id) or Decimal(0)
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


def _add(table, adds: list[Posting]) -> None:
    """Upsert the additions gathered so far (one statement, many rows), then forget them.

    Unconditional, so it can be one executemany: every addition is at most MAX_QUANTITY,
    every balance was at most MAX_QUANTITY and the item's total stays within
    MAX_ITEM_STOCK, so the sums fit the 64-bit column; _check_balances then refuses any
    balance that went past MAX_QUANTITY (the caller's transaction is rolled back)."""
    if not adds:
        return
    stmt = upsert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.lot_id, table.c.location_id],
        set_={"quantity": table.c.quantity + stmt.excluded.quantity},
    )
    db.session.execute(stmt, [{"lot_id": p.lot.id, "location_id": p.location_id,
                               "item_id": p.lot.item_id, "quantity": p.quantity}
                              for p in adds])
    adds.clear()


def _check_balances(added: list[Posting]) -> None:
    """One query: a balance that grew past MAX_QUANTITY is refused."""
    if not added:
        return
    over = db.session.execute(
        select(Balance.lot_id, Balance.location_id)
        .where(Balance.lot_id.in_(sorted({p.lot.id for p in added})),
               Balance.quantity > _MAX_BALANCE).limit(1)
    ).first()
    if over is not None:
        _too_much_here(next(p for p in added
                            if (p.lot.id, p.location_id) == (over.lot_id, over.location_id)))


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
