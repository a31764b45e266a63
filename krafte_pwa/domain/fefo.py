"""FEFO then FIFO: which lots to take, in which order, and how much of each."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class StockLine:
    lot: str
    location: str
    quantity: Decimal  # what can be taken here
    expiry: date | None
    lot_date: date
    status: str


@dataclass(frozen=True)
class Pick:
    lot: str
    location: str
    quantity: Decimal
    expiry: date | None


def is_pickable(line: StockLine, today: date) -> bool:
    return line.status == "released" and (line.expiry is None or line.expiry >= today) and (
        line.quantity > 0
    )


def fefo_key(line: StockLine):
    # Earliest expiry first, lots without expiry after those with; then oldest; then code.
    return (line.expiry is None, line.expiry or date.max, line.lot_date, line.lot, line.location)


def suggest_picks(lines: list[StockLine], quantity: Decimal, today: date):
    """Return (picks, missing): picks cover `quantity` as far as stock allows."""
    picks: list[Pick] = []
    remaining = quantity
    for line in sorted((ln for ln in lines if is_pickable(ln, today)), key=fefo_key):
        if remaining <= 0:
            break
        take = min(line.quantity, remaining)
        picks.append(Pick(line.lot, line.location, take, line.expiry))
        remaining -= take
    return picks, max(remaining, Decimal(0))
