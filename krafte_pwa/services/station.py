"""Lots scanned at the production station before Start, kept on the server per order.

The station saves its whole list after each scan (a reload or another device finds it);
starting or cancelling the order clears it (`clear_picks`, called inside those actions).
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import joinedload

from ..domain.order_states import PLANNED
from ..errors import BadInput, InvalidTransition, LotNotUsable
from ..extensions import db
from ..messages import _
from ..models import Lot, ProductionOrder, StationPick
from ..models.types import utcnow
from . import _inputs as read
from . import _locks as locks
from ._tx import transactional
from .lot_usability import REFUSED

MAX_PICKS = 200


@dataclass(frozen=True)
class Scanned:
    lot: str
    item: str
    unit: str
    location: str
    quantity: Decimal
    suggested: bool


def pending_picks(number) -> list[Scanned]:
    """The lots scanned for an order not started yet, in the order they were scanned."""
    return scanned(read.order(number))


@transactional
def save_picks(*, number, picks, user_id=None) -> list[Scanned]:
    """Replace the order's scanned lots with `picks` [{lot, location, quantity, unit?,
    suggested?}]; an empty list clears them. Refused, changing nothing, once the order
    has started or for a lot the order does not use."""
    order = locks.order_for_update(number)
    if order.status != PLANNED:
        raise InvalidTransition(
            _("order %(number)s has already started or ended: lots are scanned before Start",
              number=order.number),
            details={"order": order.number, "status": order.status})
    entries = read.object_list(picks, "picks", limit=MAX_PICKS)
    needs = {r.item_id for r in order.reservations}
    rows, seen = [], set()
    for index, entry in enumerate(entries):
        row = _read_pick(entry, f"picks[{index}]", needs)
        if row["lot_id"] in seen:
            continue  # the same lot scanned twice: the first scan stands
        seen.add(row["lot_id"])
        rows.append({**row, "order_id": order.id, "position": len(rows) + 1,
                     "user_id": user_id, "created_at": utcnow()})
    clear_picks(order.id)
    if rows:
        db.session.execute(insert(StationPick), rows)
    return scanned(order)


def clear_picks(order_id: int) -> None:
    """Forget the lots scanned for an order (inside its start or cancel)."""
    db.session.execute(delete(StationPick).where(StationPick.order_id == order_id))


def _read_pick(entry: dict, field: str, needs: set[int]) -> dict:
    lot = read.lot(entry.get("lot"))
    if lot.item_id not in needs:
        raise BadInput(_("lot %(lot)s is %(sku)s, which this order does not use",
                         lot=lot.code, sku=lot.item.sku),
                       code="not_in_recipe", details={"field": f"{field}.lot"})
    if lot.status != "released":  # an expired lot waits for Start (a manager may override)
        raise LotNotUsable(_(REFUSED[(lot.status, "use")], lot=lot.code),
                           code=f"lot_{'blocked' if lot.status == 'blocked' else 'quarantined'}",
                           details={"field": f"{field}.lot", "status": lot.status})
    location = read.location(entry.get("location"))
    quantity = read.base_quantity(lot.item, entry.get("quantity"), entry.get("unit"),
                                  f"{field}.quantity")
    suggested = entry.get("suggested", False)
    if not isinstance(suggested, bool):
        raise BadInput(_("suggested must be true or false"),
                       details={"field": f"{field}.suggested"})
    return {"lot_id": lot.id, "location_id": location.id, "quantity": quantity,
            "suggested": suggested}


def scanned(order: ProductionOrder) -> list[Scanned]:
    """`pending_picks` for an order already loaded (the station page)."""
    rows = db.session.execute(
        select(StationPick).where(StationPick.order_id == order.id)
        .options(joinedload(StationPick.lot).joinedload(Lot.item),
                 joinedload(StationPick.location))
        .order_by(StationPick.position)).scalars().all()
    return [Scanned(lot=p.lot.code, item=p.lot.item.sku, unit=p.lot.item.unit,
                    location=p.location.code, quantity=p.quantity, suggested=p.suggested)
            for p in rows]
