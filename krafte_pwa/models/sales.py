"""Shipments to customers: lines of products, and the lots that left with each line."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Money, Quantity, utcnow

SHIPMENT_STATUSES = ("picking", "shipped", "cancelled")


class Shipment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="picking")
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime)
    sales_order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_order.id"),
                                                       index=True)

    customer = relationship("Partner")
    lines = relationship("ShipmentLine", order_by="ShipmentLine.position",
                         back_populates="shipment", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("status IN ('picking', 'shipped', 'cancelled')", name="status"),
    )


class ShipmentLine(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())  # base unit ordered
    sales_line_id: Mapped[int | None] = mapped_column(ForeignKey("sales_order_line.id"),
                                                      index=True)

    shipment = relationship(Shipment, back_populates="lines")
    item = relationship("Item")
    lots = relationship("ShipmentLot", back_populates="line", order_by="ShipmentLot.id")

    __table_args__ = (CheckConstraint("quantity > 0", name="positive"),)


class ShipmentLot(db.Model):
    """One lot (from one location) that left with a line: the recall's answer per customer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("shipment_line.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_cost: Mapped[Decimal] = mapped_column(Money())  # cost of goods sold per base unit

    line = relationship(ShipmentLine, back_populates="lots")
    lot = relationship("Lot")
    location = relationship("Location")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="positive"),
        Index("ix_shipment_lot_lot", "lot_id"),
        Index("ix_shipment_lot_line", "line_id"),
    )
