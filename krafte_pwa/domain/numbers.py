"""Exact decimal input: `12.5`, `12,5`, `1 234,5`, JSON numbers; never a float inside."""

import re
from decimal import Decimal, InvalidOperation

from ..errors import N_, TextError

# Stored scales: quantities to 6 places of the base unit, unit costs to 8 places.
QUANTITY_PLACES = 6
COST_PLACES = 8

# Largest quantity of one entry after conversion to the item's base unit, and of one
# (lot, location) balance: a billion base units is a typo, not a batch.
MAX_QUANTITY = Decimal(1_000_000_000)
# Largest total on hand of one item (all its lots and locations). Stored at 6 places as a
# 64-bit integer, 10^12 base units is 10^18 < 2^63 - 1 (9.22 * 10^18): any sum of one
# item's balances fits in SQL on SQLite and PostgreSQL alike, with room for a few
# concurrent postings that each checked the total before the other committed.
MAX_ITEM_STOCK = Decimal(10) ** 12
# Largest unit cost per base unit after conversion (10^17 stored at 8 places). A lot's
# value, quantity x unit cost, reaches 10^18; values are summed as NUMERIC on PostgreSQL
# and in Python on SQLite (services/reports.py), never in a 64-bit SQL integer.
MAX_UNIT_COST = Decimal(1_000_000_000)

_SPACES = {" ", "\u00a0", "\u202f", "'", "_"}
# ASCII digits only: Decimal() also reads Arabic-Indic, full-width and other Unicode
# digits, which no keyboard in the workshop types on purpose and which a label, a CSV or
# a barcode would then show differently from what was stored.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")


class BadNumber(TextError):
    """Input that is not a finite decimal number."""


def parse_decimal(value) -> Decimal:
    """Read a decimal from user or JSON input, accepting a decimal comma.

    Floats arrive from JSON numbers; their shortest repr is what the sender meant
    (0.1 -> "0.1"), so they go through str, never through binary arithmetic.
    """
    if isinstance(value, bool) or value is None:
        raise BadNumber(N_("'%(value)s' is not a number"), value=value)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = "".join(ch for ch in value.strip() if ch not in _SPACES)
        if not text:
            raise BadNumber(N_("a number is required"))
        if "," in text and "." in text:
            # "1.234,5" (fr/de) or "1,234.5" (en): the last separator is the decimal one.
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif text.count(",") == 1:
            text = text.replace(",", ".")
        elif "," in text:
            raise BadNumber(N_("'%(value)s' is not a number"), value=value)
        if not _NUMBER.fullmatch(text):
            raise BadNumber(N_("'%(value)s' is not a number"), value=value)
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise BadNumber(N_("'%(value)s' is not a number"), value=value) from None
    else:
        raise BadNumber(N_("'%(value)s' is not a number"), value=value)
    if not result.is_finite():
        raise BadNumber(N_("'%(value)s' is not a finite number"), value=value)
    return result


def quantize(value: Decimal, places: int = QUANTITY_PLACES) -> Decimal:
    """Round to the stored scale (half-even); used after unit conversions only."""
    return value.quantize(Decimal(1).scaleb(-places))


def fits_scale(value: Decimal, places: int) -> bool:
    return value == value.quantize(Decimal(1).scaleb(-places)) if value.is_finite() else False


def normalize(value: Decimal) -> Decimal:
    """Drop trailing zeros for display and JSON ("12.500000" -> "12.5"), never exponent form."""
    if value == 0:
        return Decimal(0)
    result = value.normalize()
    if result.as_tuple().exponent > 0:
        result = result.quantize(Decimal(1))
    return result


def to_str(value: Decimal | None) -> str | None:
    """Decimal -> JSON string without exponent ("1E+1" would surprise integrations)."""
    if value is None:
        return None
    return format(normalize(value), "f")
