"""ZPL II for Zebra printers: the same layout as the PNG, drawn by the printer.

Text uses the printer's scalable font 0 (narrower than Vera Bold, whose widths the
layout uses, so a measured line always fits); each field also gets a one-line
``^FB`` box reaching the right edge of the text area, so the printer itself never runs a line
into the QR code. The QR code is encoded by the printer (``^BQN,2,<magnification>``
with ``^FDMA,<payload>``: error correction M, automatic data mode).
"""

from __future__ import annotations

from ..errors import N_
from .data import LabelData, LabelError
from .layout import Layout, compute_layout
from .qr import byte_mode_size
from .sizes import MM_PER_INCH, check_dpi, roll_size
from .text import unit_width

MAX_MAGNIFICATION = 10  # ^BQ accepts 1..10


class ZplMetrics:
    """Vera Bold widths for every field: an upper bound of font 0's widths."""

    step = 1

    def snap(self, size: float) -> float:
        return int(size)

    def width(self, text: str, bold: bool, size: float) -> float:
        return unit_width(text, True) * int(size)


_SPECIAL = "^~\\"  # command prefixes, and ^FB's own escape character


def field_data(text: str) -> str:
    """``^FD…^FS`` for ``text``, hex-escaped (``^FH``) when it holds ^, ~ or \\."""
    if any(ch in _SPECIAL for ch in text):
        escaped = "".join(f"_{ord(ch):02X}" if ch in _SPECIAL or ch == "_" else ch for ch in text)
        return f"^FH_^FD{escaped}^FS"
    return f"^FD{text}^FS"


def layout_zpl(label: LabelData, size: str = "62x29", dpi: int = 203) -> Layout:
    """The layout ``render_zpl`` writes, in printer dots."""
    dpi = check_dpi(dpi)
    width, height = roll_size(size).pixels(dpi)
    return compute_layout(
        label,
        width,
        height,
        dpi / MM_PER_INCH,
        ZplMetrics(),
        modules=byte_mode_size(label.qr_payload),
        integer_modules=True,
        max_module=MAX_MAGNIFICATION,
    )


def render_zpl(label: LabelData, size: str = "62x29", dpi: int = 203, *, copies: int = 1) -> str:
    """A ZPL II label (``^XA`` … ``^XZ``) for ``size`` at ``dpi``, UTF-8 (``^CI28``).

    ``copies`` > 1 adds ``^PQ`` so the printer repeats the label itself.
    """
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 9999:
        raise LabelError("bad_copies", N_("copies must be between 1 and 9999"))
    dpi = check_dpi(dpi)
    width, height = roll_size(size).pixels(dpi)
    layout = layout_zpl(label, size, dpi)
    qr = layout.qr
    commands = ["^XA", "^CI28", f"^PW{width}", f"^LL{height}", "^LH0,0"]
    commands.append(
        f"^FO{int(qr.x)},{int(qr.y)}^BQN,2,{int(qr.module)}" + field_data(f"MA,{label.qr_payload}")
    )
    box_right = layout.text_box[2]
    for run in layout.runs:  # ^FT places the baseline: caption and value line up
        x, baseline = round(run.x), round(run.baseline)
        size_dots = int(run.size)
        commands.append(
            f"^FT{x},{baseline}^A0N,{size_dots},{size_dots}"
            f"^FB{max(1, int(box_right - x))},1,0,L,0" + field_data(run.text)
        )
    if copies > 1:
        commands.append(f"^PQ{copies}")
    commands.append("^XZ")
    return "\n".join(commands) + "\n"
