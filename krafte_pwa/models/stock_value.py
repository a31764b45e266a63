"""Stock value kept beside the ledger, per item, in work in progress or not: the value
now, and its change in each month (UTC).

A value is Σ stored quantity × stored unit cost of the movements (an integer in units of
10^-14), which can pass 64 bits (10^18 stored quantity × 10^17 stored cost), so it is kept
as two 64-bit integers: value = high × 10^18 + low, with 0 <= low < 10^18.

Each row also keeps Σ quantity of the same movements: the item's stock in storage (or in
WIP) now, or its change in the month. Read per item, stock on hand costs one row whatever
the number of lots holding it.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import Quantity

LOW_BASE = 10 ** 18
NOW = date(9999, 12, 31)  # the period of the value now (a month's change: its first day)


class ValueBalance(db.Model):
    """Σ quantity × cost, and Σ quantity, of the movements of one item, in WIP locations or
    not: over all time (period NOW: the value and stock now) or in one month (period: its
    first day), so the value at any month's start is a sum of these from either end of
    history, a few hundred rows a month. One table, so a transaction writes them all in one
    statement."""

    period: Mapped[date] = mapped_column(Date, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    wip: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    value_high: Mapped[int] = mapped_column(BigInteger, default=0)
    value_low: Mapped[int] = mapped_column(BigInteger, default=0)
    quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0),
                                              server_default="0")

    __table_args__ = (
        CheckConstraint(f"value_low >= 0 AND value_low < {LOW_BASE}", name="low"),
    )
