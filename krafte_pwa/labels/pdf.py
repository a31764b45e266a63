"""PDF labels: sheets of labels (A4, Letter, custom) or one roll label per page.

The QR code is drawn as vector rectangles (one per run of dark modules, in a
single path so no hairline seams appear between rows) and the text with the
embedded Vera font, so the PDF prints and scans sharply at any resolution.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ..errors import N_
from .data import LabelData, LabelError
from .layout import Layout, compute_layout
from .qr import qr_matrix, qr_runs
from .sizes import MM_PER_INCH, SheetLayout, parse_layout
from .text import FONT_FILES, unit_width

PT_PER_MM = 72 / MM_PER_INCH
FONT_NAMES = {False: "KrafteLabelSans", True: "KrafteLabelSans-Bold"}


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    for bold, name in FONT_NAMES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_FILES[bold])))


class PdfMetrics:
    """Text widths as reportlab draws them (no kerning), sizes in 0.1 pt steps."""

    step = 0.1

    def snap(self, size: float) -> float:
        return math.floor(size * 10 + 1e-9) / 10

    def width(self, text: str, bold: bool, size: float) -> float:
        return unit_width(text, bold) * size


@lru_cache(maxsize=512)
def layout_pdf(label: LabelData, width_mm: float, height_mm: float) -> Layout:
    """The layout of one label in points (y from the label's top edge)."""
    return compute_layout(
        label,
        width_mm * PT_PER_MM,
        height_mm * PT_PER_MM,
        PT_PER_MM,
        PdfMetrics(),
        modules=len(qr_matrix(label.qr_payload)),
        integer_modules=False,
    )


@lru_cache(maxsize=512)
def _qr_path(payload: str) -> str:
    """PDF operators filling the dark modules: one rectangle per run, one fill."""
    rects = " ".join(f"{start} {row} {end - start} 1 re" for row, start, end in qr_runs(payload))
    return f"0 g {rects} f"


def _draw_label(canvas: Canvas, label: LabelData, layout: Layout, left: float, top: float) -> None:
    """Draw ``label`` with its top-left corner at (left, top) in page points."""
    qr = layout.qr
    canvas.saveState()
    # Module units, rows going down: the path is then small integers, cached.
    canvas.transform(qr.module, 0, 0, -qr.module, left + qr.x, top - qr.y)
    canvas.addLiteral(_qr_path(label.qr_payload))
    canvas.restoreState()
    for run in layout.runs:
        canvas.setFont(FONT_NAMES[run.bold], run.size)
        canvas.drawString(left + run.x, top - run.baseline, run.text)


def render_pdf(
    labels: LabelData | Iterable[LabelData],
    layout: str | SheetLayout | Mapping[str, object] = "a4-3x8",
    *,
    start_position: int = 1,
    outline: bool = False,
    title: str = "Labels",
) -> bytes:
    """A PDF of ``labels`` on ``layout`` (see ``parse_layout``), as many pages as needed.

    ``start_position`` (1 = top left, row by row) skips labels already used on a
    partly used first sheet. ``outline`` draws the label edges, to check alignment
    on plain paper.
    """
    sheet = parse_layout(layout)
    items = [labels] if isinstance(labels, LabelData) else list(labels)
    if not items:
        raise LabelError("no_labels", N_("there are no labels to print"))
    if not all(isinstance(item, LabelData) for item in items):
        raise LabelError("bad_label", "labels must be LabelData")
    if (
        isinstance(start_position, bool)
        or not isinstance(start_position, int)
        or not (1 <= start_position <= sheet.per_page)
    ):
        raise LabelError("bad_position", N_("the start position must be between 1 and %(last)s"),
                         last=sheet.per_page)
    _register_fonts()
    out = io.BytesIO()
    page_w, page_h = sheet.page_width_mm * PT_PER_MM, sheet.page_height_mm * PT_PER_MM
    canvas = Canvas(out, pagesize=(page_w, page_h), invariant=True, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("Krafte PWA")
    label_w, label_h = sheet.label_width_mm * PT_PER_MM, sheet.label_height_mm * PT_PER_MM
    position = start_position - 1
    for index, label in enumerate(items):
        if index and position % sheet.per_page == 0:
            canvas.showPage()
        x_mm, y_mm = sheet.origin(position)
        left, top = x_mm * PT_PER_MM, page_h - y_mm * PT_PER_MM
        if outline:
            canvas.saveState()
            canvas.setStrokeGray(0.7)
            canvas.setLineWidth(0.3)
            canvas.roundRect(left, top - label_h, label_w, label_h, 2 * PT_PER_MM)
            canvas.restoreState()
        _draw_label(
            canvas, label, layout_pdf(label, sheet.label_width_mm, sheet.label_height_mm), left, top
        )
        position += 1
    canvas.showPage()
    canvas.save()
    return out.getvalue()
