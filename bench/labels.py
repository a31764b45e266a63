"""Label rendering speed: one PNG label, one 100-label PDF sheet.

    .venv/bin/python bench/labels.py

Every timed call renders labels never seen before (new lot codes, so new QR codes:
the per-payload caches do not help), as when a receipt prints its new lots.
Targets: PNG under 20 ms, a 100-label A4 PDF under 1 s.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from krafte_pwa.labels import LabelData, render_pdf, render_png  # noqa: E402

NAMES = [
    "Crème hydratante à l'huile d'argan et beurre de karité bio — pot 50 ml",
    "Cœur de bougie parfumée",
    "Cire de soja",
    "Savon surgras au lait de chèvre",
    "Huile essentielle de lavande fine AOP",
]
_serial = itertools.count()


def new_label() -> LabelData:
    n = next(_serial)
    code = f"R{261123 + n // 1000}-{n % 1000:03d}"
    return LabelData(
        "lot",
        NAMES[n % len(NAMES)],
        code,
        f"http://host:8000/l/{code}",
        quantity_text=f"{n % 90 + 1} kg",
        expiry_text="23/11/2027",
        date_text="23/11/2025",
        supplier_lot_text=f"SUP-{n:05d}",
    )


def measure(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times) * 1000, p95 * 1000


def main() -> None:
    render_png(new_label(), "62x29", 300)  # load fonts once
    render_pdf([new_label()], "a4-3x8")
    rows = [
        ("PNG 62x29 @300 dpi", lambda: render_png(new_label(), "62x29", 300), 300, 20),
        ("PNG 100x50 @300 dpi", lambda: render_png(new_label(), "100x50", 300), 300, 20),
        ("PNG 4x6in @203 dpi", lambda: render_png(new_label(), "4x6in", 203), 100, 20),
        (
            "PDF a4-3x8, 100 labels",
            lambda: render_pdf([new_label() for _ in range(100)], "a4-3x8"),
            15,
            1000,
        ),
    ]
    print(f"{'case':<26}{'median ms':>10}{'p95 ms':>9}{'p95 target':>11}")
    failed = False
    for name, fn, runs, target in rows:
        median, p95 = measure(fn, runs)
        ok = p95 < target
        failed |= not ok
        print(
            f"{name:<26}{median:>10.1f}{p95:>9.1f}{'<' + str(target):>11}  "
            f"{'ok' if ok else 'MISSED'}"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
