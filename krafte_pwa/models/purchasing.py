"""Purchase orders and their lines; receipts point at the line they fulfil."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
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

PO_STATUSES = ("draft", "ordered", "partial", "received", "cancelled")


class PurchaseOrder(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    expected_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ordered_at: Mapped[datetime | None] = mapped_column(DateTime)

    supplier = relationship("Partner")
    lines = relationship("PurchaseOrderLine", order_by="PurchaseOrderLine.position",
                         back_populates="order", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'ordered', 'partial', 'received', 'cancelled')",
                        name="status"),
        Index("ix_purchase_order_status", "status"),
    )


class PurchaseOrderLine(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id"))
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())  # base unit
    entered_quantity: Mapped[Decimal] = mapped_column(Quantity())
    entered_unit: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))  # per base unit
    expected_date: Mapped[date | None] = mapped_column(Date)

    order = relationship(PurchaseOrder, back_populates="lines")
    item = relationship("Item")

    __table_args__ = (
        UniqueConstraint("order_id", "position"),
        CheckConstraint("quantity > 0 AND unit_price >= 0", name="positive"),
    )
