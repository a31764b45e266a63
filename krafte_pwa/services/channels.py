"""Sales channels (admin): create one, offer an item on it, see and resend what the worker
owes it. The webhooks a channel receives are `services/webhooks.py`; the worker that sends
stock levels is `services/channel_push.py`."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import func, select

from ..errors import BadInput, Conflict, NotFound
from ..extensions import db
from ..messages import _
from ..models import CHANNEL_KINDS, Channel, ChannelProduct, OutboxMessage, WebhookDelivery
from ..models.types import utcnow
from . import _inputs
from ._tx import transactional
from .outbox import write_messages

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MIN_SECRET = 16


@dataclass
class ChannelView:
    channel: Channel
    products: list[ChannelProduct]
    outbox: list[OutboxMessage]  # pending and failed, oldest first
    deliveries: list[WebhookDelivery]  # the latest first
    counts: dict[str, int]


def _name(value) -> str:
    name = _inputs.text(value, "name", max_length=40)
    if not NAME.match(name):
        raise BadInput(_("a channel name has letters, digits and . _ - (at most 40)"),
                       details={"field": "name"})
    return name


def _url(value) -> str | None:
    url = _inputs.text(value, "api_base", required=False, max_length=300)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(_("api_base must be an http or https address"),
                       details={"field": "api_base"})
    return url


@transactional
def create_channel(*, name, kind, secret, api_base=None, api_key=None, api_secret=None,
                   location_id=None, api_version=None) -> Channel:
    name = _name(name)
    if kind not in CHANNEL_KINDS:
        raise BadInput(_("kind is one of: %(kinds)s", kinds=", ".join(CHANNEL_KINDS)),
                       details={"field": "kind"})
    secret = _inputs.text(secret, "secret", max_length=500)
    if len(secret) < MIN_SECRET:
        raise BadInput(_("the secret has at least %(count)s characters", count=MIN_SECRET),
                       details={"field": "secret"})
    if db.session.execute(select(Channel.id).where(Channel.name == name)).first():
        raise Conflict(_("a channel named %(name)s exists already", name=name),
                       code="duplicate_channel", details={"field": "name"})
    channel = Channel(
        name=name, kind=kind, secret=secret, api_base=_url(api_base),
        api_key=_inputs.text(api_key, "api_key", required=False, max_length=500),
        api_secret=_inputs.text(api_secret, "api_secret", required=False, max_length=500),
        location_id=_inputs.text(location_id, "location_id", required=False, max_length=100),
        api_version=_inputs.text(api_version, "api_version", required=False, max_length=20))
    _check_push_settings(channel)
    db.session.add(channel)
    db.session.flush()
    return channel


def _check_push_settings(channel: Channel) -> None:
    """A shop that receives stock levels needs what its API asks for."""
    needed = {"shopify": ("api_key", "location_id"),
              "woocommerce": ("api_key", "api_secret")}.get(channel.kind, ())
    missing = [name for name in needed if channel.api_base and not getattr(channel, name)]
    if missing:
        raise BadInput(_("to send stock levels to this shop, give also: %(fields)s",
                         fields=", ".join(missing)), details={"field": missing[0]})


def get_channel(name) -> Channel:
    name = _inputs.text(name, "channel", max_length=40)
    channel = db.session.execute(select(Channel).where(Channel.name == name)).scalar()
    if channel is None:
        raise NotFound(_("no channel named %(name)s", name=name), code="unknown_channel")
    return channel


def list_channels() -> list[Channel]:
    return list(db.session.execute(select(Channel).order_by(Channel.name)).scalars())


@transactional
def map_product(channel_name, sku, external_id) -> ChannelProduct:
    """Offer an item on a channel under the shop's id (a Shopify inventory item id, a
    WooCommerce product id or `<parent>/<variation>`); its level is sent at once."""
    channel = get_channel(channel_name)
    item = _inputs.item(sku)
    external = _inputs.text(external_id, "external_id", max_length=100)
    product = db.session.execute(
        select(ChannelProduct).where(ChannelProduct.channel_id == channel.id,
                                     ChannelProduct.item_id == item.id)).scalar()
    if product is None:
        product = ChannelProduct(channel_id=channel.id, item_id=item.id, external_id=external)
        db.session.add(product)
    product.external_id = external
    db.session.flush()
    write_messages(db.session, [item.id], channel_id=channel.id)
    return product


@transactional
def resend(channel_name, message_id) -> int:
    """Send a failed (or waiting) message again now; returns how many were set to go."""
    channel = get_channel(channel_name)
    message = db.session.get(OutboxMessage, message_id) if isinstance(message_id, int) else None
    if message is None or message.channel_id != channel.id:
        raise NotFound(_("no such message for this channel"), code="unknown_message")
    if message.status == "sent":
        raise Conflict(_("this message was sent already"), code="already_sent")
    message.status, message.attempts, message.due_at = "pending", 0, utcnow()
    return 1


def channel_view(name, *, deliveries: int = 20, outbox: int = 100) -> ChannelView:
    channel = get_channel(name)
    products = list(db.session.execute(
        select(ChannelProduct).where(ChannelProduct.channel_id == channel.id)
        .order_by(ChannelProduct.id)).scalars())
    waiting = list(db.session.execute(
        select(OutboxMessage).where(OutboxMessage.channel_id == channel.id,
                                    OutboxMessage.status.in_(("pending", "failed")))
        .order_by(OutboxMessage.id).limit(outbox)).scalars())
    latest = list(db.session.execute(
        select(WebhookDelivery).where(WebhookDelivery.channel_id == channel.id)
        .order_by(WebhookDelivery.id.desc()).limit(deliveries)).scalars())
    counts = dict(db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id))
        .where(OutboxMessage.channel_id == channel.id)
        .group_by(OutboxMessage.status)).all())
    return ChannelView(channel, products, waiting, latest, counts)
