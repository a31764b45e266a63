"""Sales orders: what a customer ordered (by hand or through a channel), the stock held
back for each line until it ships, and what has shipped."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Money, Quantity, utcnow

SALES_ORDER_STATUSES = ("confirmed", "partial", "shipped", "cancelled", "on_hold")
OPEN_SALES_STATUSES = ("confirmed", "partial", "on_hold")


class SalesOrder(db.Model):
    """SO-YYYY-NNNN. `channel` is "manual" or a channel's name; `channel_order_id` the
    shop's own id of the order (one sales order per shop order)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    channel: Mapped[str] = mapped_column(String(60), default="manual")
    reference: Mapped[str | None] = mapped_column(String(60))
    channel_order_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="confirmed")
    hold_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)

    lines = relationship("SalesOrderLine", order_by="SalesOrderLine.position",
                         back_populates="order", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("status IN ('confirmed', 'partial', 'shipped', 'cancelled', "
                        "'on_hold')", name="status"),
        UniqueConstraint("channel", "channel_order_id"),
        Index("ix_sales_order_status", "status"),
        Index("ix_sales_order_customer", "customer"),
    )


class SalesOrderLine(db.Model):
    """A product and quantity ordered. `sku` keeps what was sent, so a line naming an
    unknown SKU (item null) is kept until someone resolves it. `planned`: what production
    orders were planned for it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)
    sku: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[Decimal] = mapped_column(Quantity())  # item's base unit
    unit_price: Mapped[Decimal | None] = mapped_column(Money())  # per base unit
    shipped: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    planned: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))

    order = relationship(SalesOrder, back_populates="lines")
    item = relationship("Item")
    reservations = relationship("SalesReservation", back_populates="line",
                                order_by="SalesReservation.id", cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("order_id", "position"),
        CheckConstraint("quantity > 0 AND shipped >= 0 AND shipped <= quantity "
                        "AND planned >= 0", name="quantities"),
        CheckConstraint("unit_price IS NULL OR unit_price >= 0", name="unit_price"),
    )


class SalesReservation(db.Model):
    """Stock of one lot at one location held back for a line until it ships."""

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_line.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())

    line = relationship(SalesOrderLine, back_populates="reservations")
    lot = relationship("Lot")
    location = relationship("Location")

    __table_args__ = (
        UniqueConstraint("line_id", "lot_id", "location_id"),
        CheckConstraint("quantity > 0", name="positive"),
        Index("ix_sales_reservation_item", "item_id"),
        Index("ix_sales_reservation_lot", "lot_id", "location_id"),
    )
