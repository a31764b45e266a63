"""Purchase orders: draft → ordered → partial → received, or cancelled while
open. Receipts against an order go through stock.receive_goods (`purchase_order`, and
per line its `line`). What is ordered and not yet received counts as on order in
availability and reorder suggestions (queries.on_order_by_item)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ..domain.numbers import quantize
from ..errors import BadInput, InvalidTransition
from ..extensions import db
from ..messages import N_, _, field_name
from ..models import PO_STATUSES, Item, Partner, PurchaseOrder, PurchaseOrderLine
from ..models.types import utcnow
from . import _inputs as read
from . import _purchasing as po
from . import production_costs as pcost
from ._sequences import document_number
from ._tx import transactional
from .alerts import low_stock
from .queries import Page, newest_first, paging, statuses

ZERO = Decimal(0)
MAX_LINES = 500


@dataclass
class LineProgress:
    line: PurchaseOrderLine
    received: Decimal

    @property
    def open(self) -> Decimal:
        return max(self.line.quantity - self.received, ZERO)

    @property
    def over(self) -> Decimal:
        return max(self.received - self.line.quantity, ZERO)

    @property
    def value(self) -> Decimal:
        return self.line.quantity * self.line.unit_price


@dataclass
class FromAlerts:
    orders: list[PurchaseOrder]
    no_supplier: list  # [alerts.LowStock] of items without a default supplier


# ---------------------------------------------------------------- reading

def get_purchase_order(number) -> PurchaseOrder:
    return po.order_by_number(number)


def list_purchase_orders(*, status=None, supplier=None, page=1, per_page=50) -> Page:
    page, per_page = paging(page, per_page)
    query = select(PurchaseOrder)
    if status:
        query = query.where(PurchaseOrder.status.in_(statuses(status, PO_STATUSES,
                                                              with_field=True)))
    if supplier:
        query = query.join(Partner, Partner.id == PurchaseOrder.supplier_id).where(
            func.lower(Partner.name) == str(supplier).strip().lower())
    return newest_first(query, PurchaseOrder, page, per_page)


def progress(order: PurchaseOrder) -> list[LineProgress]:
    got = po.received_by_line(ln.id for ln in order.lines)
    return [LineProgress(ln, got.get(ln.id, ZERO)) for ln in order.lines]


def order_total(order: PurchaseOrder) -> Decimal:
    return sum((ln.quantity * ln.unit_price for ln in order.lines), ZERO)


def receivable_orders() -> list[PurchaseOrder]:
    """Orders goods may arrive against, oldest first (the receive page offers them)."""
    return list(db.session.execute(
        select(PurchaseOrder).where(PurchaseOrder.status.in_(po.OPEN))
        .order_by(PurchaseOrder.created_at, PurchaseOrder.id)).scalars())


# ---------------------------------------------------------------- changing

# Refusals by the order's status, one whole sentence each (None: a status not listed).
NOT_EDITABLE = {
    "ordered": N_("%(number)s is ordered: only a draft can be edited"),
    "partial": N_("%(number)s is partial: only a draft can be edited"),
    "received": N_("%(number)s is received: only a draft can be edited"),
    "cancelled": N_("%(number)s is cancelled: only a draft can be edited"),
    None: N_("%(number)s is %(status)s: only a draft can be edited"),
}
NOT_ORDERABLE = {
    "ordered": N_("%(number)s is ordered: only a draft can be ordered"),
    "partial": N_("%(number)s is partial: only a draft can be ordered"),
    "received": N_("%(number)s is received: only a draft can be ordered"),
    "cancelled": N_("%(number)s is cancelled: only a draft can be ordered"),
    None: N_("%(number)s is %(status)s: only a draft can be ordered"),
}
NOT_CANCELLABLE = {
    "received": N_("%(number)s is received: it cannot be cancelled"),
    "cancelled": N_("%(number)s is cancelled: it cannot be cancelled"),
    None: N_("%(number)s is %(status)s: it cannot be cancelled"),
}


def _refusal(order: PurchaseOrder, sentences: dict) -> str:
    return _(sentences.get(order.status, sentences[None]), number=order.number,
             status=order.status)


def _lines(order: PurchaseOrder, lines, default_expected: date | None) -> None:
    entries = read.object_list(lines, "lines", required=True, limit=MAX_LINES)
    if not entries:
        raise BadInput(_("a purchase order needs at least one line"),
                       details={"field": "lines"})
    order.lines.clear()
    db.session.flush()
    for position, entry in enumerate(entries, start=1):
        field = f"lines[{position - 1}]"
        item = read.item(entry.get("item"))
        if item.archived:
            raise BadInput(_("%(field)s: item %(sku)s is archived", field=field_name(field),
                             sku=item.sku), details={"line": position})
        unit = read.text(entry.get("unit"), f"{field}.unit", required=False, max_length=20)
        quantity = read.base_quantity(item, entry.get("quantity"), unit, f"{field}.quantity")
        raw_price = entry.get("price", entry.get("unit_price"))
        price = read.cost_per_base(item, read.unit_cost(raw_price, f"{field}.price"), unit)
        expected = read.iso_date(entry.get("expected_date"), f"{field}.expected_date")
        order.lines.append(PurchaseOrderLine(
            position=position, item=item, quantity=quantity,
            entered_quantity=quantize(read.number(entry.get("quantity"), f"{field}.quantity")),
            entered_unit=unit or item.unit, unit_price=price,
            expected_date=expected or default_expected))


def _supplier(value) -> Partner:
    partner = read.partner(value, supplier=True)
    if partner is None:
        raise BadInput(_("supplier is required"), details={"field": "supplier"})
    return partner


@transactional
def create_purchase_order(*, supplier, lines, expected_date=None, note=None, user_id=None,
                          today: date | None = None) -> PurchaseOrder:
    """A draft: lines of item, quantity (any unit the item knows), price per that unit and
    expected date. Nothing is on order until it is marked ordered."""
    today = today or date.today()
    expected = read.iso_date(expected_date, "expected_date")
    order = PurchaseOrder(number=document_number("PO", today.year), supplier=_supplier(supplier),
                          status="draft", expected_date=expected, user_id=user_id,
                          note=read.text(note, "note", required=False, max_length=2000))
    db.session.add(order)
    _lines(order, lines, expected)
    db.session.flush()
    return order


@transactional
def update_purchase_order(*, number, supplier, lines, expected_date=None,
                          note=None) -> PurchaseOrder:
    """A draft is edited in place (its lines replaced); an order sent is not."""
    order = po.order_by_number(number, for_update=True)
    if order.status != "draft":
        raise InvalidTransition(_refusal(order, NOT_EDITABLE),
                                details={"purchase_order": order.number})
    expected = read.iso_date(expected_date, "expected_date")
    order.supplier = _supplier(supplier)
    order.expected_date = expected
    order.note = read.text(note, "note", required=False, max_length=2000)
    _lines(order, lines, expected)
    db.session.flush()
    return order


@transactional
def mark_ordered(*, number) -> PurchaseOrder:
    order = po.order_by_number(number, for_update=True)
    if order.status != "draft":
        raise InvalidTransition(_refusal(order, NOT_ORDERABLE),
                                details={"purchase_order": order.number,
                                         "status": order.status})
    order.status, order.ordered_at = "ordered", utcnow()
    db.session.flush()
    return order


@transactional
def cancel_purchase_order(*, number, reason=None) -> PurchaseOrder:
    """A draft or an open order; what was received stays received, the rest is no longer
    on order."""
    order = po.order_by_number(number, for_update=True)
    if order.status not in ("draft", *po.OPEN):
        raise InvalidTransition(_refusal(order, NOT_CANCELLABLE),
                                details={"purchase_order": order.number,
                                         "status": order.status})
    why = read.text(reason, "reason", required=False, max_length=500)
    order.status = "cancelled"
    if why:
        order.note = (f"{order.note}\n" if order.note else "") + f"cancelled: {why}"
    db.session.flush()
    return order


@transactional
def draft_from_alerts(*, items=None, user_id=None, today: date | None = None) -> FromAlerts:
    """One draft order per default supplier for the items low on stock (all of them, or
    the SKUs given), at the suggested quantity and the item's latest lot cost. Items
    without a default supplier are returned for a person to choose one."""
    today = today or date.today()
    wanted = None
    if items not in (None, "", []):
        if not isinstance(items, list):
            raise BadInput(_("items must be a list of SKUs"), details={"field": "items"})
        wanted = {read.item(sku).id for sku in items}
    lows = [low for low in low_stock(today) if wanted is None or low.item.id in wanted]
    if not lows:
        raise BadInput(_("no item is low on stock"), code="nothing_to_order")
    costs = pcost.latest_unit_costs(low.item.id for low in lows)
    groups: dict[int, list] = {}
    no_supplier = []
    for low in lows:
        if low.item.default_supplier_id is None:
            no_supplier.append(low)
        else:
            groups.setdefault(low.item.default_supplier_id, []).append(low)
    orders = []
    for supplier_id in sorted(groups):
        supplier = db.session.get(Partner, supplier_id)
        order = PurchaseOrder(number=document_number("PO", today.year), supplier=supplier,
                              status="draft", user_id=user_id,
                              note="from low stock alerts")
        db.session.add(order)
        for position, low in enumerate(groups[supplier_id], start=1):
            order.lines.append(PurchaseOrderLine(
                position=position, item=low.item, quantity=low.suggested,
                entered_quantity=low.suggested, entered_unit=low.item.unit,
                unit_price=costs.get(low.item.id, ZERO)))
        orders.append(order)
    db.session.flush()
    return FromAlerts(orders, no_supplier)


def item_choices() -> list[Item]:
    return list(db.session.execute(
        select(Item).where(Item.archived.is_(False)).order_by(Item.kind, Item.sku)).scalars())
