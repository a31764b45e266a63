"""Measure the stock journal, its FEC file and the valuation at past instants over
1,000,000 movements.

    .venv/bin/python bench/accounting.py              # the full run (1,000,000 movements)
    .venv/bin/python bench/accounting.py --scale 0.1  # 100,000 movements
    .venv/bin/python bench/accounting.py --db postgresql   # or sqlite, both (default)
    .venv/bin/python bench/accounting.py --db sqlite --keep /tmp/acc  # build once, reuse

Builds the year of bench/reports.py (300 items, about 3,000 production orders, lots with
about ten movements each over 365 days) in an SQLite file and/or a throwaway PostgreSQL
(tests/pg_server.py), then gives the movements
documents as the services would (a few consecutive movements share one; adjustments have
none). Prints the median and 95th percentile, in process, as a GET request would run them:
  journal, perpetual / periodic   services.accounting.journal for last month
  FEC, perpetual                  the journal of last month and its FEC file, every
                                  chunk of it as the streamed answer sends it
  valuation at D days ago         services.reports.valuation at a past instant
The CPU column is this process's mean CPU time per call (the load of other processes
does not inflate it; on PostgreSQL the server's work is not in it).
Targets: the journal and the FEC of a month under 2 s; a past valuation under 200 ms.
Exits with status 1 when a median misses its target on any database.
--keep DIR: the SQLite database is built in DIR and kept; a later run with the same DIR
reuses it (delete it to build afresh; it must be of the same month).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reports import MOVEMENTS, NOW, build_database, check_consistency, timed  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from krafte_pwa import create_app  # noqa: E402
from krafte_pwa.extensions import db  # noqa: E402
from krafte_pwa.models import Movement  # noqa: E402
from krafte_pwa.services import accounting  # noqa: E402
from krafte_pwa.services import reports as valuation_reports  # noqa: E402

JOURNAL_TARGET_MS = 2000.0
VALUATION_TARGET_MS = 200.0


def give_documents() -> None:
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("UPDATE movement SET document = 'D' || "
                                 "lpad((id / 3)::text, 8, '0') WHERE kind <> 30")
        else:
            conn.exec_driver_sql("UPDATE movement SET document = printf('D%08d', id / 3) "
                                 "WHERE kind <> 30")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def measure_month(first, last, runs: int) -> dict[str, tuple[float, float, float]]:
    """The journal and FEC of the month [first, last], then past valuations; printed.
    label -> (median ms, p95 ms, mean CPU ms)."""
    def journal(method):
        accounting.save(method=method)
        return lambda: accounting.journal(first.isoformat(), last.isoformat())

    def fec():
        export = accounting.export(
            accounting.journal(first.isoformat(), last.isoformat()), "fec")
        return sum(len(chunk) for chunk in export.stream())

    perpetual = journal("perpetual")
    book = perpetual()
    lines = sum(len(e.lines) for e in book.entries)
    print(f"perpetual journal of {first:%Y-%m}: {len(book.entries):,} entries, "
          f"{lines:,} lines; FEC {fec():,} bytes")
    db.session.rollback()
    results = {}
    print(f"\n  {'':<36}{'median ms':>10}{'p95 ms':>10}{'cpu ms':>10}")

    def show(label, fn):
        (median, p95), cpu = timed(fn, runs)
        results[label] = (median, p95, cpu)
        print(f"  {label:<36}{median:>10.1f}{p95:>10.1f}{cpu:>10.1f}")

    show("journal, perpetual", perpetual)
    show("FEC, perpetual", fec)
    show("journal, periodic", journal("periodic"))
    for days in (7, 14, 30, 90, 180, 270, 330):
        at = (NOW - timedelta(days=days)).isoformat()
        show(f"valuation at {days} days ago", lambda at=at: valuation_reports.valuation(at))
    return results


def run(url: str, name: str, args) -> bool:
    """Build, measure, print; True when every target is met."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context(), app.test_request_context():
        db.create_all()
        started = time.perf_counter()
        count = db.session.execute(select(func.count(Movement.id))).scalar_one()
        db.session.rollback()  # the build writes through connections of its own
        if not count:  # a kept database is reused
            build_database(int(MOVEMENTS * args.scale))
            give_documents()
            check_consistency()
            count = db.session.execute(select(func.count(Movement.id))).scalar_one()
        built = time.perf_counter() - started
        last = NOW.date().replace(day=1) - timedelta(days=1)
        first = last.replace(day=1)
        in_month = db.session.execute(select(func.count(Movement.id)).where(
            Movement.created_at >= datetime.combine(first, dtime()),
            Movement.created_at < datetime.combine(last + timedelta(days=1), dtime()))
        ).scalar_one()
        db.session.rollback()
        print(f"\n{name}: {count:,} movements, {in_month:,} of them in {first:%Y-%m} "
              f"(built in {built:.0f} s); load average {_load()}")

        results = measure_month(first, last, args.runs)
        worst_journal = max(results[n][0] for n in results if not n.startswith("val"))
        worst_value = max(results[n][0] for n in results if n.startswith("val"))
        journal_cpu = max(results[n][2] for n in results if not n.startswith("val"))
        value_cpu = max(results[n][2] for n in results if n.startswith("val"))
        slowest_value = max(results[n][1] for n in results if n.startswith("val"))
        journal_met = worst_journal < JOURNAL_TARGET_MS
        value_met = worst_value < VALUATION_TARGET_MS
        print(f"\n{name} target: journal and FEC of a month under {JOURNAL_TARGET_MS:.0f} ms: "
              f"{'met' if journal_met else 'MISSED'} (worst median {worst_journal:.0f} ms, "
              f"worst CPU {journal_cpu:.0f} ms)")
        print(f"{name} target: valuation at a past instant under "
              f"{VALUATION_TARGET_MS:.0f} ms: {'met' if value_met else 'MISSED'} "
              f"(worst median {worst_value:.0f} ms, slowest run {slowest_value:.0f} ms, "
              f"worst CPU {value_cpu:.0f} ms); load average {_load()}")
        db.session.remove()
        db.engine.dispose()
    return journal_met and value_met


def _load() -> str:
    try:
        return " ".join(f"{n:.1f}" for n in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--keep", help="build the SQLite database in this folder and keep it")
    args = parser.parse_args()
    met = True
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as scratch:
            folder = args.keep or scratch
            met &= run("sqlite:///" + str(Path(folder) / "bench.db"), "SQLite", args)
    if args.db in ("postgresql", "both"):
        from tests.pg_server import PostgresServer, find_bin_dir

        server = PostgresServer(find_bin_dir()).start()
        try:
            met &= run(server.create_database("bench"), "PostgreSQL", args)
        finally:
            server.stop()
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
