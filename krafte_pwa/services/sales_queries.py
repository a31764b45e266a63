"""Read-only questions about sales orders: lists, one order with what each line holds
and misses, the orders to pack, and what a scanned lot means for an order."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.orm import selectinload

from ..errors import BadInput, LotNotUsable
from ..extensions import db
from ..messages import _
from ..models import (
    OPEN_SALES_STATUSES,
    SALES_ORDER_STATUSES,
    Item,
    Lot,
    SalesOrder,
    SalesOrderLine,
    SalesReservation,
    Shipment,
)
from . import _inputs as read
from . import _sales_inputs as given
from . import _sales_stock as held
from . import availability as avail
from . import scan
from .lot_usability import check_usable
from .queries import Page, paging

ZERO = Decimal(0)


@dataclass
class LineFigures:
    line: SalesOrderLine
    reserved: Decimal
    missing: Decimal
    reservations: list  # [SalesReservation]


def list_sales_orders(*, status=None, channel=None, customer=None, page=1,
                      per_page=50) -> Page:
    page, per_page = paging(page, per_page)
    query = select(SalesOrder)
    if status not in (None, ""):
        if status not in SALES_ORDER_STATUSES and status != "open":
            raise BadInput(_("status must be one of %(choices)s",
                             choices=", ".join((*SALES_ORDER_STATUSES, "open"))),
                           details={"field": "status"})
        query = query.where(SalesOrder.status.in_(
            OPEN_SALES_STATUSES if status == "open" else (status,)))
    if channel not in (None, ""):
        query = query.where(SalesOrder.channel == read.text(channel, "channel", max_length=60))
    if customer not in (None, ""):
        name = read.text(customer, "customer", max_length=120).lower()
        query = query.where(func.lower(SalesOrder.customer).contains(name, autoescape=True))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.order_by(SalesOrder.created_at.desc(), SalesOrder.id.desc())
        .options(selectinload(SalesOrder.lines).selectinload(SalesOrderLine.item),
                 selectinload(SalesOrder.lines).selectinload(SalesOrderLine.reservations)
                 .selectinload(SalesReservation.lot),
                 selectinload(SalesOrder.lines).selectinload(SalesOrderLine.reservations)
                 .selectinload(SalesReservation.location))
        .limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return Page(rows, total, page, per_page)


def get_sales_order(number) -> SalesOrder:
    order = given.order(number)
    db.session.execute(select(SalesOrderLine).where(SalesOrderLine.order_id == order.id)
                       .options(selectinload(SalesOrderLine.reservations)
                                .selectinload(SalesReservation.lot))).all()
    return order


def line_figures(order: SalesOrder) -> list[LineFigures]:
    result = []
    for line in order.lines:
        open_ = order.status in ("confirmed", "partial")
        reserved = held.line_reserved(line)
        missing = held.line_missing(line) if open_ else ZERO
        result.append(LineFigures(line, reserved, missing, list(line.reservations)))
    return result


def orderable_items() -> list[Item]:
    """Items an order form offers: products first, archived items left out."""
    rows = db.session.execute(select(Item).where(Item.archived.is_(False))
                              .order_by(Item.sku)).scalars().all()
    return sorted(rows, key=lambda i: i.kind != "product")


def channels_in_use() -> list[str]:
    return list(db.session.execute(
        select(SalesOrder.channel).distinct().order_by(SalesOrder.channel)).scalars())


@lru_cache(maxsize=1)
def _to_pack_statement():
    """The orders to pack, oldest first (bind parameter limit), each with how many there
    are: built once, as every home page runs it."""
    where = SalesOrder.status.in_(("confirmed", "partial"))
    count = select(func.count(SalesOrder.id)).where(where).scalar_subquery()
    return (select(SalesOrder, count).where(where)
            .order_by(SalesOrder.created_at, SalesOrder.id)
            .limit(bindparam("limit", type_=Integer())))


def orders_to_pack(limit: int = 20) -> tuple[int, list[SalesOrder]]:
    """How many orders are confirmed or partly shipped, and the `limit` oldest of them: the
    packer's list. One statement (the count rides along each row; no row, no order)."""
    rows = db.session.execute(_to_pack_statement(), {"limit": limit}).all()
    return (rows[0][1] if rows else 0), [order for order, _count in rows]


