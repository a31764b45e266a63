"""A shop order applied to its sales order, inside the webhook's transaction.

`row` is the shop order's `ChannelOrder`, locked: the first version makes the sales order,
later ones update or cancel it. Out of order: a version older than the last applied
(the shop's own `updated_at` / `date_modified_gmt`) is ignored, and once cancelled the
order stays cancelled, so an update that arrives after the cancellation does not revive
it (a cancellation arriving before the order itself is remembered the same way).
A till sale (`shipped: true`) is shipped at once by FEFO; what the stock cannot cover
stays open on the order (partial), and the delivery says so.
"""

from dataclasses import dataclass

from ..domain.shop_orders import ShopOrder
from ..errors import KrafteError
from ..extensions import db
from ..models import Channel, ChannelOrder, SalesOrder
from ..models.types import utcnow
from . import sales


@dataclass
class Applied:
    applied: bool
    sales_order: str | None = None
    note: str | None = None


def _lines(order: ShopOrder) -> list[dict]:
    return [{"item": None, "sku": line.sku or "?", "quantity": line.quantity,
             "unit_price": line.price} for line in order.lines]


def apply_order(row: ChannelOrder, order: ShopOrder, channel_id: int) -> Applied:
    existing = db.session.get(SalesOrder, row.sales_order_id) if row.sales_order_id else None
    number = existing.number if existing else None
    if row.cancelled:
        return Applied(False, number, "the order was cancelled already")
    if order.updated_at and row.shop_updated_at and order.updated_at < row.shop_updated_at:
        return Applied(False, number, "an older version of the order")
    if order.cancelled:
        row.cancelled = True
        _stamp(row, order)
        if existing is None:
            return Applied(True, None, "cancelled before it arrived")
        if existing.status == "shipped":  # the parcel has left: nothing to release
            return Applied(False, number, "the sales order has shipped: not cancelled here")
        sales.cancel_sales_order(existing.number)
        return Applied(True, number)
    result = _create(row, order, channel_id) if existing is None else _update(existing, order)
    _stamp(row, order)  # set last: written in one UPDATE with the sales order's id
    return result


def _stamp(row: ChannelOrder, order: ShopOrder) -> None:
    """Keep the shop's stamp of the version applied (never going back)."""
    if order.updated_at and (row.shop_updated_at is None
                             or order.updated_at > row.shop_updated_at):
        row.shop_updated_at = order.updated_at


def _create(row: ChannelOrder, order: ShopOrder, channel_id: int) -> Applied:
    channel = db.session.get(Channel, channel_id)
    created = sales.create_sales_order(
        customer=order.customer, email=order.email, reference=order.reference,
        lines=_lines(order), channel=channel.name, channel_order_id=order.external_id)
    row.sales_order_id = created.id
    note = None
    if order.shipped:
        note = _ship_now(created)
    return Applied(True, created.number, note)


def _ship_now(order: SalesOrder) -> str | None:
    """Ship all of a till sale; if it cannot, keep the order open and say why."""
    try:
        with db.session.begin_nested():
            sales.ship_sales_order(order.number)
    except KrafteError as exc:
        return "not shipped: " + exc.message
    if order.status != "shipped":
        return "shipped in part: the rest is not in stock"
    return None


def _update(existing: SalesOrder, order: ShopOrder) -> Applied:
    if existing.status not in ("confirmed", "on_hold"):
        return Applied(False, existing.number,
                       f"the sales order is {existing.status}: the update is not applied")
    sales.update_sales_order(existing, customer=order.customer, email=order.email,
                             reference=order.reference, lines=_lines(order))
    existing.updated_at = utcnow()
    return Applied(True, existing.number)
