"""QR matrices (error correction M) for label payloads, cached per payload."""

from __future__ import annotations

from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError

from ..errors import N_
from .data import LabelError

QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks

Matrix = tuple[tuple[bool, ...], ...]


def _encode(payload: str, optimize: int) -> Matrix:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, box_size=1)
    try:
        qr.add_data(payload, optimize=optimize)
        qr.make(fit=True)
    except (DataOverflowError, ValueError):
        raise LabelError("payload_too_long", N_("the QR payload is too long to encode")) from None
    return tuple(tuple(bool(v) for v in row) for row in qr.get_matrix())


@lru_cache(maxsize=2048)
def qr_matrix(payload: str) -> Matrix:
    """Rows of dark (True) modules, without the quiet zone."""
    return _encode(payload, optimize=20)


@lru_cache(maxsize=256)
def byte_mode_size(payload: str) -> int:
    """Modules per side when the whole payload is one byte-mode segment.

    A Zebra printer encodes ``^FDMA,`` data itself; a single byte segment is the
    largest symbol it may choose, so the ZPL layout reserves room for that.
    """
    return len(_encode(payload, optimize=0))


@lru_cache(maxsize=2048)
def qr_runs(payload: str) -> tuple[tuple[int, int, int], ...]:
    """Horizontal runs of dark modules as (row, first column, end column)."""
    runs = []
    for r, row in enumerate(qr_matrix(payload)):
        start = None
        for c, dark in enumerate((*row, False)):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                runs.append((r, start, c))
                start = None
    return tuple(runs)
