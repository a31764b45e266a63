"""Where things go on one label, independent of the output format.

``compute_layout`` works in the output's own units (printer dots for PNG and ZPL,
points for PDF) and returns the QR placement and positioned text runs. Wide labels
put the QR on the left and the text on the right; tall ones (4x6in) put the text
on top and a large QR below. Text is fitted, never clipped: fonts shrink down to a
readable minimum, then the least important lines go, and any line still too wide
is cut with an ellipsis. Nothing enters the QR code's quiet zone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from ..errors import N_
from .data import LabelData, LabelError
from .qr import QUIET_ZONE
from .text import ASCENT, LINE, shorten, unit_width, wrap

QR_SHARE = 0.45  # at most this fraction of the long side goes to the QR (quiet zone in)
EM_CAP_MM = 6.0  # base text size never larger than this (a 4x6in label)
EM_MIN_MM = 2.0  # shrink the base size down to this before dropping lines
EM_FLOOR_MM = 1.3  # last resort for tiny custom labels
MIN_TEXT_MM = 1.6  # no printed text smaller than this (except on tiny labels)
MIN_MODULE_MM = 0.25

# Relative sizes of the lines (1 = the base size, "em").
REL_TITLE = 1.0
REL_CODE = 1.75
REL_QUANTITY = 1.2
REL_EXPIRY = 1.45
REL_SMALL = 0.85
REL_CAPTION = 0.8
TITLE_SHRINK = 0.75  # a long title may shrink this much before it is cut


class Metrics(Protocol):
    step: float

    def snap(self, size: float) -> float: ...

    def width(self, text: str, bold: bool, size: float) -> float: ...


@dataclass(frozen=True)
class Run:
    """A piece of text: left x, baseline y (from the top), font size and measured width."""

    x: float
    baseline: float
    text: str
    size: float
    bold: bool
    width: float


@dataclass(frozen=True)
class QRPlacement:
    """Top-left corner of the first module (the quiet zone lies outside), module size."""

    x: float
    y: float
    module: float
    modules: int

    @property
    def side(self) -> float:
        return self.module * self.modules


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    qr: QRPlacement
    runs: tuple[Run, ...]
    text_box: tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class _Spec:
    name: str
    caption: str
    value: str
    rel: float
    bold: bool
    fit: str  # "wrap" (the title), "shrink" (big values), "cut" (small lines)


_Segment = tuple[str, bool, float, float]  # text, bold, size, advance
_Line = tuple[float, tuple[_Segment, ...]]  # line size, segments


def _specs(label: LabelData) -> list[_Spec]:
    specs = []
    if label.title:
        specs.append(_Spec("title", "", label.title, REL_TITLE, True, "wrap"))
    if label.code:
        specs.append(_Spec("code", label.caption(label.kind), label.code, REL_CODE, True, "shrink"))
    if label.quantity_text:
        specs.append(
            _Spec(
                "quantity",
                label.caption("quantity"),
                label.quantity_text,
                REL_QUANTITY,
                False,
                "shrink",
            )
        )
    if label.expiry_text:
        specs.append(
            _Spec("expiry", label.caption("expiry"), label.expiry_text, REL_EXPIRY, True, "shrink")
        )
    if label.date_text:
        specs.append(_Spec("date", label.caption("date"), label.date_text, REL_SMALL, False, "cut"))
    if label.supplier_lot_text:
        specs.append(
            _Spec(
                "supplier_lot",
                label.caption("supplier_lot"),
                label.supplier_lot_text,
                REL_SMALL,
                False,
                "cut",
            )
        )
    for line in label.extra_lines:
        specs.append(_Spec("extra", "", line, REL_SMALL, False, "cut"))
    return specs


def _stages(specs: list[_Spec], title_lines: int) -> list[tuple[list[_Spec], int, float]]:
    """Ever smaller contents to try (specs, title lines, smallest base size in mm)."""
    stages = [(specs, title_lines, EM_MIN_MM)]
    current = list(specs)
    while any(s.name == "extra" for s in current):  # drop extra lines, last first
        last = max(i for i, s in enumerate(current) if s.name == "extra")
        current = current[:last] + current[last + 1 :]
        stages.append((current, title_lines, EM_MIN_MM))
    for lines in range(title_lines - 1, 0, -1):
        stages.append((current, lines, EM_MIN_MM))
    for name in ("supplier_lot", "date"):
        if any(s.name == name for s in current):
            current = [s for s in current if s.name != name]
            stages.append((current, 1, EM_MIN_MM))
    while current:  # a tiny label: smaller text, then drop lines from the bottom
        stages.append((current, 1, EM_FLOOR_MM))
        current = current[:-1]
    return stages


class _Fitter:
    def __init__(self, metrics: Metrics, per_mm: float, width: float) -> None:
        self.m = metrics
        self.width = width
        self.min_text = metrics.snap(MIN_TEXT_MM * per_mm) or metrics.step

    def measure(self, bold: bool, size: float):
        return lambda text: self.m.width(text, bold, size)

    def line(self, spec: _Spec, em: float, title_lines: int) -> list[_Line]:
        m = self.m
        size = max(m.snap(em * spec.rel), m.step)
        if spec.fit == "wrap":
            # A smaller title that shows the whole name beats a larger one cut short.
            smallest = max(min(size, self.min_text), m.snap(size * TITLE_SHRINK))
            while True:
                texts = wrap(spec.value, self.width, self.measure(spec.bold, size), title_lines)
                if " ".join(texts) == spec.value or size <= smallest:
                    break
                size = max(smallest, min(m.snap(size * 0.94), size - m.step))
            return [(size, ((t, spec.bold, size, m.width(t, spec.bold, size)),)) for t in texts]
        segments: list[_Segment] = []
        avail = self.width
        if spec.caption:
            cap_size = max(min(size, m.snap(em * REL_CAPTION)), m.step)
            advance = m.width(spec.caption + " ", False, cap_size)
            if advance <= self.width / 2:
                segments.append((spec.caption, False, cap_size, advance))
                avail -= advance
        value = spec.value
        width = m.width(value, spec.bold, size)
        if width > avail and spec.fit == "shrink":
            floor = min(size, self.min_text)
            size = max(floor, m.snap(size * avail / width))
            while size > floor and m.width(value, spec.bold, size) > avail:
                size = max(floor, m.snap(size - m.step))
            width = m.width(value, spec.bold, size)
        if width > avail:
            value = shorten(value, avail, self.measure(spec.bold, size))
            width = m.width(value, spec.bold, size)
        if not value:
            return []
        segments.append((value, spec.bold, size, width))
        line_size = max(s[2] for s in segments)
        return [(line_size, tuple(segments))]

    def blocks(self, specs: list[_Spec], em: float, title_lines: int) -> list[list[_Line]]:
        blocks = [self.line(spec, em, title_lines) for spec in specs]
        return [b for b in blocks if b]


def _height(blocks: list[list[_Line]]) -> float:
    return sum(LINE * size for block in blocks for size, _ in block)


def _place_qr(
    width: float,
    height: float,
    per_mm: float,
    modules: int,
    integer: bool,
    max_module: float | None,
) -> tuple[QRPlacement, tuple[float, float, float, float]]:
    pad = max(1.0, 0.04 * min(width, height) / per_mm) * per_mm
    total = modules + 2 * QUIET_ZONE
    horizontal = width >= 1.25 * height
    short, long_ = (height, width) if horizontal else (width, height)
    module = min(short / total, (short - 2 * pad) / modules, QR_SHARE * long_ / total)
    if max_module:
        module = min(module, max_module)
    if integer:
        module = math.floor(module)
    if module <= 0 or module / per_mm < MIN_MODULE_MM or (integer and module < 2):
        raise LabelError("payload_too_long",
                         N_("the QR payload is too long for this label size"))
    side = module * modules
    inset = max(QUIET_ZONE * module, pad)
    if horizontal:
        x, y = inset, (height - side) / 2
    else:
        x, y = (width - side) / 2, height - inset - side
    if integer:
        x, y = math.floor(x), math.floor(y)
    qr = QRPlacement(x, y, module, modules)
    if horizontal:
        box = (x + side + QUIET_ZONE * module, pad, width - pad, height - pad)
    else:
        box = (pad, pad, width - pad, y - QUIET_ZONE * module)
    return qr, box


def compute_layout(
    label: LabelData,
    width: float,
    height: float,
    per_mm: float,
    metrics: Metrics,
    *,
    modules: int,
    integer_modules: bool,
    max_module: float | None = None,
) -> Layout:
    """Lay ``label`` out on a ``width`` x ``height`` label (units: ``per_mm`` a mm)."""
    qr, box = _place_qr(width, height, per_mm, modules, integer_modules, max_module)
    x0, y0, x1, y1 = box
    avail_w, avail_h = x1 - x0, y1 - y0
    runs: list[Run] = []
    if avail_w > 4 * per_mm and avail_h > 2 * per_mm:
        fitter = _Fitter(metrics, per_mm, avail_w)
        title_lines = 3 if avail_h >= 40 * per_mm else 2
        blocks, em = _fit(fitter, _specs(label), title_lines, avail_h, per_mm)
        runs = _position(blocks, em, x0, y0, avail_h)
    return Layout(width, height, qr, tuple(runs), box)


def _fit(
    fitter: _Fitter, specs: list[_Spec], title_lines: int, avail_h: float, per_mm: float
) -> tuple[list[list[_Line]], float]:
    for stage, lines, floor_mm in _stages(specs, title_lines):
        if not stage:
            break
        floor = floor_mm * per_mm
        rel = sum(s.rel for s in stage) * LINE
        em = min(EM_CAP_MM * per_mm, avail_h / rel, _width_cap(stage, fitter.width, floor))
        while em >= floor:
            blocks = fitter.blocks(stage, em, lines)
            if _height(blocks) <= avail_h:
                return blocks, em
            em *= 0.94
    return [], 0.0


def _width_cap(specs: list[_Spec], width: float, floor: float) -> float:
    """The largest base size at which the big values (code, expiry) fit unshrunk.

    Keeps the code the largest text on the label; never below ``floor`` (beyond
    that the value itself shrinks).
    """
    cap = math.inf
    for spec in specs:
        if spec.name in ("code", "expiry"):
            caption = unit_width(spec.caption + " ", False) * REL_CAPTION if spec.caption else 0
            cap = min(cap, width / (unit_width(spec.value, spec.bold) * spec.rel + caption))
    return max(cap, floor)


def _position(
    blocks: list[list[_Line]], em: float, x0: float, y0: float, avail_h: float
) -> list[Run]:
    extra = avail_h - _height(blocks)
    gap = min(extra / (len(blocks) - 1), 0.45 * em) if len(blocks) > 1 else 0.0
    y = y0 + (extra - gap * (len(blocks) - 1)) / 2
    runs = []
    for block in blocks:
        for size, segments in block:
            baseline = y + ASCENT * size
            x = x0
            for text, bold, seg_size, advance in segments:
                runs.append(Run(x, baseline, text, seg_size, bold, advance))
                x += advance
            y += LINE * size
        y += gap
    return runs
