"""A shop's webhook, received: signature first, then the delivery, then the order.

1. The HMAC-SHA256 of the raw body (before anything reads it as JSON) with the channel's
   secret, compared in constant time with the signature header; wrong, missing, or an
   unknown channel: `Unauthorized` (401) and nothing stored.
2. The delivery, kept with its raw body: one row per delivery id (Shopify
   `X-Shopify-Webhook-Id`, WooCommerce `X-WC-Webhook-Delivery-ID`, generic
   `X-Krafte-Delivery-Id` or, without it, the body's digest). A delivery seen before is
   answered "already seen" and changes nothing (a failed one is tried again).
3. The shop order: one `ChannelOrder` row per (channel, shop order id), inserted with
   ON CONFLICT DO NOTHING and then read locked, so two deliveries of the same new order
   at once make one sales order (on PostgreSQL the second waits for the first's commit,
   then finds its row). The shop's own update stamp is kept: an older version is
   ignored, and a cancelled order stays cancelled whatever arrives after.
4. A delivery that cannot be applied is rolled back and then stored `failed` with the
   error in a transaction of its own, so nothing a shop sends is lost.
"""

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from ..domain import shop_orders as shop
from ..errors import BadInput, KrafteError, Unauthorized
from ..extensions import db
from ..messages import _
from ..models import Channel, ChannelOrder, WebhookDelivery
from ..models.types import utcnow
from ._tx import transaction, upsert
from .webhook_orders import apply_order

WOO_PING = b"webhook_id="


@dataclass
class Outcome:
    status: str  # processed, ignored, already_seen, ping
    delivery_id: str | None = None
    sales_order: str | None = None
    note: str | None = None

    def json(self) -> dict:
        return {"status": self.status, "delivery_id": self.delivery_id,
                "sales_order": self.sales_order, "note": self.note}


def _refused():
    return Unauthorized(_("the webhook signature is missing or wrong"), code="bad_signature")


def receive(channel_name: str, body: bytes, headers) -> Outcome:
    channel = db.session.execute(
        select(Channel).where(Channel.name == channel_name[:40])).scalar()
    if channel is None:
        raise _refused()
    if channel.kind == "woocommerce" and _woo_ping(body, headers):
        return Outcome("ping")
    if not shop.signature_ok(channel.secret, body,
                             headers.get(shop.SIGNATURE_HEADERS[channel.kind])):
        raise _refused()
    delivery_id = (headers.get(shop.DELIVERY_HEADERS[channel.kind]) or "").strip()[:200] \
        or "sha256:" + hashlib.sha256(body).hexdigest()
    topic = (headers.get(shop.TOPIC_HEADERS[channel.kind]) or "").strip()[:100] or None
    channel_id, kind = channel.id, channel.kind
    try:
        with transaction():
            return _process(channel_id, kind, delivery_id, topic, body)
    except KrafteError as exc:
        with transaction():
            _store(channel_id, delivery_id, topic, body, "failed", exc.message)
        raise


def _woo_ping(body: bytes, headers) -> bool:
    """WooCommerce checks a new webhook's address with an unsigned `webhook_id=N` form
    post; it is answered, and changes nothing."""
    return (not headers.get(shop.SIGNATURE_HEADERS["woocommerce"])
            and body.startswith(WOO_PING) and body[len(WOO_PING):].isdigit())


def _process(channel_id: int, kind: str, delivery_id: str, topic: str | None,
             body: bytes) -> Outcome:
    delivery = _claim_delivery(channel_id, delivery_id, topic, body)
    if delivery is None:
        return Outcome("already_seen", delivery_id)
    if kind != "generic" and topic not in shop.ORDER_TOPICS:
        delivery.status, delivery.error = "ignored", f"topic {topic!r} is not an order"
        return Outcome("ignored", delivery_id, note=delivery.error)
    try:
        order = shop.read_order(kind, shop.load_json(body))
    except shop.BadPayload as exc:
        raise BadInput(_("the shop's order cannot be read: %(reason)s", reason=str(exc)),
                       code="bad_payload") from None
    if topic in ("order.deleted", "orders/delete"):
        order.cancelled = True
    result = apply_order(_shop_order_row(channel_id, order.external_id), order,
                         channel_id)
    delivery.status = "processed" if result.applied else "ignored"
    delivery.error, delivery.sales_order = result.note, result.sales_order
    return Outcome(delivery.status, delivery_id, result.sales_order, result.note)


def _claim_delivery(channel_id, delivery_id, topic, body) -> WebhookDelivery | None:
    """The delivery's row, new or failed before (tried again); None when seen already."""
    table = WebhookDelivery.__table__
    inserted = db.session.execute(
        upsert(table).values(channel_id=channel_id, delivery_id=delivery_id, topic=topic,
                             body=body, status="processed", received_at=utcnow())
        .on_conflict_do_nothing(index_elements=[table.c.channel_id, table.c.delivery_id])
        .returning(table.c.id)).first()
    delivery = db.session.execute(
        select(WebhookDelivery).where(WebhookDelivery.channel_id == channel_id,
                                      WebhookDelivery.delivery_id == delivery_id)
        .with_for_update().execution_options(populate_existing=True)).scalar_one()
    if inserted is not None:
        return delivery
    if delivery.status == "failed":  # tried again: the shop retries what we refused
        delivery.status, delivery.error, delivery.body = "processed", None, body
        return delivery
    return None


def _shop_order_row(channel_id: int, external_id: str) -> ChannelOrder:
    table = ChannelOrder.__table__
    db.session.execute(
        upsert(table).values(channel_id=channel_id, external_id=external_id, cancelled=False)
        .on_conflict_do_nothing(index_elements=[table.c.channel_id, table.c.external_id]))
    return db.session.execute(
        select(ChannelOrder).where(ChannelOrder.channel_id == channel_id,
                                   ChannelOrder.external_id == external_id)
        .with_for_update().execution_options(populate_existing=True)).scalar_one()


def _store(channel_id, delivery_id, topic, body, status, error) -> None:
    delivery = db.session.execute(
        select(WebhookDelivery).where(WebhookDelivery.channel_id == channel_id,
                                      WebhookDelivery.delivery_id == delivery_id)).scalar()
    if delivery is None:
        delivery = WebhookDelivery(channel_id=channel_id, delivery_id=delivery_id, topic=topic,
                                   body=body, received_at=utcnow())
        db.session.add(delivery)
    delivery.status, delivery.error, delivery.body = status, (error or "")[:2000], body
