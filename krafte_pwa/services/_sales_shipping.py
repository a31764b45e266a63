"""Shipping a sales order: which lots leave for each line, the reservations they use up,
the ledger postings and the shipment (lots per customer, cost of goods sold). Never
commits."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from ..errors import BadInput, Conflict, InsufficientStock
from ..extensions import db
from ..messages import _, field_name
from ..models import (
    Item,
    Lot,
    MovementKind,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
    ShipmentLot,
)
from ..models.types import utcnow
from . import _inputs as read
from . import _sales_stock as held
from . import availability as avail
from ._ledger import Posting, post
from ._sequences import document_number
from .shipments import check_lot

ZERO = Decimal(0)


def ship_lines(order: SalesOrder, lines, user_id, today: date) -> Shipment:
    items = {line.item_id for line in order.lines if line.item_id is not None}
    before = held.available(items, today)
    shipment = Shipment(number=document_number("SH", today.year),
                        customer=read.partner(order.customer, customer=True),
                        status="shipped", user_id=user_id, shipped_at=utcnow(),
                        sales_order_id=order.id)
    db.session.add(shipment)
    taken: dict[int, list[avail.Take]] = defaultdict(list)
    if lines is None:
        _all_reserved(order, today, taken)
        _post([t for takes in taken.values() for t in takes], shipment.number, user_id)
    else:
        for line, amount, lot in _requested(order, lines):
            takes = _take(line, amount, lot, today)
            _post(takes, shipment.number, user_id)  # the next entry sees this stock gone
            taken[line.id].extend(takes)
    taken = {line_id: takes for line_id, takes in taken.items() if takes}
    if not taken:
        raise InsufficientStock(_("%(number)s: nothing is reserved to ship",
                                  number=order.number), code="nothing_to_ship")
    _check_available(before, today)
    _record(shipment, order, taken)
    db.session.flush()
    return shipment


def _post(takes: list[avail.Take], number: str, user_id) -> None:
    if takes:
        post([Posting(t.lot, t.location.id, -t.quantity, MovementKind.SHIPMENT, number)
              for t in takes], user_id)


def _all_reserved(order: SalesOrder, today: date, taken: dict) -> None:
    """Every line's reservations, topped up first from free stock."""
    lines = [line for line in order.lines if held.line_open(line) > 0]
    for line in lines:
        held.prune(line, today)
    free = held.available([line.item_id for line in lines], today)
    for line in lines:
        held.reserve(line, today, free)
        taken[line.id].extend(avail.Take(r.lot, r.location, r.quantity)
                              for r in line.reservations)
        held.release(line)


def _requested(order: SalesOrder, lines):
    """(order line, quantity, lot or None) for each entry, spread over the order's lines
    of that item in order; more than is still to ship is refused."""
    entries = read.object_list(lines, "lines", required=True, limit=200)
    if not entries:
        raise BadInput(_("a shipment needs at least one line"), details={"field": "lines"})
    left = {line.id: held.line_open(line) for line in order.lines}
    result = []
    for index, entry in enumerate(entries):
        name = f"lines[{index}]"
        lot = read.lot(entry.get("lot")) if entry.get("lot") not in (None, "") else None
        item = lot.item if lot is not None and entry.get("item") in (None, "") else read.item(
            entry.get("item"))
        if lot is not None and lot.item_id != item.id:
            raise BadInput(_("%(field)s: lot %(lot)s is %(lot_sku)s, not %(sku)s",
                             field=field_name(name), lot=lot.code, lot_sku=lot.item.sku,
                             sku=item.sku), code="lot_item_mismatch",
                           details={"field": f"{name}.lot"})
        amount = read.base_quantity(item, entry.get("quantity"), entry.get("unit"),
                                    f"{name}.quantity")
        result.extend(_spread(order, item, amount, lot, left, name))
    return result


def _spread(order, item, amount, lot, left, name):
    mine = [line for line in order.lines if line.item_id == item.id]
    room = sum((left[line.id] for line in mine), ZERO)
    if amount > room:
        raise Conflict(_("%(field)s: %(quantity)s %(unit)s of %(sku)s is more than the "
                         "%(left)s still to ship", field=field_name(name), quantity=amount,
                         unit=item.unit, sku=item.sku, left=room),
                       code="more_than_ordered", details={"field": f"{name}.quantity"})
    parts = []
    for line in mine:
        part = min(left[line.id], amount)
        if part > 0:
            parts.append((line, part, lot))
            left[line.id] -= part
            amount -= part
    return parts


