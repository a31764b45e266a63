"""Installation settings kept in the database (lot code pattern, expiry warning days)."""

from ..domain.lot_codes import DEFAULT_PATTERN, PatternError, validate_pattern
from ..errors import BadInput
from ..extensions import db
from ..models import Setting
from ._tx import commit

DEFAULTS = {
    "lot_code_pattern": DEFAULT_PATTERN,
    "expiry_warning_days": "30",
}


def get_setting(key: str) -> str:
    row = db.session.get(Setting, key)
    return row.value if row else DEFAULTS[key]


def update_settings(values: dict) -> None:
    for key, value in values.items():
        if key not in DEFAULTS:
            raise BadInput(f"unknown setting '{key}'")
        value = str(value).strip()
        if key == "lot_code_pattern":
            try:
                validate_pattern(value)
            except PatternError as exc:
                raise BadInput(str(exc), code="bad_pattern") from None
        elif key == "expiry_warning_days" and not (value.isdigit() and 0 < int(value) <= 3650):
            raise BadInput("expiry warning days must be a whole number from 1 to 3650")
        row = db.session.get(Setting, key) or Setting(key=key)
        row.value = value
        db.session.add(row)
    commit()
