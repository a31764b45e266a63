"""Shipments to customers: each line takes the given lot, or the FEFO lots;
blocked, quarantined and expired lots are refused; stock other orders have reserved is
not taken. The stock leaves storage locations (movements SHIPMENT) and each lot that left
is recorded per line with its unit cost (cost of goods sold). One transaction.

Shipping is immediate: a shipment is recorded as shipped at once (no picking step, so
nothing is reserved for shipments in between). The page shows the FEFO suggestion first
and the person confirms it by scanning the lots (`suggest`, then `ship`).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..domain.recipes import material_value
from ..errors import BadInput, InsufficientStock
from ..extensions import db
from ..messages import N_, _, field_name
from ..models import Item, Lot, MovementKind, Partner, Shipment, ShipmentLine, ShipmentLot
from ..models.types import utcnow
from . import _inputs as read
from . import _locks as locks
from . import _sales_stock as held
from . import availability as avail
from ._ledger import Posting, on_hand, post
from ._sequences import document_number
from ._tx import transactional
from .lot_usability import check_usable
from .queries import Page, newest_first, paging

ZERO = Decimal(0)
MAX_LINES = 200


@dataclass
class Wanted:
    item: Item
    quantity: Decimal
    lot: Lot | None = None
    location: object = None  # Location, when the lot is to be taken from one place


@dataclass
class WantedLine:
    item: Item
    quantity: Decimal
    parts: list[Wanted]  # one without a lot (FEFO), or the lots confirmed for the line


@dataclass
class Suggestion:
    item: Item
    quantity: Decimal
    takes: list = field(default_factory=list)  # [availability.Take]
    missing: Decimal = ZERO


def _read_lines(lines) -> list[WantedLine]:
    """Lines of {item, quantity, unit?, lot?, location?}; a line may instead list the lots
    confirmed for it, {item, lots: [{lot, quantity, location?}]} (the shipment page)."""
    entries = read.object_list(lines, "lines", required=True, limit=MAX_LINES)
    if not entries:
        raise BadInput(_("a shipment needs at least one line"), details={"field": "lines"})
    wanted = []
    for index, entry in enumerate(entries):
        name = f"lines[{index}]"
        if entry.get("lots") not in (None, []):
            item = read.item(entry.get("item"))
            parts = [_read_part(item, part, f"{name}.lots[{n}]")
                     for n, part in enumerate(read.object_list(entry.get("lots"),
                                                               f"{name}.lots"))]
            total = sum((p.quantity for p in parts), ZERO)
            if entry.get("quantity") not in (None, "") and read.base_quantity(
                    item, entry.get("quantity"), entry.get("unit"), f"{name}.quantity") != total:
                raise BadInput(_("%(field)s: the lots add up to %(quantity)s %(unit)s, not the "
                                 "line's quantity", field=field_name(name), quantity=total,
                                 unit=item.unit), code="lots_do_not_add_up",
                               details={"field": f"{name}.lots"})
            wanted.append(WantedLine(item, total, parts))
            continue
        lot = read.lot(entry.get("lot")) if entry.get("lot") not in (None, "") else None
        item = lot.item if entry.get("item") in (None, "") and lot else read.item(
            entry.get("item"))
        part = _read_part(item, entry, name)
        wanted.append(WantedLine(item, part.quantity, [part]))
    return wanted


def _read_part(item: Item, entry: dict, name: str) -> Wanted:
    lot = read.lot(entry.get("lot")) if entry.get("lot") not in (None, "") else None
    if lot is not None and lot.item_id != item.id:
        raise BadInput(_("%(field)s: lot %(lot)s is %(lot_sku)s, not %(sku)s",
                         field=field_name(name), lot=lot.code, lot_sku=lot.item.sku,
                         sku=item.sku),
                       code="lot_item_mismatch", details={"field": f"{name}.lot"})
    quantity = read.base_quantity(item, entry.get("quantity"), entry.get("unit"),
                                  f"{name}.quantity")
    where = (read.location(entry.get("location"))
             if entry.get("location") not in (None, "") else None)
    return Wanted(item, quantity, lot, where)


def check_lot(lot: Lot, today: date) -> None:
    """The lot may be shipped today (sales packing and pick checks ask the same)."""
    check_usable(lot, today, action="ship")


def _lot_takes(want: Wanted) -> list[avail.Take]:
    lot = want.lot
    if want.location is not None:
        sources = [(want.location, on_hand(lot.id, want.location.id))]
    else:
        sources = avail.lot_storage_balances(lot.id)
    for_orders = held.lot_held(lot.id)  # what sales orders hold stays for them
    sources = [(where, have - for_orders.get(where.id, ZERO)) for where, have in sources]
    takes, remaining = [], want.quantity
    for location, have in sources:
        take = min(have, remaining)
        if take > 0:
            takes.append(avail.Take(lot, location, take))
            remaining -= take
    if remaining > 0:
        have = sum((q for _where, q in sources), ZERO)
        raise InsufficientStock(
            _("lot %(lot)s has %(on_hand)s %(unit)s in store, cannot ship %(requested)s",
              lot=lot.code, on_hand=have, unit=lot.item.unit, requested=want.quantity),
            details={"lot": lot.code, "on_hand": str(have), "requested": str(want.quantity)})
    return takes


def _takes(part: Wanted, today: date) -> list:
    if part.lot is not None:
        check_lot(part.lot, today)
        return _lot_takes(part)
    takes, missing = held.free_fefo_takes(part.item.id, part.quantity, today)
    if missing > 0:
        usable = part.quantity - missing
        raise InsufficientStock(
            _("%(sku)s: %(available)s %(unit)s usable in store, cannot ship %(requested)s",
              sku=part.item.sku, available=usable, unit=part.item.unit,
              requested=part.quantity),
            details={"item": part.item.sku, "available": str(usable),
                     "requested": str(part.quantity)})
    return takes


@transactional
def ship(*, customer, lines, note=None, user_id=None, today: date | None = None) -> Shipment:
    """Ship now: `lines` [{item, quantity, unit?, lot?, location?}] (or {item, lots}).
    Refused, changing nothing, for an unusable lot, stock short, or stock held by
    production orders."""
    today = today or date.today()
    who = read.partner(customer, customer=True)
    if who is None:
        raise BadInput(_("customer is required"), details={"field": "customer"})
    wanted = _read_lines(lines)
    # Item rows locked (PostgreSQL) as production starts and recall blocks lock them:
    # a lot blocked by a recall committing first is seen blocked here, never shipped.
    locks.lock_items(w.item.id for w in wanted)
    named = {p.lot.id for w in wanted for p in w.parts if p.lot is not None}
    if named:  # their status as it is now that the items are locked
        db.session.execute(select(Lot).where(Lot.id.in_(named))
                           .execution_options(populate_existing=True)).all()
    shipment = Shipment(number=document_number("SH", today.year), customer=who,
                        status="shipped", user_id=user_id, shipped_at=utcnow(),
                        note=read.text(note, "note", required=False, max_length=2000))
    db.session.add(shipment)
    for position, want in enumerate(wanted, start=1):
        takes = []
        for part in want.parts:
            takes.extend(_takes(part, today))
        free = avail.available([want.item.id], today)[want.item.id]
        if want.quantity > free:
            raise InsufficientStock(
                _("%(sku)s: only %(available)s %(unit)s can be shipped once production orders' "
                  "reservations are kept, the line needs %(requested)s", sku=want.item.sku,
                  available=max(free, ZERO), unit=want.item.unit, requested=want.quantity),
                details={"item": want.item.sku, "available": str(max(free, ZERO)),
                         "requested": str(want.quantity)})
        line = ShipmentLine(position=position, item=want.item, quantity=want.quantity)
        shipment.lines.append(line)
        post([Posting(t.lot, t.location.id, -t.quantity, MovementKind.SHIPMENT, shipment.number)
              for t in takes], user_id)
        for take in takes:
            line.lots.append(ShipmentLot(lot=take.lot, location=take.location,
                                         quantity=take.quantity, unit_cost=take.lot.unit_cost))
    db.session.flush()
    return shipment


# ---------------------------------------------------------------- reading

def suggest(lines, today: date | None = None) -> list[Suggestion]:
    """What `ship` would take for lines without a lot (FEFO then FIFO), changing nothing.
    Lines of one item share its stock, in line order."""
    today = today or date.today()
    result, asked = [], {}
    for want in _read_lines(lines):
        if any(p.lot is not None for p in want.parts):
            raise BadInput(_("suggestions are for lines without a lot"),
                           details={"field": "lines"})
        before = asked.get(want.item.id, ZERO)
        asked[want.item.id] = before + want.quantity
        takes, missing = held.free_fefo_takes(want.item.id, before + want.quantity, today)
        result.append(Suggestion(want.item, want.quantity, _skip(takes, before), missing))
    return result


def _skip(takes, quantity: Decimal) -> list:
    """Drop the first `quantity` of a FEFO walk (what earlier lines of the item took)."""
    kept = []
    for take in takes:
        if quantity >= take.quantity:
            quantity -= take.quantity
            continue
        kept.append(avail.Take(take.lot, take.location, take.quantity - quantity))
        quantity = ZERO
    return kept


def answer_lines(shipment: Shipment) -> list[tuple[str, str, Decimal]]:
    """(item, lot, quantity): one per lot used, in line order (locations merged)."""
    rows = []
    for line in shipment.lines:
        per_lot: dict[str, Decimal] = {}
        for sl in line.lots:
            per_lot[sl.lot.code] = per_lot.get(sl.lot.code, ZERO) + sl.quantity
        rows.extend((line.item.sku, code, qty) for code, qty in per_lot.items())
    return rows


def line_cost(line: ShipmentLine) -> Decimal:
    """Cost of goods sold of a line: Σ quantity × the lot's unit cost, exact."""
    return material_value((sl.quantity, sl.unit_cost) for sl in line.lots)


