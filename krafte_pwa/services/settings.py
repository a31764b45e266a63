"""Installation settings kept in the database: lot code pattern, expiry warning days, and
how labels print (roll size, printer resolution, sheet layout, saved custom sheets)."""

import json
import re
from datetime import date

from sqlalchemy import select

from ..domain.lot_codes import DEFAULT_PATTERN, PatternError, format_code, validate_pattern
from ..domain.numbers import BadNumber, parse_decimal
from ..errors import BadInput, NotFound
from ..extensions import db
from ..labels import DPIS, PAGE_SIZES, ROLL_SIZES, SHEET_LAYOUTS, LabelError, parse_layout
from ..messages import N_, _, field_name, known
from ..models import Location, Setting
from ._tx import transactional

DEFAULTS = {
    "lot_code_pattern": DEFAULT_PATTERN,
    "expiry_warning_days": "30",
    "count_tolerance_percent": "2",  # an operator's count posts when every difference is within
    "count_blind": "0",  # "1": counters do not see the expected quantities
    "label_roll_size": "62x29",  # one label: a roll printer's tape
    "label_dpi": "",  # blank: PNG at 300 dpi, ZPL at 203 dpi (the usual Zebra)
    "label_sheet_layout": "a4-3x8",  # several labels: a sheet
    "label_layouts": "{}",  # saved custom sheets: {name: spec}
}
LAYOUT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")


def get_setting(key: str) -> str:
    row = db.session.get(Setting, key)
    return row.value if row else DEFAULTS[key]


def all_settings() -> dict[str, str]:
    return {key: get_setting(key) for key in DEFAULTS}


# Fixed sentences of the lot code and label modules, for the catalogue (see messages.known).
KNOWN_REFUSALS = (
    N_("the lot code pattern must contain {seq} so codes stay unique"),
    N_("layout dimensions must be numbers"),
    N_("a layout needs at least one column and one row"),
    N_("page and label sizes must be positive"),
    N_("margins and gaps cannot be negative"),
    N_("the labels do not fit on the page"),
)


def _check(key: str, value: str) -> str:
    if key == "lot_code_pattern":
        try:
            validate_pattern(value)
        except PatternError as exc:
            raise BadInput(known(exc), code="bad_pattern",
                           details={"field": key}) from None
    elif key == "expiry_warning_days":
        if not (value.isdigit() and 0 < int(value) <= 3650):
            raise BadInput(_("expiry warning days must be a whole number from 1 to 3650"),
                           details={"field": key})
        value = str(int(value))
    elif key == "count_tolerance_percent":
        try:
            number = parse_decimal(value)
        except BadNumber:
            number = None
        if number is None or not 0 <= number <= 100:
            raise BadInput(_("the count tolerance must be a percentage from 0 to 100"),
                           details={"field": key})
        value = str(number.normalize()) if number else "0"
    elif key == "count_blind":
        if value not in ("0", "1"):
            raise BadInput(_("blind counting is 0 (off) or 1 (on)"), details={"field": key})
    elif key == "label_roll_size":
        value = value.lower()
        if value not in ROLL_SIZES:
            raise BadInput(_("unknown label size '%(size)s' (known: %(known)s)", size=value,
                             known=", ".join(ROLL_SIZES)),
                           details={"field": key})
    elif key == "label_dpi":
        if value and value not in {str(d) for d in DPIS}:
            raise BadInput(_("printer resolution must be one of %(dpis)s dpi",
                             dpis=", ".join(map(str, DPIS))),
                           details={"field": key})
    elif key == "label_sheet_layout":
        value = value.lower()
        if value not in SHEET_LAYOUTS and value not in saved_layouts():
            raise BadInput(_("unknown sheet layout '%(layout)s'", layout=value),
                           details={"field": key})
    elif key == "label_layouts":
        raise BadInput(_("custom sheets are saved one at a time"), details={"field": key})
    return value


@transactional
def update_settings(values: dict) -> None:
    """Checks every value first: one bad value changes nothing."""
    checked = {}
    for key, value in values.items():
        if key not in DEFAULTS:
            raise BadInput(_("unknown setting '%(key)s'", key=key))
        checked[key] = _check(key, str(value).strip())
    for key, value in checked.items():
        _store(key, value)


def _store(key: str, value: str) -> None:
    row = db.session.get(Setting, key) or Setting(key=key)
    row.value = value
    db.session.add(row)


