"""Exact decimal columns stored as scaled integers.

SQLite keeps NUMERIC as a float; a scaled BIGINT sums exactly on SQLite and PostgreSQL
alike, and the test suite checks it on both.
"""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

from ..domain.numbers import COST_PLACES, QUANTITY_PLACES

INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1


class OutOfRange(ValueError):
    """A value too large for its scaled 64-bit column: refused before the driver sees it
    (SQLite would store a float, PostgreSQL raise "bigint out of range")."""


class Scaled(TypeDecorator):
    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int):
        super().__init__()
        self.places = places

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        scaled = Decimal(value).scaleb(self.places)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.places} decimal places")
        if not INT64_MIN <= scaled <= INT64_MAX:
            raise OutOfRange(f"{value} is too large to store")
        return int(scaled)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.places)

    def coerce_compared_value(self, op, value):
        return self


def Quantity():  # noqa: N802 - reads like a type in column definitions
    return Scaled(QUANTITY_PLACES)


def Money():  # noqa: N802
    return Scaled(COST_PLACES)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
