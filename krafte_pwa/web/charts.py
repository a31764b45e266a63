"""Line charts as inline SVG, drawn on the server: no script, readable on a phone (the
drawing scales to the width; labels stay large), printable, and they work offline.

Values are exact Decimals; only pixel positions are computed in floating point.
"""

import math
from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH, HEIGHT = 420, 250  # a phone shows it at about its own size: 12–13 px text
LEFT, RIGHT, TOP, BOTTOM = 62, 10, 32, 30
PALETTE = ("#1f4e5f", "#c46d00", "#1c6b3a", "#7a3e9d", "#a3162b")


def _nice_top(value: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10^n at or above `value` (the y axis ends there)."""
    if value <= 0:
        return Decimal(1)
    exponent = Decimal(10) ** (len(str(int(value))) - 1) if value >= 1 else \
        Decimal(10) ** math.floor(math.log10(float(value)))
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def line_chart(days: list[date], series: list[tuple[str, list[Decimal]]], *, title: str,
               fmt=str, fmt_day=lambda d: d.isoformat()) -> Markup:
    """One line per (label, values) over `days`; `fmt` writes a y value, `fmt_day` a day."""
    legend, row, lx = [], 0, 8
    for label, _values in series:
        need = 26 + 7 * len(label)
        if lx + need > WIDTH and lx > 8:
            row, lx = row + 1, 8
        legend.append((lx, 10 + 20 * row))
        lx += need
    top = TOP + 20 * row
    height = HEIGHT + 20 * row  # the plot keeps its height when the legend wraps
    values = [v for _, vs in series for v in vs if v is not None]
    low = min(min(values, default=Decimal(0)), Decimal(0))
    high = _nice_top(max(values, default=Decimal(0)))
    if low < 0:
        low = -_nice_top(-low)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - top - BOTTOM
    span = float(high - low) or 1.0

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (len(days) - 1) if len(days) > 1 else plot_w / 2)

    def y(v: Decimal) -> float:
        return top + plot_h * (1 - float(v - low) / span)

    out = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
           f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
           'font-family="system-ui,sans-serif">',  # its frame: svg.chart in app.css
           f"<title>{escape(title)}</title>"]
    for n in range(5):
        value = low + (high - low) * n / 4
        yy = y(value)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" '
                   f'stroke="{"#14212b" if value == 0 else "#d5dade"}" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 5}" y="{yy + 4:.1f}" font-size="12" text-anchor="end" '
                   f'fill="#4f5b64">{escape(fmt(value))}</text>')
    if days:
        marks = sorted({0, len(days) // 2, len(days) - 1})
        for i in marks:
            anchor = "start" if i == 0 and len(days) > 1 else (
                "end" if i == len(days) - 1 and len(days) > 1 else "middle")
            out.append(f'<text x="{x(i):.1f}" y="{height - 10}" font-size="12" '
                       f'text-anchor="{anchor}" fill="#4f5b64">{escape(fmt_day(days[i]))}</text>')
    for n, (label, vs) in enumerate(series):
        legend_x, legend_y = legend[n]
        color = PALETTE[n % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vs) if v is not None)
        width = 3 if n == 0 else 2
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="{width}" '
                   f'stroke-linejoin="round" points="{points}"><title>{escape(label)}</title>'
                   "</polyline>")
        out.append(f'<rect x="{legend_x}" y="{legend_y}" width="12" height="12" rx="3" '
                   f'fill="{color}"/><text x="{legend_x + 16}" y="{legend_y + 11}" '
                   f'font-size="13" fill="#14212b">{escape(label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))
