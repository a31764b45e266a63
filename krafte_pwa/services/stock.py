"""Stock operations: receive goods, transfer, adjust, change a lot's status."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..domain.lot_codes import format_code, series_key
from ..domain.numbers import quantize
from ..errors import BadInput, Conflict
from ..extensions import db
from ..messages import _, field_name
from ..models import LOT_STATUSES, Lot, LotEvent, MovementKind, Receipt, ReceiptLine
from . import _inputs as read
from . import _purchasing as po
from ._ledger import Posting, post
from ._sequences import document_number, next_value
from ._tx import commit
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


def receive_goods(*, supplier, location, lines, purchase_order=None, user_id=None, note=None,
                  today: date | None = None) -> ReceiptResult:
    """One receipt: one lot per line, in the order of the lines. Against a purchase order
    (`purchase_order`, lines naming their order `line`), the order moves to partial or
    received; receiving more than ordered is allowed and reported."""
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
    partner = read.partner(supplier, supplier=True)
    if order is not None:
        if partner is None:
            partner = order.supplier
        elif partner.id != order.supplier_id:
            raise BadInput(_("%(order)s is ordered from %(supplier)s, not %(partner)s",
                             order=order.number, supplier=order.supplier.name,
                             partner=partner.name), code="supplier_mismatch",
                           details={"field": "supplier"})
    receipt = Receipt(number=document_number("RC", today.year), supplier=partner,
                      location_id=where.id, user_id=user_id,
                      purchase_order_id=order.id if order is not None else None,
                      note=read.text(note, "note", required=False, max_length=2000))
    db.session.add(receipt)
    postings, received, orders = [], [], {}
    if order is not None:
        orders[order.id] = order
    for position, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            raise BadInput(_("line %(line)s must be an object", line=position),
                           details={"line": position})
        field = f"lines[{position - 1}]"
        po_line = po.referenced_line(order, line, field)
        if line.get("item") in (None, "") and po_line is not None:
            item = po_line.item
        else:
            item = read.item(line.get("item"))
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
        lot = Lot(code=new_lot_code("receipt", today, item.sku), item=item, origin="receipt",
                  supplier=partner, lot_date=today, expiry=expiry, unit_cost=cost,
                  supplier_lot=read.text(line.get("supplier_lot"), f"{field}.supplier_lot",
                                         required=False, max_length=60),
                  status="quarantine" if item.requires_qc else "released", receipt=receipt)
        db.session.add(lot)
        db.session.flush()
        db.session.add(ReceiptLine(receipt=receipt, position=position, lot_id=lot.id,
                                   quantity=quantity, entered_unit=unit or item.unit,
                                   entered_quantity=quantize(read.number(
                                       line.get("quantity"), f"{field}.quantity")),
                                   unit_cost=cost,
                                   po_line_id=po_line.id if po_line is not None else None))
        postings.append(Posting(lot, where.id, quantity, MovementKind.RECEIPT, receipt.number))
        received.append(ReceivedLot(lot.code, item.sku, quantity))
    post(postings, user_id)
    if order is None and len(orders) == 1:
        receipt.purchase_order_id = next(iter(orders))
    over = []
    for the_order in sorted(orders.values(), key=lambda o: o.id):
        over.extend(po.refresh_status(the_order))
    result = ReceiptResult(receipt.number, received,
                           [(o.number, o.status) for o in sorted(orders.values(),
                                                                 key=lambda o: o.id)], over)
    commit()
    return result


def transfer_stock(*, lot, source, destination, quantity, unit=None, user_id=None) -> Lot:
    the_lot = read.lot(lot)
    src = read.location(source)
    dst = read.location(destination)
    if src.id == dst.id:
        raise BadInput(_("source and destination are the same location"), code="same_location")
    amount = read.base_quantity(the_lot.item, quantity, unit)
    document = document_number("TR", date.today().year)
    post([Posting(the_lot, src.id, -amount, MovementKind.TRANSFER_OUT, document),
          Posting(the_lot, dst.id, amount, MovementKind.TRANSFER_IN, document)], user_id)
    commit()
    return the_lot


def adjust_stock(*, lot, location, quantity, reason, unit=None, user_id=None,
                 kind: int = MovementKind.ADJUSTMENT) -> Lot:
    """A signed correction with a reason; refused if it would leave less than nothing."""
    the_lot = read.lot(lot)
    where = read.location(location)
    why = read.text(reason, "reason", max_length=500)
    amount = read.base_quantity(the_lot.item, quantity, unit, signed=True)
    post([Posting(the_lot, where.id, amount, kind, None, why)], user_id)
    commit()
    return the_lot


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
    commit()
    return the_lot

