"""Stock value kept beside the ledger: per item and location now, and its change per month.

A value is Σ stored quantity × stored unit cost of the movements (an integer in units of
10^-14), which can pass 64 bits (10^18 stored quantity × 10^17 stored cost), so it is kept
as two 64-bit integers: value = high × 10^18 + low, with 0 <= low < 10^18.
"""

from datetime import date

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

LOW_BASE = 10 ** 18
HELD = "value_high <> 0 OR value_low <> 0"


class ValueBalance(db.Model):
    """Σ quantity × cost of the movements of one item at one location: the value now."""

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True)
    value_high: Mapped[int] = mapped_column(BigInteger, default=0)
    value_low: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        CheckConstraint(f"value_low >= 0 AND value_low < {LOW_BASE}", name="low"),
        # most rows of a long-lived workshop are closed WIP locations at zero
        Index("ix_value_balance_held", "item_id", "location_id", "value_high", "value_low",
              sqlite_where=text(HELD), postgresql_where=text(HELD)),
    )


class ValueChange(db.Model):
    """Σ quantity × cost of the movements of one item in one month (UTC), in work in
    progress or not (a location's kind never changes): the value at any month's start is
    a sum of these, from either end of history, a few hundred rows a month."""

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    wip: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    value_high: Mapped[int] = mapped_column(BigInteger, default=0)
    value_low: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        CheckConstraint(f"value_low >= 0 AND value_low < {LOW_BASE}", name="low"),
    )
