"""Stock value kept beside the ledger, per item, in work in progress or not: the value
now, and its change in each month (UTC).

A value is Σ stored quantity × stored unit cost of the movements (an integer in units of
10^-14), which can pass 64 bits (10^18 stored quantity × 10^17 stored cost), so it is kept
as two 64-bit integers: value = high × 10^18 + low, with 0 <= low < 10^18.
"""

from datetime import date

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

LOW_BASE = 10 ** 18
NOW = date(9999, 12, 31)  # the period of the value now (a month's change: its first day)


class ValueBalance(db.Model):
    """Σ quantity × cost of the movements of one item, in WIP locations or not: over all
    time (period NOW: the value now) or in one month (period: its first day), so the value
    at any month's start is a sum of these from either end of history, a few hundred rows
    a month. One table, so a transaction writes them all in one statement."""

    period: Mapped[date] = mapped_column(Date, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    wip: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    value_high: Mapped[int] = mapped_column(BigInteger, default=0)
    value_low: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        CheckConstraint(f"value_low >= 0 AND value_low < {LOW_BASE}", name="low"),
    )