def _take(line: SalesOrderLine, amount: Decimal, lot: Lot | None,
          today: date) -> list[avail.Take]:
    """Takes for `amount` of a line; the line's reservations are used up first."""
    if lot is not None:
        check_lot(lot, today)
        takes = _from_lot(line, lot, amount)
        held.release(line, amount, first=(lot.id, takes[0].location.id))
    else:
        held.prune(line, today)
        takes, left = _from_reservations(line, amount)
        if left > 0:
            more, short = held.free_fefo_takes(line.item_id, left, today)
            if short > 0:
                usable = amount - short
                raise InsufficientStock(
                    _("%(sku)s: %(available)s %(unit)s can be shipped, not %(requested)s",
                      sku=line.item.sku, available=usable, unit=line.item.unit,
                      requested=amount),
                    details={"item": line.item.sku, "available": str(usable),
                             "requested": str(amount)})
            takes.extend(more)
    db.session.flush()
    return takes


def _from_reservations(line: SalesOrderLine, amount: Decimal) -> tuple[list, Decimal]:
    """Use up the line's own reservations in FEFO order: (takes, amount not covered)."""
    takes, left = [], amount
    for reservation in sorted(line.reservations, key=lambda r: _fefo_key(r.lot)):
        part = min(reservation.quantity, left)
        if part <= 0:
            break
        takes.append(avail.Take(reservation.lot, reservation.location, part))
        left -= part
        reservation.quantity -= part
        if reservation.quantity <= 0:
            line.reservations.remove(reservation)
    return takes, left


def _from_lot(line: SalesOrderLine, lot: Lot, amount: Decimal) -> list[avail.Take]:
    """A named lot: from where the line holds it first, then where it is not held for
    other orders."""
    others = held.lot_held(lot.id, exclude_line_ids=[line.id])
    mine = {r.location_id for r in line.reservations if r.lot_id == lot.id}
    sources = sorted(avail.lot_storage_balances(lot.id),
                     key=lambda s: (s[0].id not in mine, s[0].code))
    takes, left = [], amount
    for location, have in sources:
        free = have - others.get(location.id, ZERO)
        part = min(free, left)
        if part > 0:
            takes.append(avail.Take(lot, location, part))
            left -= part
    if left > 0:
        free = amount - left
        raise InsufficientStock(
            _("lot %(lot)s has %(free)s %(unit)s not held for other orders, cannot ship "
              "%(requested)s", lot=lot.code, free=free, unit=lot.item.unit, requested=amount),
            details={"lot": lot.code, "available": str(free), "requested": str(amount)})
    return takes


def _fefo_key(lot: Lot) -> tuple:
    return (lot.expiry is None, lot.expiry or date.max, lot.lot_date, lot.code)


def _check_available(before: dict[int, Decimal], today: date) -> None:
    """Stock production orders hold is never shipped: an item's available quantity may
    not fall below zero (nor lower than it already was, after a loss)."""
    after = held.available(before, today)
    for item_id, value in after.items():
        if value < 0 and value < before.get(item_id, ZERO):
            item = db.session.get(Item, item_id)
            raise InsufficientStock(
                _("%(sku)s: the stock production orders hold cannot be shipped",
                  sku=item.sku), details={"item": item.sku})


def _record(shipment: Shipment, order: SalesOrder, taken: dict) -> None:
    position = 0
    for line in order.lines:
        takes = taken.get(line.id)
        if not takes:
            continue
        position += 1
        amount = sum((t.quantity for t in takes), ZERO)
        row = ShipmentLine(position=position, item_id=line.item_id, quantity=amount,
                           sales_line_id=line.id)
        shipment.lines.append(row)
        for take in takes:
            row.lots.append(ShipmentLot(lot=take.lot, location=take.location,
                                        quantity=take.quantity, unit_cost=take.lot.unit_cost))
        line.shipped += amount
