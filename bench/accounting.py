"""Measure the stock journal, its FEC file and the valuation at past instants over
1,000,000 movements.

    .venv/bin/python bench/accounting.py              # the full run (1,000,000 movements)
    .venv/bin/python bench/accounting.py --scale 0.1  # 100,000 movements

Builds the year of bench/reports.py (300 items, about 3,000 production orders, lots with
about ten movements each over 365 days) in an SQLite file, then gives the movements
documents as the services would (a few consecutive movements share one; adjustments have
none). Prints the median and 95th percentile, in process, as a GET request would run them:
  journal, perpetual / periodic   services.accounting.journal for last month
  FEC, perpetual                  the journal of last month and its FEC file
  valuation at D days ago         services.reports.valuation at a past instant
Targets: the journal and the FEC of a month under 2 s; a past valuation under 200 ms.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reports import MOVEMENTS, NOW, Builder, build, check_consistency  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from timing import figures, measure  # noqa: E402  (bench/ is on sys.path)

from krafte_pwa import create_app  # noqa: E402
from krafte_pwa.extensions import db  # noqa: E402
from krafte_pwa.models import Movement  # noqa: E402
from krafte_pwa.services import accounting  # noqa: E402
from krafte_pwa.services import reports as valuation_reports  # noqa: E402

JOURNAL_TARGET_MS = 2000.0
VALUATION_TARGET_MS = 200.0


def give_documents() -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE movement SET document = printf('D%08d', id / 3) "
                             "WHERE kind <> 30")
        conn.exec_driver_sql("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", help="build the database in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or scratch
        url = "sqlite:///" + str(Path(folder) / "bench.db")
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context(), app.test_request_context():
            db.create_all()
            started = time.perf_counter()
            build(Builder(), int(MOVEMENTS * args.scale))
            give_documents()
            check_consistency()
            built = time.perf_counter() - started
            count = db.session.execute(select(func.count(Movement.id))).scalar_one()
            last = NOW.date().replace(day=1) - timedelta(days=1)
            first = last.replace(day=1)
            in_month = db.session.execute(select(func.count(Movement.id)).where(
                func.date(Movement.created_at).between(first.isoformat(), last.isoformat()))
            ).scalar_one()
            db.session.rollback()
            print(f"{count:,} movements, {in_month:,} of them in {first:%Y-%m} "
                  f"(built in {built:.0f} s)")

            def journal(method):
                accounting.save(method=method)
                return lambda: accounting.journal(first.isoformat(), last.isoformat())

            def fec():
                return accounting.export(
                    accounting.journal(first.isoformat(), last.isoformat()), "fec")

            perpetual = journal("perpetual")
            book = perpetual()
            lines = sum(len(e.lines) for e in book.entries)
            print(f"perpetual journal of {first:%Y-%m}: {len(book.entries):,} entries, "
                  f"{lines:,} lines; FEC {len(fec().content):,} bytes")
            db.session.rollback()
            results = {}
            print(f"\n  {'':<36}{'median ms':>10}{'p95 ms':>10}")
            for name, fn in (("journal, perpetual", perpetual), ("FEC, perpetual", fec)):
                results[name] = figures(measure(fn, args.runs))
                print(f"  {name:<36}{results[name][0]:>10.1f}{results[name][1]:>10.1f}")
            periodic = journal("periodic")
            results["journal, periodic"] = figures(measure(periodic, args.runs))
            print(f"  {'journal, periodic':<36}{results['journal, periodic'][0]:>10.1f}"
                  f"{results['journal, periodic'][1]:>10.1f}")
            for days in (7, 30, 90, 180, 270, 330):
                at = (NOW - timedelta(days=days)).isoformat()
                name = f"valuation at {days} days ago"
                results[name] = figures(measure(
                    lambda at=at: valuation_reports.valuation(at), args.runs))
                print(f"  {name:<36}{results[name][0]:>10.1f}{results[name][1]:>10.1f}")
            worst_journal = max(results[n][0] for n in results if not n.startswith("val"))
            worst_value = max(results[n][0] for n in results if n.startswith("val"))
            print(f"\ntarget: journal and FEC of a month under {JOURNAL_TARGET_MS:.0f} ms: "
                  f"{'met' if worst_journal < JOURNAL_TARGET_MS else 'MISSED'} "
                  f"(worst median {worst_journal:.0f} ms)")
            print(f"target: valuation at a past instant under {VALUATION_TARGET_MS:.0f} ms: "
                  f"{'met' if worst_value < VALUATION_TARGET_MS else 'MISSED'} "
                  f"(worst median {worst_value:.0f} ms)")


if __name__ == "__main__":
    main()