def orders_on_hold(limit: int = 50) -> list[SalesOrder]:
    return list(db.session.execute(
        select(SalesOrder).where(SalesOrder.status == "on_hold")
        .order_by(SalesOrder.created_at, SalesOrder.id).limit(limit)).scalars())


@dataclass
class PickCheck:
    lot: Lot
    line: SalesOrderLine
    reserved: Decimal  # what the line holds of this lot
    suggested: Decimal  # the quantity to pack from it
    warning: str | None


def check_pick(number, lot_code, packed=None, today: date | None = None) -> PickCheck:
    """What a lot scanned at the packing table means for the order: the reserved lot, or
    another usable lot (accepted with a warning); expired, blocked and quarantined lots,
    lots of products not on the order and lines already packed are refused. `packed`:
    {lot code: quantity} already on the packing list."""
    today = today or date.today()
    order = get_sales_order(number)
    lot = _scanned_lot(lot_code)
    check_usable(lot, today, action="ship")
    lines = [line for line in order.lines if line.item_id == lot.item_id]
    if not lines:
        raise BadInput(_("lot %(lot)s is %(sku)s, which this order does not ask for",
                         lot=lot.code, sku=lot.item.sku), code="not_on_order")
    packed = _packed(packed)
    already = sum((q for code, q in packed.items()
                   if _item_of(code) == lot.item_id), ZERO)
    left = sum((held.line_open(line) for line in lines), ZERO) - already
    if left <= 0:
        raise BadInput(_("%(sku)s is already packed in full", sku=lot.item.sku),
                       code="already_packed")
    line = lines[0]
    mine = sum((r.quantity for ln in lines for r in ln.reservations if r.lot_id == lot.id),
               ZERO)
    free = _lot_free(lot)
    suggested = min(left, free + mine - packed.get(lot.code, ZERO))
    if suggested <= 0:
        raise LotNotUsable(_("lot %(lot)s has no stock free for this order", lot=lot.code),
                           code="lot_held_elsewhere")
    warning = None
    if mine <= 0:
        warning = _("lot %(lot)s is not the reserved lot: it will be shipped instead",
                    lot=lot.code)
    return PickCheck(lot, line, mine, suggested, warning)


def _packed(value) -> dict[str, Decimal]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict) or len(value) > 200:
        raise BadInput(_("packed must be an object of lot codes and quantities"),
                       details={"field": "packed"})
    return {str(code): read.number(q, "packed", allow_zero=True) for code, q in value.items()}


def _scanned_lot(payload) -> Lot:
    """A lot code as typed, or whatever its label carries (its URL)."""
    found = scan.resolve(payload)
    if found.kind != "lot":
        raise BadInput(_("'%(code)s' is not a lot: scan the lot's label", code=found.code),
                       code="not_a_lot")
    return read.lot(found.code)


def _item_of(code) -> int | None:
    return db.session.execute(select(Lot.item_id).where(Lot.code == str(code))).scalar()


def _lot_free(lot: Lot) -> Decimal:
    """Stock of the lot in storage that no sales order holds."""
    holds = held.lot_held(lot.id)
    return sum((max(have - holds.get(location.id, ZERO), ZERO)
                for location, have in avail.lot_storage_balances(lot.id)), ZERO)


def order_shipments(order: SalesOrder) -> list[Shipment]:
    return list(db.session.execute(
        select(Shipment).where(Shipment.sales_order_id == order.id)
        .order_by(Shipment.id)).scalars())
