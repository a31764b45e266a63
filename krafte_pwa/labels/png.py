"""PNG labels at the printer's exact resolution, 1-bit by default (thermal printers)."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from .data import LabelData, LabelError
from .layout import Layout, compute_layout
from .qr import qr_matrix
from .sizes import MM_PER_INCH, check_dpi, roll_size
from .text import FONT_FILES

MODES = ("1", "L")


@lru_cache(maxsize=256)
def font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILES[bold]), size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=16384)
def _text_width(text: str, bold: bool, size: int, mode: str) -> float:
    return font(bold, size).getlength(text, mode=mode)


class PillowMetrics:
    """Text widths as Pillow will draw them (hinted, whole pixel font sizes)."""

    step = 1

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def snap(self, size: float) -> float:
        return int(size)

    def width(self, text: str, bold: bool, size: float) -> float:
        return _text_width(text, bold, int(size), self.mode)


@lru_cache(maxsize=512)
def _qr_image(payload: str, module: int, mode: str) -> Image.Image:
    matrix = qr_matrix(payload)
    n = len(matrix)
    data = bytes(0 if dark else 255 for row in matrix for dark in row)
    small = Image.frombytes("L", (n, n), data)
    return small.resize((n * module, n * module), Image.Resampling.NEAREST).convert(mode)


def layout_png(label: LabelData, size: str = "62x29", dpi: int = 300, mode: str = "1") -> Layout:
    """The layout ``render_png`` draws, in printer dots (useful to check geometry)."""
    dpi = check_dpi(dpi)
    width, height = roll_size(size).pixels(dpi)
    return compute_layout(
        label,
        width,
        height,
        dpi / MM_PER_INCH,
        PillowMetrics(mode),
        modules=len(qr_matrix(label.qr_payload)),
        integer_modules=True,
    )


def render_png(label: LabelData, size: str = "62x29", dpi: int = 300, *, mode: str = "1") -> bytes:
    """A PNG of ``label`` at ``size`` and ``dpi``: exact printer pixels, dpi recorded.

    ``mode`` "1" (default) gives crisp 1-bit output for thermal printers; "L" gives
    anti-aliased grayscale for screens and inkjets.
    """
    if mode not in MODES:
        raise LabelError("bad_mode", "mode must be one of %(modes)s", modes=", ".join(MODES))
    dpi = check_dpi(dpi)
    layout = layout_png(label, size, dpi, mode)
    image = Image.new(mode, (int(layout.width), int(layout.height)), 255)
    qr = layout.qr
    image.paste(_qr_image(label.qr_payload, int(qr.module), mode), (int(qr.x), int(qr.y)))
    draw = ImageDraw.Draw(image)
    for run in layout.runs:
        draw.text(
            (run.x, round(run.baseline)),
            run.text,
            fill=0,
            font=font(run.bold, int(run.size)),
            anchor="ls",
        )
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi), optimize=False)
    return out.getvalue()