def lot_code_examples(pattern: str | None = None, on: date | None = None) -> dict[str, str]:
    """What the pattern gives for a receipt and a batch today (first of the day)."""
    pattern = pattern or get_setting("lot_code_pattern")
    on = on or date.today()
    return {origin: format_code(pattern, origin, on, 1, "WAX")
            for origin in ("receipt", "production")}


# ---- label sheets

def saved_layouts() -> dict[str, str]:
    try:
        found = json.loads(get_setting("label_layouts"))
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _length(value, field: str, *, optional=False, whole=False) -> str | None:
    text = str(value if value is not None else "").strip()
    name = field_name(field, english=field.replace("_", " "))  # "label width"
    if not text:
        if optional:
            return None
        raise BadInput(_("%(field)s is required", field=name), details={"field": field})
    try:
        number = parse_decimal(text)
    except BadNumber:
        raise BadInput(_("%(field)s must be a number", field=name),
                       details={"field": field}) from None
    if number < 0 or number > 2000 or (whole and number != int(number)):
        if whole:
            message = _("%(field)s must be a whole number from 0 to 2000", field=name)
        else:
            message = _("%(field)s must be a number from 0 to 2000", field=name)
        raise BadInput(message, details={"field": field})
    return f"{number.normalize():f}"


@transactional
def save_layout(*, name, page, columns, rows, label_width, label_height, margin_left=None,
                margin_top=None, gap_x=None, gap_y=None) -> str:
    """A custom sheet (lengths in mm, as printed on the box of labels), checked by laying
    it out; returns its spec. Margins left blank centre the labels on the page. Saving
    under an existing custom name replaces it."""
    name = str(name or "").strip().lower()
    if not LAYOUT_NAME.match(name):
        raise BadInput(_("a sheet name is 1 to 30 lower-case letters, digits or dashes"),
                       details={"field": "name"})
    if name in SHEET_LAYOUTS or name.startswith("roll"):
        raise BadInput(_("'%(name)s' is a built-in layout name", name=name),
                       details={"field": "name"})
    page = str(page or "").strip().lower().replace(" ", "").replace(",", ".")
    if page not in PAGE_SIZES and not re.fullmatch(r"\d+(\.\d+)?x\d+(\.\d+)?", page):
        raise BadInput(_("page is a4, letter, a5 or width x height in mm (210x297)"),
                       details={"field": "page"})
    cols = _length(columns, "columns", whole=True)
    lines = _length(rows, "rows", whole=True)
    width, height = _length(label_width, "label_width"), _length(label_height, "label_height")
    left = _length(margin_left, "margin_left", optional=True)
    top = _length(margin_top, "margin_top", optional=True)
    if (left is None) != (top is None):
        raise BadInput(_("give both margins, or neither to centre the labels"),
                       details={"field": "margin_left" if left is None else "margin_top"})
    gx = _length(gap_x, "gap_x", optional=True) or "0"
    gy = _length(gap_y, "gap_y", optional=True) or "0"
    spec = f"page={page};grid={cols}x{lines};label={width}x{height};gap={gx}x{gy}"
    if left is not None:
        spec += f";margin={left}x{top}"
    try:
        parse_layout(spec)
    except LabelError as exc:
        raise BadInput(known(exc), code=exc.code) from None
    layouts = saved_layouts()
    layouts[name] = spec
    _store("label_layouts", json.dumps(layouts, sort_keys=True))
    return spec


@transactional
def delete_layout(name: str) -> None:
    layouts = saved_layouts()
    if name not in layouts:
        raise NotFound(_("no custom sheet named '%(name)s'", name=name))
    if get_setting("label_sheet_layout") == name:
        raise BadInput(_("'%(name)s' is the default sheet: choose another default first",
                         name=name))
    del layouts[name]
    _store("label_layouts", json.dumps(layouts, sort_keys=True))


def resolve_layout(layout: str | None, *, single: bool) -> str:
    """The layout a label request means: a saved sheet's spec for its name, `roll` or
    nothing for one label on the configured roll, the default sheet for several."""
    name = (layout or "").strip().lower()
    if name == "roll" or (not name and single):
        return "roll-" + get_setting("label_roll_size")
    if not name:
        name = get_setting("label_sheet_layout")
    return saved_layouts().get(name, name)


def label_dpi(fmt: str) -> str:
    return get_setting("label_dpi") or ("203" if fmt == "zpl" else "300")


def test_sheet_codes(limit: int = 24) -> list[str]:
    """Shelf codes to print a test sheet with: real labels, nothing to invent."""
    return db.session.execute(
        select(Location.code).where(Location.archived.is_(False), Location.kind == "storage")
        .order_by(Location.code).limit(limit)).scalars().all()
