"""Roll sizes, printer resolutions and sheet layouts (all lengths in millimetres).

``parse_layout`` accepts a layout name (``a4-3x8``), ``roll-<size>`` (one label
per page at a roll size), a ``SheetLayout``, a mapping of its fields (as stored in
settings) or a compact spec such as
``page=a4;grid=3x8;label=63.5x33.9;margin=7.25x12.9;gap=2.5x0`` (margins are
left x top; omitted margins centre the grid on the page).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from ..errors import N_
from .data import LabelError

MM_PER_INCH = 25.4
DPIS = (203, 300)


@dataclass(frozen=True)
class RollSize:
    name: str
    width_mm: float
    height_mm: float

    def pixels(self, dpi: int) -> tuple[int, int]:
        """Width and height in printer dots at ``dpi``."""
        return mm_to_dots(self.width_mm, dpi), mm_to_dots(self.height_mm, dpi)


ROLL_SIZES: dict[str, RollSize] = {
    size.name: size
    for size in (
        RollSize("62x29", 62, 29),  # Brother DK-11209
        RollSize("57x32", 57, 32),  # Dymo 11354
        RollSize("100x50", 100, 50),
        RollSize("4x6in", 101.6, 152.4),  # Zebra shipping, portrait
    )
}


def mm_to_dots(mm: float, dpi: int) -> int:
    return round(mm * dpi / MM_PER_INCH)


def roll_size(name: str) -> RollSize:
    try:
        return ROLL_SIZES[str(name).strip().lower()]
    except KeyError:
        known = ", ".join(ROLL_SIZES)
        raise LabelError("unknown_size", N_("unknown label size '%(size)s' (known: %(known)s)"),
                         size=name, known=known) from None


def check_dpi(dpi: object) -> int:
    try:
        value = int(dpi)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        value = None
    if value not in DPIS or (isinstance(dpi, float) and dpi != value):
        raise LabelError("bad_dpi", N_("printer resolution must be one of %(dpis)s dpi"),
                         dpis=", ".join(map(str, DPIS)))
    return value


PAGE_SIZES = {"a4": (210.0, 297.0), "letter": (215.9, 279.4), "a5": (148.0, 210.0)}


@dataclass(frozen=True)
class SheetLayout:
    """A page of ``cols`` x ``rows`` labels, filled left to right, top to bottom."""

    page_width_mm: float
    page_height_mm: float
    cols: int
    rows: int
    label_width_mm: float
    label_height_mm: float
    margin_left_mm: float
    margin_top_mm: float
    gap_x_mm: float = 0.0
    gap_y_mm: float = 0.0
    name: str = "custom"

    def __post_init__(self) -> None:
        numbers = [v for k, v in asdict(self).items() if k != "name"]
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in numbers):
            raise LabelError("bad_layout", N_("layout dimensions must be numbers"))
        if (
            self.cols < 1
            or self.rows < 1
            or self.cols != int(self.cols)
            or self.rows != int(self.rows)
        ):
            raise LabelError("bad_layout", N_("a layout needs at least one column and one row"))
        if (
            min(self.page_width_mm, self.page_height_mm, self.label_width_mm, self.label_height_mm)
            <= 0
        ):
            raise LabelError("bad_layout", N_("page and label sizes must be positive"))
        if min(self.margin_left_mm, self.margin_top_mm, self.gap_x_mm, self.gap_y_mm) < 0:
            raise LabelError("bad_layout", N_("margins and gaps cannot be negative"))
        right = (
            self.margin_left_mm + self.cols * self.label_width_mm + (self.cols - 1) * self.gap_x_mm
        )
        bottom = (
            self.margin_top_mm + self.rows * self.label_height_mm + (self.rows - 1) * self.gap_y_mm
        )
        if right > self.page_width_mm + 0.05 or bottom > self.page_height_mm + 0.05:
            raise LabelError("bad_layout", N_("the labels do not fit on the page"))
        object.__setattr__(self, "cols", int(self.cols))
        object.__setattr__(self, "rows", int(self.rows))

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    def origin(self, position: int) -> tuple[float, float]:
        """Top-left corner (x, y from the top of the page, mm) of 0-based ``position``."""
        row, col = divmod(position % self.per_page, self.cols)
        x = self.margin_left_mm + col * (self.label_width_mm + self.gap_x_mm)
        y = self.margin_top_mm + row * (self.label_height_mm + self.gap_y_mm)
        return x, y

    @property
    def spec(self) -> str:
        """A compact string that ``parse_layout`` turns back into this layout."""

        def pair(a: float, b: float) -> str:
            return f"{a:g}x{b:g}"

        return ";".join(
            (
                f"page={pair(self.page_width_mm, self.page_height_mm)}",
                f"grid={self.cols}x{self.rows}",
                f"label={pair(self.label_width_mm, self.label_height_mm)}",
                f"margin={pair(self.margin_left_mm, self.margin_top_mm)}",
                f"gap={pair(self.gap_x_mm, self.gap_y_mm)}",
            )
        )


def _sheet(
    name: str,
    page: str,
    cols: int,
    rows: int,
    w: float,
    h: float,
    gx: float,
    gy: float,
    left: float | None = None,
    top: float | None = None,
) -> SheetLayout:
    pw, ph = PAGE_SIZES[page]
    if left is None:
        left = (pw - cols * w - (cols - 1) * gx) / 2
    if top is None:
        top = (ph - rows * h - (rows - 1) * gy) / 2
    return SheetLayout(pw, ph, cols, rows, w, h, round(left, 3), round(top, 3), gx, gy, name)


SHEET_LAYOUTS: dict[str, SheetLayout] = {
    layout.name: layout
    for layout in (
        _sheet("a4-3x8", "a4", 3, 8, 63.5, 33.9, 2.5, 0),  # Avery L7159
        _sheet("a4-3x7", "a4", 3, 7, 63.5, 38.1, 2.5, 0),  # Avery L7160
        _sheet("a4-2x7", "a4", 2, 7, 99.1, 38.1, 2.5, 0),  # Avery L7163
        _sheet("letter-3x10", "letter", 3, 10, 66.675, 25.4, 3.175, 0),  # Avery 5160
        _sheet("letter-2x5", "letter", 2, 5, 101.6, 50.8, 4.7625, 0),  # Avery 5163
    )
}


def roll_layout(size: str | RollSize) -> SheetLayout:
    """One label per page, the page being the roll label itself."""
    roll = size if isinstance(size, RollSize) else roll_size(size)
    return SheetLayout(
        roll.width_mm,
        roll.height_mm,
        1,
        1,
        roll.width_mm,
        roll.height_mm,
        0,
        0,
        0,
        0,
        f"roll-{roll.name}",
    )


_SPEC_KEYS = {"page", "grid", "label", "margin", "gap"}


def _pair(text: str, what: str) -> tuple[float, float]:
    parts = text.lower().split("x")
    if len(parts) != 2:
        raise LabelError("unknown_layout", N_("%(what)s must look like WIDTHxHEIGHT"), what=what)
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise LabelError("unknown_layout", N_("%(what)s must look like WIDTHxHEIGHT"),
                         what=what) from None


def _parse_spec(spec: str) -> SheetLayout:
    fields: dict[str, str] = {}
    for part in spec.replace(",", ";").split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in _SPEC_KEYS:
            raise LabelError("unknown_layout", N_("unknown layout '%(spec)s'"), spec=spec)
        fields[key] = value.strip().lower()
    if not {"page", "grid", "label"} <= fields.keys():
        raise LabelError("unknown_layout", N_("a custom layout needs page, grid and label"))
    page = PAGE_SIZES.get(fields["page"]) or _pair(fields["page"], "page")
    cols, rows = _pair(fields["grid"], "grid")
    w, h = _pair(fields["label"], "label")
    gx, gy = _pair(fields.get("gap", "0x0"), "gap")
    if "margin" in fields:
        left, top = _pair(fields["margin"], "margin")
    else:
        left = (page[0] - cols * w - (cols - 1) * gx) / 2
        top = (page[1] - rows * h - (rows - 1) * gy) / 2
        if min(left, top) < 0:  # centred labels wider than the page: say that, not "margin"
            raise LabelError("bad_layout", N_("the labels do not fit on the page"))
    return SheetLayout(page[0], page[1], cols, rows, w, h, left, top, gx, gy)


def parse_layout(layout: str | SheetLayout | Mapping[str, object]) -> SheetLayout:
    """A ``SheetLayout`` from a name, ``roll-<size>``, a spec string or a mapping."""
    if isinstance(layout, SheetLayout):
        return layout
    if isinstance(layout, Mapping):
        try:
            return SheetLayout(**layout)  # type: ignore[arg-type]
        except TypeError as exc:
            raise LabelError("bad_layout", "bad custom layout: %(problem)s", problem=exc) from None
    name = str(layout).strip().lower()
    if name in SHEET_LAYOUTS:
        return SHEET_LAYOUTS[name]
    if name.startswith("roll-"):
        if name[5:] not in ROLL_SIZES:
            raise LabelError("unknown_layout", N_("unknown roll size in layout '%(layout)s'"),
                             layout=layout)
        return roll_layout(name[5:])
    if "=" in name:
        return _parse_spec(name)
    known = ", ".join([*SHEET_LAYOUTS, *(f"roll-{s}" for s in ROLL_SIZES)])
    raise LabelError("unknown_layout", N_("unknown label layout '%(layout)s' (known: %(known)s)"),
                     layout=layout, known=known)
