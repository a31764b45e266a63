"""Private helpers shared by the purchasing service and receipts. Never commits.

A receipt line may fulfil a purchase order line: named by its position in the order
(`line`, with the order given for the whole receipt) or by its id (`po_line`). Without
either, a line of a receipt against an order is matched by item when the order has
exactly one line of that item; otherwise it is an extra, received without a link.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from ..domain.numbers import to_str
from ..errors import BadInput, InvalidTransition, NotFound
from ..extensions import db
from ..messages import N_, _, field_name
from ..models import Item, PurchaseOrder, PurchaseOrderLine, ReceiptLine
from . import _inputs as read

ZERO = Decimal(0)
RECEIVABLE = ("ordered", "partial", "received")
OPEN = ("ordered", "partial")


@dataclass
class OverReceipt:
    order: str
    line: int
    item: str
    ordered: Decimal
    received: Decimal

    def as_dict(self) -> dict:
        return {"purchase_order": self.order, "line": self.line, "item": self.item,
                "ordered": to_str(self.ordered), "received": to_str(self.received)}


def order_by_number(number, *, for_update: bool = False) -> PurchaseOrder:
    return read.fetch(PurchaseOrder.number, number, "purchase_order",
                      N_("no purchase order '%(number)s'"), "unknown_purchase_order",
                      for_update=for_update, with_field=True)


def check_receivable(order: PurchaseOrder) -> None:
    if order.status == "draft":
        raise InvalidTransition(_("%(number)s is a draft: mark it ordered before receiving "
                                  "against it", number=order.number),
                                details={"purchase_order": order.number,
                                         "status": order.status})
    if order.status not in RECEIVABLE:
        message = (_("%(number)s is cancelled: nothing can be received against it",
                     number=order.number) if order.status == "cancelled" else
                   _("%(number)s is %(status)s: nothing can be received against it",
                     number=order.number, status=order.status))
        raise InvalidTransition(message, details={"purchase_order": order.number,
                                                  "status": order.status})


def received_by_line(line_ids) -> dict[int, Decimal]:
    ids = list(set(line_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(ReceiptLine.po_line_id, func.sum(ReceiptLine.quantity))
        .where(ReceiptLine.po_line_id.in_(ids)).group_by(ReceiptLine.po_line_id)).all()
    return {line_id: _dec(total) for line_id, total in rows}


def _dec(value) -> Decimal:
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(value)


def referenced_line(order: PurchaseOrder | None, entry: dict, field: str
                    ) -> PurchaseOrderLine | None:
    """The order line a receipt line names explicitly (`line` position or `po_line` id)."""
    position = entry.get("line")
    line_id = entry.get("po_line")
    if position not in (None, ""):
        if order is None:
            raise BadInput(_("%(field)s needs the receipt's purchase_order",
                             field=field_name(f"{field}.line")),
                           details={"field": f"{field}.line"})
        number = _whole(position, f"{field}.line")
        found = next((ln for ln in order.lines if ln.position == number), None)
        if found is None:
            raise NotFound(_("%(order)s has no line %(line)s", order=order.number, line=number),
                           code="unknown_po_line",
                           details={"field": f"{field}.line"})
        return found
    if line_id not in (None, ""):
        found = db.session.get(PurchaseOrderLine, _whole(line_id, f"{field}.po_line"))
        if found is None or (order is not None and found.order_id != order.id):
            path = field_name(f"{field}.po_line")
            raise NotFound(_("%(field)s: no such line", field=path) if order is None else
                           _("%(field)s: no such line in %(order)s", field=path,
                             order=order.number),
                           code="unknown_po_line", details={"field": f"{field}.po_line"})
        return found
    return None


def match_by_item(order: PurchaseOrder, item: Item, field: str) -> PurchaseOrderLine | None:
    same = [ln for ln in order.lines if ln.item_id == item.id]
    if len(same) > 1:
        raise BadInput(_("%(field)s: %(order)s has %(count)s lines of %(sku)s; say which with "
                         "`line`", field=field_name(field), order=order.number,
                         count=len(same), sku=item.sku), code="ambiguous_po_line",
                       details={"field": f"{field}.line"})
    return same[0] if same else None


def _whole(value, field: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise BadInput(_("%(field)s must be a whole number", field=field_name(field)),
                       details={"field": field}) from None
    if number < 1:
        raise BadInput(_("%(field)s must be at least 1", field=field_name(field)),
                       details={"field": field})
    return number


def refresh_status(order: PurchaseOrder) -> list[OverReceipt]:
    """After receipts were flushed: ordered → partial → received; over-receipts listed."""
    got = received_by_line(ln.id for ln in order.lines)
    over = [OverReceipt(order.number, ln.position, ln.item.sku, ln.quantity, got[ln.id])
            for ln in order.lines if got.get(ln.id, ZERO) > ln.quantity]
    if order.status in OPEN:
        if all(got.get(ln.id, ZERO) >= ln.quantity for ln in order.lines):
            order.status = "received"
        elif any(got.get(ln.id, ZERO) > 0 for ln in order.lines):
            order.status = "partial"
    return over
