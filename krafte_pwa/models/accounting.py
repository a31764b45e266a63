"""Closed accounting periods: the journal of a closed month is kept as it was booked."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import utcnow


class ClosedPeriod(db.Model):
    """One closed month [start, end): its journal (JSON entries, amounts as strings) and the
    balances of the stock accounts at its end, frozen when it was closed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    start: Mapped[date] = mapped_column(Date, unique=True)
    end: Mapped[date] = mapped_column(Date)  # exclusive: the first day of the next month
    method: Mapped[str] = mapped_column(String(12))
    journal: Mapped[str] = mapped_column(Text)
    balances: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user = relationship("User")