def get_shipment(number) -> Shipment:
    return read.fetch(Shipment.number, number, "number", N_("no shipment '%(number)s'"),
                      "unknown_shipment",
                      options=(selectinload(Shipment.lines).selectinload(ShipmentLine.lots),))


@dataclass
class ShippedLot:
    lot_id: int
    shipment: str
    customer: str
    quantity: Decimal  # the lot's quantity on the shipment, its locations summed
    date: date | None


def shipped_lots(lot_ids) -> list[ShippedLot]:
    """Where the lots went: per lot and shipment, customer, quantity and date; oldest
    shipment first. Read by lot (indexed), never from the movement ledger."""
    rows = db.session.execute(
        select(ShipmentLot.lot_id, Shipment.number, Partner.name, Shipment.shipped_at,
               func.sum(ShipmentLot.quantity))
        .join(ShipmentLine, ShipmentLine.id == ShipmentLot.line_id)
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .join(Partner, Partner.id == Shipment.customer_id)
        .where(ShipmentLot.lot_id.in_(lot_ids), Shipment.status == "shipped")
        .group_by(ShipmentLot.lot_id, Shipment.id, Shipment.number, Partner.name,
                  Shipment.shipped_at)
        .order_by(Shipment.shipped_at, Shipment.id)).all()
    return [ShippedLot(lot_id, number, customer,
                       qty if isinstance(qty, Decimal) else Decimal(qty or 0),
                       at.date() if at else None)
            for lot_id, number, customer, at, qty in rows]


def list_shipments(*, customer=None, page=1, per_page=50) -> Page:
    page, per_page = paging(page, per_page)
    query = select(Shipment)
    if customer:
        query = query.join(Partner, Partner.id == Shipment.customer_id).where(
            func.lower(Partner.name) == str(customer).strip().lower())
    return newest_first(query, Shipment, page, per_page)
