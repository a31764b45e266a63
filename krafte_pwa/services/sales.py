"""Sales orders: create (confirmed with FEFO reservations, or on hold for an unknown SKU),
update, cancel (releases what it holds), ship (a shipment: lots per customer, cost of goods
sold), and plan the production of what is missing. Each call is one transaction, or part
of the caller's when called inside one (a channel's webhook).
"""

from datetime import date
from decimal import Decimal

from ..errors import Conflict, InvalidTransition
from ..extensions import db
from ..messages import _
from ..models import OPEN_SALES_STATUSES, SalesOrder, SalesOrderLine, Shipment
from ..models.types import utcnow
from . import _inputs as read
from . import _locks as locks
from . import _sales_inputs as given
from . import _sales_stock as held
from . import production, recipe_book, recipes
from ._sales_shipping import ship_lines
from ._sequences import document_number
from ._tx import transactional

ZERO = Decimal(0)
_KEEP = object()  # update: a field left out keeps its value


@transactional
def create_sales_order(*, customer, email=None, reference=None, lines, channel="manual",
                       channel_order_id=None, note=None, user_id=None,
                       today: date | None = None) -> SalesOrder:
    """Confirmed with its available stock reserved by FEFO; on hold when a line names a
    SKU this workshop does not know (the order is kept and the alerts say why)."""
    today = today or date.today()
    order = SalesOrder(
        number=document_number("SO", today.year), customer=given.customer(customer),
        email=given.email(email),
        reference=read.text(reference, "reference", required=False, max_length=60),
        channel=read.text(channel, "channel", max_length=60),
        channel_order_id=read.text(channel_order_id, "channel_order_id", required=False,
                                   max_length=100),
        note=read.text(note, "note", required=False, max_length=2000), user_id=user_id)
    _set_lines(order, given.lines(lines))
    db.session.add(order)
    db.session.flush()
    _settle(order, today)
    return order


@transactional
def update_sales_order(order, *, customer=_KEEP, email=_KEEP, reference=_KEEP, lines=_KEEP,
                       note=_KEEP, user_id=None, today: date | None = None) -> SalesOrder:
    """Change an open order; new lines replace the old ones (refused once something has
    shipped) and the stock is reserved again."""
    today = today or date.today()
    order = given.order(order, for_update=True)
    if order.status not in OPEN_SALES_STATUSES:
        raise _bad_transition(order, "update")
    if customer is not _KEEP:
        order.customer = given.customer(customer)
    if email is not _KEEP:
        order.email = given.email(email)
    if reference is not _KEEP:
        order.reference = read.text(reference, "reference", required=False, max_length=60)
    if note is not _KEEP:
        order.note = read.text(note, "note", required=False, max_length=2000)
    if lines is not _KEEP:
        if any(line.shipped > 0 for line in order.lines):
            raise Conflict(_("%(number)s has started shipping: its lines cannot be replaced",
                             number=order.number), code="sales_order_shipping")
        new_lines = given.lines(lines)
        for line in list(order.lines):
            held.release(line)
        order.lines.clear()
        db.session.flush()
        _set_lines(order, new_lines)
    order.updated_at = utcnow()
    db.session.flush()
    _settle(order, today)
    return order


@transactional
def cancel_sales_order(number, user_id=None) -> SalesOrder:
    """Releases every reservation. Cancelling a cancelled order changes nothing; what has
    already shipped stays shipped."""
    order = given.order(number, for_update=True)
    if order.status == "cancelled":
        return order
    if order.status == "shipped":
        raise _bad_transition(order, "cancel")
    for line in order.lines:
        held.release(line)
    order.status = "cancelled"
    order.cancelled_at = order.updated_at = utcnow()
    db.session.flush()
    return order


@transactional
def ship_sales_order(number, lines=None, user_id=None, today: date | None = None) -> Shipment:
    """Ship `lines` [{item, quantity, lot?}] of the order, or (no lines) all it holds.
    A lot other than the reserved one is taken if usable and not held for another
    order; expired, blocked and quarantined lots are refused."""
    today = today or date.today()
    order = given.order(number, for_update=True)
    if order.status == "on_hold":
        raise Conflict(_("%(number)s is on hold: %(reason)s", number=order.number,
                         reason=order.hold_reason or ""), code="sales_order_on_hold")
    if order.status not in ("confirmed", "partial"):
        raise _bad_transition(order, "ship")
    locks.lock_items(line.item_id for line in order.lines)
    shipment = ship_lines(order, lines, user_id, today)
    done = all(line.shipped >= line.quantity for line in order.lines)
    order.status = "shipped" if done else "partial"
    order.updated_at = utcnow()
    if done:
        order.shipped_at = order.updated_at
    db.session.flush()
    return shipment


@transactional
def reserve_sales_order(number, today: date | None = None) -> SalesOrder:
    """Reserve again what an open order still misses (after a production, a receipt)."""
    today = today or date.today()
    order = given.order(number, for_update=True)
    if order.status not in ("confirmed", "partial"):
        raise _bad_transition(order, "reserve")
    _settle(order, today)
    return order


def _set_lines(order: SalesOrder, lines: list[given.OrderedLine]) -> None:
    for position, line in enumerate(lines, start=1):
        order.lines.append(SalesOrderLine(position=position, item=line.item, sku=line.sku,
                                          quantity=line.quantity, unit_price=line.unit_price,
                                          shipped=ZERO, planned=ZERO))


def _settle(order: SalesOrder, today: date) -> None:
    """On hold while a line names an unknown SKU; otherwise confirmed (or partial) with
    every line's missing quantity reserved where stock is free."""
    unknown = [line.sku for line in order.lines if line.item_id is None]
    if unknown:
        order.status = "on_hold"
        order.hold_reason = _("unknown SKU: %(skus)s", skus=", ".join(unknown))
        db.session.flush()
        return
    order.hold_reason = None
    if order.status == "on_hold":
        order.status = "confirmed"
    items = [line.item_id for line in order.lines]
    locks.lock_items(items)
    for line in order.lines:
        held.prune(line, today)
    free = held.available(items, today)
    for line in order.lines:
        held.reserve(line, today, free)
    db.session.flush()


def _bad_transition(order: SalesOrder, action: str) -> InvalidTransition:
    return InvalidTransition(
        _("sales order %(number)s is %(status)s", number=order.number, status=order.status),
        details={"order": order.number, "status": order.status, "action": action})


@transactional
def make_for_sales_order(number, user_id=None, today: date | None = None) -> list:
    """Plan production orders for what the order misses and nothing has been planned for:
    the intermediates first (deepest level first), then the product. Lines whose item
    has no recipe are left to buy."""
    today = today or date.today()
    order = given.order(number, for_update=True)
    if order.status not in ("confirmed", "partial"):
        raise _bad_transition(order, "make")
    planned = []
    for line in order.lines:
        need = held.line_missing(line) - line.planned
        if need <= 0 or line.item_id is None or recipe_book.active_recipe(line.item_id) is None:
            continue
        plan = recipes.feasibility(line.item.sku, need, today=today)
        for item, quantity in plan.to_produce:
            planned.append(production.plan_order(item=item.sku, quantity=quantity,
                                                 note=order.number, user_id=user_id,
                                                 today=today))
        planned.append(production.plan_order(item=line.item.sku, quantity=need,
                                             note=order.number, user_id=user_id, today=today))
        line.planned += need
    if not planned:
        raise Conflict(_("%(number)s: nothing is missing that a recipe can make",
                         number=order.number), code="nothing_to_make")
    db.session.flush()
    return planned
