"""Labels: ``LabelData`` → PNG (roll printers), PDF (sheets and rolls), ZPL (Zebra).

Plain Python: no Flask, no database, nothing else from krafte_pwa.
The caller formats and translates every string; this package lays them out.

    label = LabelData("lot", "Cire de soja", "R261123-004",
                      "http://host:8000/l/R261123-004", quantity_text="25 kg",
                      expiry_text="23/11/2027")
    render_png(label, size="62x29", dpi=300)        # bytes, image/png
    render_pdf([label] * 30, layout="a4-3x8")        # bytes, application/pdf
    render_pdf(label, layout="roll-62x29")           # one label, roll-sized page
    render_zpl(label, size="62x29", dpi=203)         # str, ZPL II

Bad sizes, layouts or dpi raise ``LabelError`` with a stable ``code``.
"""

from .data import DEFAULT_CAPTIONS, KINDS, LabelData, LabelError
from .sizes import (
    DPIS,
    PAGE_SIZES,
    ROLL_SIZES,
    SHEET_LAYOUTS,
    RollSize,
    SheetLayout,
    parse_layout,
    roll_layout,
    roll_size,
)
from .text import shorten, wrap


def render_pdf(*args, **kwargs) -> bytes:
    """See labels.pdf.render_pdf (reportlab is loaded on the first PDF, not at start)."""
    from .pdf import render_pdf as render

    return render(*args, **kwargs)


def render_zpl(*args, **kwargs) -> str:
    """See labels.zpl.render_zpl (the QR encoder is loaded on the first label)."""
    from .zpl import render_zpl as render

    return render(*args, **kwargs)


def render_png(*args, **kwargs) -> bytes:
    """See labels.png.render_png (Pillow is loaded on the first PNG, not at start)."""
    from .png import render_png as render

    return render(*args, **kwargs)

__all__ = [
    "DEFAULT_CAPTIONS",
    "DPIS",
    "KINDS",
    "PAGE_SIZES",
    "ROLL_SIZES",
    "SHEET_LAYOUTS",
    "LabelData",
    "LabelError",
    "RollSize",
    "SheetLayout",
    "parse_layout",
    "render_pdf",
    "render_png",
    "render_zpl",
    "roll_layout",
    "roll_size",
    "shorten",
    "wrap",
]
