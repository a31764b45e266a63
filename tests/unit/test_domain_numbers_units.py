"""Exact numbers and units, without an app."""

from datetime import date
from decimal import Decimal as D

import pytest

from krafte_pwa.domain.fefo import StockLine, suggest_picks
from krafte_pwa.domain.lot_codes import (
    DEFAULT_PATTERN,
    PatternError,
    format_code,
    series_key,
    validate_pattern,
)
from krafte_pwa.domain.numbers import BadNumber, parse_decimal, to_str
from krafte_pwa.domain.units import ItemUnits, UnitError, convert


@pytest.mark.parametrize("text,expected", [
    ("12.5", D("12.5")), ("12,5", D("12.5")), (" 1 234,50 ", D("1234.50")),
    ("1.234,5", D("1234.5")), ("1,234.5", D("1234.5")), (0.1, D("0.1")), (3, D(3)),
    ("1\u202f000", D(1000)), ("-2,25", D("-2.25")),
])
def test_parse_decimal_accepts_comma_and_point(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("bad", ["", "abc", "1,2,3", "NaN", "Infinity", None, True, [], "1e"])
def test_parse_decimal_refuses_what_is_not_a_number(bad):
    with pytest.raises(BadNumber):
        parse_decimal(bad)


@pytest.mark.parametrize("bad", [
    "\u0661\u0662\u0663",  # Arabic-Indic 123
    "\u06f1\u06f2",  # Extended Arabic-Indic (Persian) 12
    "\uff11\uff12",  # full-width 12
    "\uff11\uff12,\uff15",  # full-width 12,5
    "1\u0662",  # mixed
    "\u0967\u0968",  # Devanagari 12
    "\U0001d7cf\U0001d7d0",  # mathematical bold 12
    "\u00b2",  # superscript two
    "\uff0d5",  # full-width minus
    "1e99999",  # an exponent nobody types
])
def test_parse_decimal_accepts_ascii_digits_only(bad):
    with pytest.raises(BadNumber):
        parse_decimal(bad)


@pytest.mark.parametrize("text,expected", [
    ("-5", D(-5)), ("+5", D(5)), (".5", D("0.5")), ("5.", D(5)), ("1e3", D(1000)),
    ("1 000 000,5", D("1000000.5")), ("12_500", D(12500)), (-12.5, D("-12.5")),
])
def test_parse_decimal_keeps_what_a_keyboard_types(text, expected):
    assert parse_decimal(text) == expected


def test_to_str_never_uses_exponents():
    assert to_str(D("1E+3")) == "1000"
    assert to_str(D("12.500000")) == "12.5"
    assert to_str(D("0.000001")) == "0.000001"
    assert to_str(D("0E-6")) == "0"


def test_builtin_conversions_are_exact():
    assert convert(D("1.5"), "kg", "g") == D(1500)
    assert convert(D(1), "lb", "oz") == D(16)
    assert convert(D(2), "dozen", "pcs") == D(24)
    assert convert(D(33), "cl", "l") == D("0.33")
    assert convert(D(1), "t", "mg") == D(1000000000)


def test_pack_units_and_density():
    units = ItemUnits(base="g", packs=(("drum", D(25), "kg"),), density=D("0.92"))
    assert convert(D(2), "drum", "g", units) == D(50000)
    assert convert(D(100), "ml", "g", units) == D(92)
    assert convert(D(92), "g", "ml", units) == D(100)


def test_conversion_across_dimensions_without_density_is_refused():
    with pytest.raises(UnitError, match="density"):
        convert(D(1), "ml", "g", ItemUnits(base="g"))
    with pytest.raises(UnitError, match="cannot convert"):
        convert(D(1), "pcs", "g", ItemUnits(base="g", density=D(1)))
    with pytest.raises(UnitError, match="unknown unit"):
        convert(D(1), "bucket", "g")


def test_fefo_takes_earliest_expiry_then_oldest_and_spans_lots():
    today = date(2026, 11, 25)
    lines = [
        StockLine("C", "S", D(5), None, date(2026, 1, 1), "released"),
        StockLine("B", "S", D(5), date(2027, 1, 1), date(2026, 6, 1), "released"),
        StockLine("A", "S", D(5), date(2027, 1, 1), date(2026, 5, 1), "released"),
        StockLine("X", "S", D(50), date(2026, 12, 1), date(2026, 5, 1), "quarantine"),
        StockLine("Y", "S", D(50), date(2026, 11, 24), date(2026, 5, 1), "released"),
        StockLine("Z", "S", D(50), date(2026, 12, 1), date(2026, 5, 1), "blocked"),
    ]
    picks, missing = suggest_picks(lines, D(12), today)
    assert [(p.lot, p.quantity) for p in picks] == [("A", 5), ("B", 5), ("C", 2)]
    assert missing == 0
    picks, missing = suggest_picks(lines, D(20), today)
    assert missing == D(5)


def test_lot_codes_follow_the_pattern():
    assert format_code(DEFAULT_PATTERN, "receipt", date(2026, 11, 23), 4) == "R261123-004"
    assert format_code(DEFAULT_PATTERN, "production", date(2026, 11, 23), 2) == "P261123-002"
    assert series_key(DEFAULT_PATTERN, "receipt", date(2026, 11, 23)) == "R261123-#"
    validate_pattern("{sku}-{date:%y%j}-{seq}")
    with pytest.raises(PatternError):
        validate_pattern("{origin}{date:%y%m%d}")
    with pytest.raises(PatternError):
        validate_pattern("{origin} {seq} lot")
    with pytest.raises(PatternError):  # a lot code is a segment of its label's URL
        validate_pattern("{sku}/{seq}")
