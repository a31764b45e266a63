"""Lot codes: short, readable, from a configurable pattern.

The default `{origin}{date:%y%m%d}-{seq:03d}` gives R261123-004 (received) or P261123-002
(produced). Origin letters avoid I and O, which read as 1 and 0 on a worn label.
"""

import re
import string
from datetime import date

from ..errors import N_, TextError

DEFAULT_PATTERN = "{origin}{date:%y%m%d}-{seq:03d}"
ORIGIN_LETTERS = {"receipt": "R", "production": "P", "opening": "B"}
_SEQ_FIELD = re.compile(r"\{seq(?::[^}]*)?\}")
_ALLOWED = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")  # no "/": a code is a URL segment


class PatternError(TextError):
    """A lot code pattern that cannot make valid, unique codes."""


def validate_pattern(pattern: str) -> None:
    fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name}
    if "seq" not in fields:
        raise PatternError(N_("the lot code pattern must contain {seq} so codes stay unique"))
    unknown = fields - {"origin", "date", "seq", "sku"}
    if unknown:
        raise PatternError(N_("unknown fields in the lot code pattern: %(fields)s"),
                           fields=", ".join(sorted(unknown)))
    sample = format_code(pattern, "receipt", date(2026, 1, 31), 1, "SKU")
    if not _ALLOWED.match(sample):
        raise PatternError(N_("the pattern gives '%(sample)s', which is not a valid lot code"),
                           sample=sample)


def format_code(pattern: str, origin: str, on: date, seq: int, sku: str = "") -> str:
    try:
        code = pattern.format(origin=ORIGIN_LETTERS[origin], date=on, seq=seq, sku=sku)
    except (KeyError, ValueError, IndexError) as exc:
        raise PatternError(N_("the lot code pattern cannot be read (%(problem)s)"),
                           problem=exc) from None
    return code.upper()


def series_key(pattern: str, origin: str, on: date, sku: str = "") -> str:
    """The code with its sequence blanked: codes that share it share one counter."""
    return format_code(_SEQ_FIELD.sub("#", pattern), origin, on, 0, sku)
