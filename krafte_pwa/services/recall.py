"""Recall: from a lot, forward through the genealogy at every level, every
affected lot with its stock on hand per location, every customer who received an
affected lot (quantity, date); and one action that blocks every affected lot still in
stock, with the reason recorded.

Reads walk the genealogy one level per query (indexed by input lot) and look up balances
and shipment lots by lot: never the movement ledger, so the answer does not slow down as
history grows.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    Balance,
    Genealogy,
    Location,
    Lot,
    LotEvent,
)
from . import _inputs as read
from . import _locks as locks
from ._tx import transactional
from .shipments import shipped_lots

ZERO = Decimal(0)
MAX_LOTS = 20_000
KIND_ORDER = {"material": 0, "intermediate": 1, "product": 2}


@dataclass
class AffectedLot:
    lot: Lot
    level: int  # 0: the recalled lot; 1: made from it; 2: made from those …
    balances: list = field(default_factory=list)  # [(Location, Decimal)] with stock

    @property
    def on_hand(self) -> Decimal:
        return sum((q for _, q in self.balances), ZERO)


@dataclass
class Delivery:
    customer: str
    lot: Lot
    quantity: Decimal
    date: date | None
    shipment: str


@dataclass
class Recall:
    root: Lot
    lots: list[AffectedLot]
    customers: list[Delivery]
    truncated: bool = False

    @property
    def in_stock(self) -> list[AffectedLot]:
        return [a for a in self.lots if a.on_hand > 0]

    @property
    def to_block(self) -> list[AffectedLot]:
        return [a for a in self.lots if a.on_hand > 0 and a.lot.status != "blocked"]


def _descendants(root_id: int) -> tuple[dict[int, int], bool]:
    """lot id -> level, for the root and every lot made from it, at any depth."""
    levels = {root_id: 0}
    frontier, level, truncated = [root_id], 0, False
    while frontier:
        level += 1
        rows = db.session.execute(
            select(Genealogy.output_lot_id).where(Genealogy.input_lot_id.in_(frontier))
            .distinct()).scalars().all()
        frontier = []
        for lot_id in rows:
            if lot_id in levels:
                continue
            if len(levels) >= MAX_LOTS:
                truncated = True
                break
            levels[lot_id] = level
            frontier.append(lot_id)
    return levels, truncated


def recall(code) -> Recall:
    root = read.lot(code)
    levels, truncated = _descendants(root.id)
    ids = list(levels)
    lots = {lot.id: lot for lot in db.session.execute(
        select(Lot).options(joinedload(Lot.item)).where(Lot.id.in_(ids))).scalars()}
    balances: dict[int, list] = {}
    for lot_id, location, quantity in db.session.execute(
            select(Balance.lot_id, Location, Balance.quantity)
            .join(Location, Location.id == Balance.location_id)
            .where(Balance.lot_id.in_(ids), Balance.quantity > 0)
            .order_by(Balance.lot_id, Location.code)).all():
        balances.setdefault(lot_id, []).append((location, quantity))
    affected = sorted(
        (AffectedLot(lots[i], levels[i], balances.get(i, [])) for i in ids),
        key=lambda a: (a.level, KIND_ORDER.get(a.lot.item.kind, 9), a.lot.item.sku, a.lot.code))
    return Recall(root, affected, _deliveries(ids, lots), truncated)


def _deliveries(ids, lots) -> list[Delivery]:
    found = [Delivery(s.customer, lots[s.lot_id], s.quantity, s.date, s.shipment)
             for s in shipped_lots(ids)]
    found.sort(key=lambda d: (d.date or date.min, d.customer, d.lot.code, d.shipment))
    return found


@transactional
def block_affected(*, lot, reason, user_id=None) -> list[Lot]:
    """Block every affected lot still in stock (storage or work in progress) that is not
    blocked yet; each change is a lot event with the reason. Returns the lots blocked."""
    why = read.text(reason, "reason", max_length=500)
    found = recall(lot)
    ids = sorted(a.lot.id for a in found.to_block)
    if not ids:
        return []
    # The items first, as shipments and production starts lock them: one that is running
    # finishes with the lot still released, one that starts later sees it blocked.
    locks.lock_items({a.lot.item_id for a in found.to_block})
    locked = db.session.execute(
        select(Lot).where(Lot.id.in_(ids)).order_by(Lot.id)
        .with_for_update(key_share=True).execution_options(populate_existing=True)
    ).scalars().all()
    blocked = []
    for the_lot in locked:
        if the_lot.status == "blocked":
            continue
        db.session.add(LotEvent(lot_id=the_lot.id, kind="status", old_value=the_lot.status,
                                new_value="blocked", user_id=user_id,
                                reason=f"recall of {found.root.code}: {why}"))
        the_lot.status = "blocked"
        blocked.append(the_lot)
    db.session.flush()
    return blocked
