"""Receipts of goods, each line possibly against a purchase order line."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Money, Quantity, utcnow


class Receipt(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    purchase_order_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_order.id"))
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    supplier = relationship("Partner")
    location = relationship("Location")
    lines = relationship("ReceiptLine", order_by="ReceiptLine.position", back_populates="receipt")
    lots = relationship("Lot", back_populates="receipt")


class ReceiptLine(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipt.id"))
    position: Mapped[int] = mapped_column(Integer)
    # indexed: whether an item has a purchase price is asked lot by lot (cost alerts)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())  # in the item's base unit
    entered_quantity: Mapped[Decimal] = mapped_column(Quantity())
    entered_unit: Mapped[str] = mapped_column(String(20))
    unit_cost: Mapped[Decimal] = mapped_column(Money())  # per base unit
    po_line_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_order_line.id"),
                                                   index=True)

    receipt = relationship(Receipt, back_populates="lines")
    lot = relationship("Lot")

    __table_args__ = (UniqueConstraint("receipt_id", "position"),)
