"""Lots scanned at the production station before the order starts: kept on the server so
a reload or another device finds them; cleared when the order starts or is cancelled."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Quantity, utcnow


class StationPick(db.Model):
    """One lot scanned for a planned order: where from, how much (base unit), whether it
    was the suggested lot."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("production_order.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    suggested: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    lot = relationship("Lot")
    location = relationship("Location")

    __table_args__ = (
        UniqueConstraint("order_id", "lot_id"),
        CheckConstraint("quantity > 0", name="positive"),
    )
