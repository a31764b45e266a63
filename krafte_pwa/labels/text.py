"""Fonts and text fitting: wrap to a width, shorten with an ellipsis.

The font is Bitstream Vera, shipped inside reportlab (so Pillow and reportlab draw
the same glyphs, accents and ``œ`` included, with no system font needed).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import reportlab

FONT_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
FONT_FILES = {False: FONT_DIR / "Vera.ttf", True: FONT_DIR / "VeraBd.ttf"}

ELLIPSIS = "\u2026"
# Vera's vertical metrics as a fraction of the font size: room above the baseline
# for accented capitals (É, Ç) and below it for descenders.
ASCENT = 0.93
DESCENT = 0.24
LINE = ASCENT + DESCENT

Measure = Callable[[str], float]

_TRIM = " \t,;:.-\u2013\u2014/\u00b7"


def _longest_prefix(text: str, fits: Callable[[int], bool]) -> int:
    """The largest n (0..len(text)) with fits(n), fits being monotonic."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def shorten(text: str, max_width: float, measure: Measure) -> str:
    """``text`` if it fits in ``max_width``, else its longest prefix that fits with "…".

    Returns "" when not even the ellipsis fits.
    """
    if measure(text) <= max_width:
        return text
    if measure(ELLIPSIS) > max_width:
        return ""
    n = _longest_prefix(text, lambda k: measure(text[:k] + ELLIPSIS) <= max_width)
    return text[:n].rstrip(_TRIM) + ELLIPSIS


def wrap(text: str, max_width: float, measure: Measure, max_lines: int) -> list[str]:
    """Greedy word wrap into at most ``max_lines`` lines no wider than ``max_width``.

    Words longer than a line are broken; text beyond the last line is cut with "…".
    """
    words = text.split()
    lines: list[str] = []
    current = ""
    i = 0
    while i < len(words):
        if len(lines) == max_lines - 1:
            rest = " ".join(([current] if current else []) + words[i:])
            last = shorten(rest, max_width, measure)
            return [*lines, last] if last else lines
        word = words[i]
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= max_width:
            current = candidate
            i += 1
        elif current:
            lines.append(current)
            current = ""
        else:  # a single word wider than the line: break it
            n = max(1, _longest_prefix(word, lambda k, w=word: measure(w[:k]) <= max_width))
            lines.append(word[:n])
            words[i] = word[n:]
    if current:
        lines.append(current)
    return lines


@lru_cache(maxsize=4)
def char_widths(bold: bool) -> tuple[dict[int, float], float]:
    """Advance widths (fraction of the font size) by code point, and a default."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    face = TTFontFile(str(FONT_FILES[bold]))
    widths = {code: w / 1000 for code, w in face.charWidths.items()}
    # charWidths is indexed by code point for the characters the font maps.
    return widths, face.defaultWidth / 1000


@lru_cache(maxsize=8192)
def unit_width(text: str, bold: bool) -> float:
    """Width of ``text`` at font size 1 (no kerning, like reportlab's PDF text)."""
    widths, default = char_widths(bold)
    return sum(widths.get(ord(ch), default) for ch in text)
