"""Sales channels: shops and tills that send orders and receive stock levels.

- `Channel`: a shop (Shopify, WooCommerce) or a `generic` sender (a till, another shop),
  with the secret its webhooks are signed with and what the worker needs to call it.
- `ChannelProduct`: an item offered on the channel under the shop's own id.
- `WebhookDelivery`: every signed call, raw body kept, one row per delivery id.
- `ChannelOrder`: the shop's order as last seen (its own update stamp, cancelled or not),
  one row per (channel, shop order id): the same shop order never makes two sales orders.
- `OutboxMessage`: a stock level owed to a channel, written in the transaction of the
  stock change and sent later by the worker.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Quantity, utcnow

# The check constraints below spell out CHANNEL_KINDS, DELIVERY_STATUSES and
# OUTBOX_STATUSES of domain/vocabulary.py (a change there needs a migration).


class Channel(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    secret: Mapped[str] = mapped_column(Text)  # signs the shop's webhooks (HMAC key)
    api_base: Mapped[str | None] = mapped_column(String(300))
    api_key: Mapped[str | None] = mapped_column(Text)  # Shopify access token; Woo key
    api_secret: Mapped[str | None] = mapped_column(Text)  # WooCommerce consumer secret
    location_id: Mapped[str | None] = mapped_column(String(100))  # Shopify location
    api_version: Mapped[str | None] = mapped_column(String(20))  # Shopify Admin API
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    products = relationship("ChannelProduct", back_populates="channel",
                            order_by="ChannelProduct.id")

    __table_args__ = (
        CheckConstraint("kind IN ('shopify', 'woocommerce', 'generic')", name="kind"),
    )


class ChannelProduct(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    external_id: Mapped[str] = mapped_column(String(100))

    channel = relationship(Channel, back_populates="products")
    item = relationship("Item")

    __table_args__ = (
        UniqueConstraint("channel_id", "item_id"),
        Index("ix_channel_product_item", "item_id"),
    )


class WebhookDelivery(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    delivery_id: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(12))
    error: Mapped[str | None] = mapped_column(Text)
    sales_order: Mapped[str | None] = mapped_column(String(20))  # its number, once made
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    channel = relationship(Channel)

    __table_args__ = (
        UniqueConstraint("channel_id", "delivery_id"),
        CheckConstraint("status IN ('processed', 'ignored', 'failed')", name="status"),
    )


class ChannelOrder(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    external_id: Mapped[str] = mapped_column(String(100))
    sales_order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_order.id"))
    shop_updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("channel_id", "external_id"),)


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("channel_product.id"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    quantity: Mapped[Decimal | None] = mapped_column(Quantity())  # what was pushed
    error: Mapped[str | None] = mapped_column(Text)

    channel = relationship(Channel)
    product = relationship(ChannelProduct)

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
        Index("ix_outbox_message_due", "status", "due_at"),
        Index("ix_outbox_message_product", "product_id"),
    )
