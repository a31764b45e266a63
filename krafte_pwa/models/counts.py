"""Stock counts of a location: lots scanned with the quantity found, posted as adjustments."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Quantity, utcnow

COUNT_STATUSES = ("open", "submitted", "posted", "cancelled")


class StockCount(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    status: Mapped[str] = mapped_column(String(12), default="open")
    blind: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime)

    location = relationship("Location")
    lines = relationship("StockCountLine", order_by="StockCountLine.id",
                         back_populates="count", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("status IN ('open', 'submitted', 'posted', 'cancelled')",
                        name="status"),
        Index("ix_stock_count_location_status", "location_id", "status"),
    )


class StockCountLine(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey("stock_count.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    counted: Mapped[Decimal] = mapped_column(Quantity())
    expected: Mapped[Decimal | None] = mapped_column(Quantity())  # on hand when posted
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    counted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)  # why the quantity differs

    count = relationship(StockCount, back_populates="lines")
    lot = relationship("Lot")

    __table_args__ = (
        UniqueConstraint("count_id", "lot_id"),
        CheckConstraint("counted >= 0", name="not_negative"),
    )
