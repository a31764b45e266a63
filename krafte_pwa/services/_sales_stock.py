"""Stock held back for sales orders: what is reserved per item and per (lot, location),
FEFO over the stock nobody else holds, reserving and releasing a line. Never commits.

A sales reservation names a lot at a location (the one the packer is sent to); production
reservations name only an item. Available = usable on hand − reserved for production −
reserved for sales; a line never reserves more than that, nor stock of a lot that other
sales lines already hold.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ..extensions import db
from ..models import Balance, Location, Lot, SalesOrderLine, SalesReservation
from . import availability as avail

ZERO = Decimal(0)


def held_by_lot(item_id: int, exclude_line_ids=()) -> dict[tuple[int, int], Decimal]:
    """(lot id, location id) -> quantity other sales lines hold of that item."""
    query = (select(SalesReservation.lot_id, SalesReservation.location_id,
                    func.sum(SalesReservation.quantity))
             .where(SalesReservation.item_id == item_id)
             .group_by(SalesReservation.lot_id, SalesReservation.location_id))
    exclude = list(exclude_line_ids)
    if exclude:
        query = query.where(SalesReservation.line_id.not_in(exclude))
    return {(lot, where): _dec(q) for lot, where, q in db.session.execute(query).all()}


def lot_held(lot_id: int, exclude_line_ids=()) -> dict[int, Decimal]:
    """location id -> quantity of one lot that sales lines (other than those) hold."""
    query = (select(SalesReservation.location_id, func.sum(SalesReservation.quantity))
             .where(SalesReservation.lot_id == lot_id)
             .group_by(SalesReservation.location_id))
    exclude = list(exclude_line_ids)
    if exclude:
        query = query.where(SalesReservation.line_id.not_in(exclude))
    return {where: _dec(q) for where, q in db.session.execute(query).all()}


def free_fefo_takes(item_id: int, quantity: Decimal, today: date,
                    exclude_line_ids=()) -> tuple[list[avail.Take], Decimal]:
    """FEFO (then FIFO) over usable storage stock less what sales lines hold per lot and
    location: (takes, quantity not covered)."""
    held = held_by_lot(item_id, exclude_line_ids)
    rows = db.session.execute(
        select(Balance.lot_id, Balance.location_id, Balance.quantity)
        .join(Lot, Lot.id == Balance.lot_id)
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.item_id == item_id, Balance.quantity > 0, Location.kind == "storage",
               avail.usable(today))
        .order_by(Lot.expiry.is_(None), Lot.expiry, Lot.lot_date, Lot.code, Location.code)
    ).all()
    remaining, chosen = quantity, []
    for lot_id, location_id, have in rows:
        if remaining <= 0:
            break
        free = have - held.get((lot_id, location_id), ZERO)
        take = min(free, remaining)
        if take > 0:
            chosen.append((lot_id, location_id, take))
            remaining -= take
    return _load_takes(chosen), max(remaining, ZERO)


def _load_takes(chosen) -> list[avail.Take]:
    if not chosen:
        return []
    lots = {lot.id: lot for lot in db.session.execute(
        select(Lot).where(Lot.id.in_({c[0] for c in chosen}))).scalars()}
    places = {p.id: p for p in db.session.execute(
        select(Location).where(Location.id.in_({c[1] for c in chosen}))).scalars()}
    return [avail.Take(lots[lot], places[where], q) for lot, where, q in chosen]


def available(item_ids, today: date) -> dict[int, Decimal]:
    """Usable on hand − reserved for production − reserved for sales, per item."""
    return avail.available(item_ids, today)


def line_reserved(line: SalesOrderLine) -> Decimal:
    return sum((r.quantity for r in line.reservations), ZERO)


def line_open(line: SalesOrderLine) -> Decimal:
    """What is still to ship on a line."""
    return line.quantity - line.shipped


def line_missing(line: SalesOrderLine) -> Decimal:
    return max(line_open(line) - line_reserved(line), ZERO)


def prune(line: SalesOrderLine, today: date) -> None:
    """Drop what a line holds of lots no longer usable or no longer there (blocked,
    expired, consumed by a count or a loss), so it can be reserved again elsewhere."""
    for reservation in list(line.reservations):
        lot = reservation.lot
        there = _on_hand(lot.id, reservation.location_id)
        if lot.status != "released" or avail.is_expired(lot, today) or there <= 0:
            line.reservations.remove(reservation)
        elif reservation.quantity > there:
            reservation.quantity = there
    db.session.flush()


def reserve(line: SalesOrderLine, today: date, free: dict[int, Decimal]) -> Decimal:
    """Reserve by FEFO what the line still misses, within `free` (available per item,
    updated); returns what stays missing."""
    want = line_missing(line)
    if want <= 0 or line.item_id is None:
        return ZERO
    room = max(free.get(line.item_id, ZERO), ZERO)
    takes, _short = free_fefo_takes(line.item_id, min(want, room), today)
    taken = ZERO
    for take in takes:
        _hold(line, take.lot, take.location, take.quantity)
        taken += take.quantity
    free[line.item_id] = free.get(line.item_id, ZERO) - taken
    db.session.flush()
    return want - taken


def _hold(line: SalesOrderLine, lot: Lot, location: Location, quantity: Decimal) -> None:
    for reservation in line.reservations:
        if reservation.lot_id == lot.id and reservation.location_id == location.id:
            reservation.quantity += quantity
            return
    line.reservations.append(SalesReservation(item_id=line.item_id, lot=lot,
                                              location=location, quantity=quantity))


def release(line: SalesOrderLine, quantity: Decimal | None = None,
            first: tuple[int, int] | None = None) -> Decimal:
    """Release `quantity` (all when None) of what the line holds: the (lot, location)
    `first` before the others, then the latest-expiring first. Returns what was released."""
    fefo = sorted(line.reservations, key=_fefo_key, reverse=True)
    order = sorted(fefo, key=lambda r: (r.lot_id, r.location_id) != first)
    left = line_reserved(line) if quantity is None else quantity
    released = ZERO
    for reservation in order:
        if left <= 0:
            break
        part = min(reservation.quantity, left)
        reservation.quantity -= part
        left -= part
        released += part
        if reservation.quantity <= 0:
            line.reservations.remove(reservation)
    db.session.flush()
    return released


def _fefo_key(reservation: SalesReservation) -> tuple:
    lot = reservation.lot
    return (lot.expiry is None, lot.expiry or date.max, lot.lot_date, lot.code,
            reservation.location.code)


def reservations_by_line(line_ids) -> dict[int, list[SalesReservation]]:
    result = defaultdict(list)
    ids = list(line_ids)
    if ids:
        for r in db.session.execute(select(SalesReservation)
                                    .where(SalesReservation.line_id.in_(ids))
                                    .order_by(SalesReservation.id)).scalars():
            result[r.line_id].append(r)
    return result


def _on_hand(lot_id: int, location_id: int) -> Decimal:
    value = db.session.execute(select(Balance.quantity).where(
        Balance.lot_id == lot_id, Balance.location_id == location_id)).scalar()
    return _dec(value)


def _dec(value) -> Decimal:
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(value)
