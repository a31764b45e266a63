"""Stock operations: receive goods, transfer, adjust, change a lot's status."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.lot_codes import format_code, series_key
from ..domain.numbers import quantize
from ..domain.recipes import shelf_expiry
from ..errors import BadInput, Conflict
from ..extensions import db
from ..messages import _, field_name
from ..models import LOT_STATUSES, Item, Lot, LotEvent, MovementKind, Receipt, ReceiptLine
from . import _inputs as read
from . import _purchasing as po
from ._ledger import Posting, post
from ._sequences import document_number, next_value, take_values
from ._tx import transactional
from .lot_costs import default_unit_cost
from .settings import get_setting


@dataclass
class ReceivedLot:
    code: str
    item: str
    quantity: Decimal


@dataclass
class ReceiptResult:
    number: str
    lots: list[ReceivedLot]
    purchase_orders: list[tuple[str, str]] = field(default_factory=list)  # (number, status)
    over_received: list[po.OverReceipt] = field(default_factory=list)


def new_lot_code(origin: str, on: date, sku: str) -> str:
    pattern = get_setting("lot_code_pattern")
    seq = next_value("lot:" + series_key(pattern, origin, on, sku))
    return format_code(pattern, origin, on, seq, sku)


def new_lot_codes(origin: str, on: date, skus: list[str]) -> list[str]:
    """Codes for several new lots at once, in the order of `skus`: the same codes as one
    `new_lot_code` call per lot, with one counter bump per series."""
    pattern = get_setting("lot_code_pattern")
    keys = ["lot:" + series_key(pattern, origin, on, sku) for sku in skus]
    wanted = Counter(keys)
    first = {key: take_values(key, count) for key, count in wanted.items()}
    codes = []
    for key, sku in zip(keys, skus, strict=True):
        codes.append(format_code(pattern, origin, on, first[key], sku))
        first[key] += 1
    return codes


@dataclass
class _Line:
    """A receipt line, read and checked, before anything is written."""
    position: int
    item: Item
    unit: str | None
    quantity: Decimal
    entered: Decimal
    cost: Decimal
    expiry: date | None
    supplier_lot: str | None
    po_line: po.PurchaseOrderLine | None


@transactional
def receive_goods(*, supplier, location, lines, purchase_order=None, user_id=None, note=None,
                  today: date | None = None) -> ReceiptResult:
    """One receipt: one lot per line, in the order of the lines. Against a purchase order
    (`purchase_order`, lines naming their order `line`), the order moves to partial or
    received; receiving more than ordered is allowed and reported.

    Every line is read and checked first, without writing (a refused receipt never waits
    for SQLite's write lock); then the writes go in bulk: one counter bump per lot-code
    series, the lots in one flush, the movements in one."""
    today = today or date.today()
    if not isinstance(lines, list) or not lines:
        raise BadInput(_("a receipt needs at least one line"), details={"field": "lines"})
    if len(lines) > 500:
        raise BadInput(_("a receipt has at most 500 lines"), details={"field": "lines"})
    where = read.location(location)
    order = (po.order_by_number(purchase_order, for_update=True)
             if purchase_order not in (None, "") else None)
    if order is not None:
        po.check_receivable(order)
    # Naming a new supplier writes it: after the lines are checked (no order), so that a
    # refused receipt writes nothing and, on SQLite, never waits for the write lock.
    partner = read.partner(supplier, supplier=True) if order is not None else None
    if order is not None:
        if partner is None:
            partner = order.supplier
        elif partner.id != order.supplier_id:
            raise BadInput(_("%(order)s is ordered from %(supplier)s, not %(partner)s",
                             order=order.number, supplier=order.supplier.name,
                             partner=partner.name), code="supplier_mismatch",
                           details={"field": "supplier"})
    the_note = read.text(note, "note", required=False, max_length=2000)
    orders = {order.id: order} if order is not None else {}
    checked = _read_lines(lines, order, orders)
    if order is None:
        partner = read.partner(supplier, supplier=True)

    receipt = Receipt(number=document_number("RC", today.year), supplier=partner,
                      location_id=where.id, user_id=user_id,
                      purchase_order_id=order.id if order is not None else None,
                      note=the_note)
    db.session.add(receipt)
    lots = _write_lots(receipt, checked, partner, where, today, user_id)
    received = [ReceivedLot(lot.code, line.item.sku, line.quantity)
                for lot, line in zip(lots, checked, strict=True)]
    if order is None and len(orders) == 1:
        receipt.purchase_order_id = next(iter(orders))
    over = []
    for the_order in sorted(orders.values(), key=lambda o: o.id):
        over.extend(po.refresh_status(the_order))
    result = ReceiptResult(receipt.number, received,
                           [(o.number, o.status) for o in sorted(orders.values(),
                                                                 key=lambda o: o.id)], over)
    return result


def _write_lots(receipt: Receipt, checked: list[_Line], partner, where, today: date,
                user_id) -> list[Lot]:
    """The receipt's lots, lines and movements, in bulk: one counter bump per lot-code
    series, the lots in one flush, the movements in one."""
    codes = new_lot_codes("receipt", today, [line.item.sku for line in checked])
    lots = [Lot(code=code, item=line.item, origin="receipt", supplier=partner, lot_date=today,
                expiry=line.expiry or shelf_expiry(today, line.item.shelf_life_days),
                unit_cost=line.cost, supplier_lot=line.supplier_lot,
                status="quarantine" if line.item.requires_qc else "released", receipt=receipt)
            for code, line in zip(codes, checked, strict=True)]
    db.session.add_all(lots)
    db.session.flush()  # the lots' ids, in the order of the lines
    db.session.add_all([
        ReceiptLine(receipt=receipt, position=line.position, lot_id=lot.id,
                    quantity=line.quantity, entered_unit=line.unit or line.item.unit,
                    entered_quantity=line.entered, unit_cost=line.cost,
                    po_line_id=line.po_line.id if line.po_line is not None else None)
        for lot, line in zip(lots, checked, strict=True)])
    post([Posting(lot, where.id, line.quantity, MovementKind.RECEIPT, receipt.number)
          for lot, line in zip(lots, checked, strict=True)], user_id)
    return lots


def _read_lines(lines: list, order, orders: dict) -> list[_Line]:
    """Each line read and checked, in order (the first bad line is the one refused).
    Items are looked up once per SKU."""
    skus = {line.get("item") for line in lines
            if isinstance(line, dict) and isinstance(line.get("item"), str)}
    known = {item.sku: item for item in db.session.execute(
        select(Item).options(selectinload(Item.pack_units))
        .where(Item.sku.in_(skus))).scalars()} if skus else {}
    checked = []
    for position, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            raise BadInput(_("line %(line)s must be an object", line=position),
                           details={"line": position})
        field = f"lines[{position - 1}]"
        po_line = po.referenced_line(order, line, field)
        if line.get("item") in (None, "") and po_line is not None:
            item = po_line.item
        else:
            sku = line.get("item")
            item = known.get(sku) if isinstance(sku, str) else None
            if item is None:
                item = read.item(sku)
        if po_line is not None and po_line.item_id != item.id:
            raise BadInput(_("%(field)s: line %(line)s of %(order)s is %(ordered)s, not %(sku)s",
                             field=field_name(field), line=po_line.position,
                             order=po_line.order.number, ordered=po_line.item.sku,
                             sku=item.sku), code="po_line_mismatch",
                           details={"line": position})
        if po_line is None and order is not None:
            po_line = po.match_by_item(order, item, field)
        if po_line is not None and po_line.order_id not in orders:
            the_order = po.order_by_number(po_line.order.number, for_update=True)
            po.check_receivable(the_order)
            orders[the_order.id] = the_order
        if item.archived:
            raise BadInput(_("%(field)s: item %(sku)s is archived", field=field_name(field),
                             sku=item.sku), details={"line": position})
        unit = read.text(line.get("unit"), f"{field}.unit", required=False, max_length=20)
        quantity = read.base_quantity(item, line.get("quantity"), unit, f"{field}.quantity")
        if line.get("unit_cost") in (None, ""):
            # the ordered price, else the last purchase price or standard cost (per base unit)
            cost = (po_line.unit_price if po_line is not None and po_line.unit_price > 0
                    else default_unit_cost(item))
        else:
            cost = read.cost_per_base(item, read.unit_cost(line.get("unit_cost"),
                                                           f"{field}.unit_cost"), unit)
        expiry = read.iso_date(line.get("expiry"), f"{field}.expiry")
        supplier_lot = read.text(line.get("supplier_lot"), f"{field}.supplier_lot",
                                 required=False, max_length=60)
        entered = quantize(read.number(line.get("quantity"), f"{field}.quantity"))
        checked.append(_Line(position, item, unit, quantity, entered, cost, expiry,
                             supplier_lot, po_line))
    return checked


@transactional
def transfer_stock(*, lot, source, destination, quantity, unit=None, user_id=None) -> Lot:
    the_lot = read.lot_with_item(lot)
    src = read.location(source)
    dst = read.location(destination)
    if src.id == dst.id:
        raise BadInput(_("source and destination are the same location"), code="same_location")
    amount = read.base_quantity(the_lot.item, quantity, unit)
    document = document_number("TR", date.today().year)
    post([Posting(the_lot, src.id, -amount, MovementKind.TRANSFER_OUT, document),
          Posting(the_lot, dst.id, amount, MovementKind.TRANSFER_IN, document)], user_id)
    return the_lot


@transactional
def adjust_stock(*, lot, location, quantity, reason, unit=None, user_id=None,
                 kind: int = MovementKind.ADJUSTMENT) -> Lot:
    """A signed correction with a reason; refused if it would leave less than nothing."""
    the_lot = read.lot(lot)
    where = read.location(location)
    why = read.text(reason, "reason", max_length=500)
    amount = read.base_quantity(the_lot.item, quantity, unit, signed=True)
    post([Posting(the_lot, where.id, amount, kind, None, why)], user_id)
    return the_lot


@transactional
def change_lot_status(*, lot, status, reason, user_id=None) -> Lot:
    if status not in LOT_STATUSES:
        raise BadInput(_("status must be one of %(statuses)s", statuses=", ".join(LOT_STATUSES)),
                       details={"field": "status"})
    why = read.text(reason, "reason", max_length=500)
    the_lot = read.lot(lot, for_update=True)
    if the_lot.status == status:
        already = {
            "released": _("lot %(lot)s is already released", lot=the_lot.code),
            "quarantine": _("lot %(lot)s is already quarantine", lot=the_lot.code),
            "blocked": _("lot %(lot)s is already blocked", lot=the_lot.code),
        }
        message = already.get(status) or _("lot %(lot)s is already %(status)s",
                                            lot=the_lot.code, status=status)
        raise Conflict(message, code="no_change")
    db.session.add(LotEvent(lot_id=the_lot.id, kind="status", old_value=the_lot.status,
                            new_value=status, reason=why, user_id=user_id))
    the_lot.status = status
    return the_lot

