"""Timing shared by the benches: each call timed as a request would run it."""

import statistics
import time
from collections.abc import Callable

from krafte_pwa.db_session import write_intent
from krafte_pwa.extensions import db
from krafte_pwa.services import _values
from krafte_pwa.services._tx import transaction


def measure(fn: Callable[[], object], runs: int, *, write: bool = False) -> list[float]:
    """Milliseconds per call; reads end their transaction and every call starts with an
    empty session, as a request does."""
    times = []
    token = write_intent.set(write)
    try:
        for _ in range(runs):
            started = time.perf_counter()
            fn()
            if not write:
                db.session.rollback()
            times.append((time.perf_counter() - started) * 1000)
            db.session.expunge_all()
    finally:
        write_intent.reset(token)
    return times


def figures(times: list[float]) -> tuple[float, float]:
    """Median and 95th percentile."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1,
                                                   round(0.95 * (len(ordered) - 1)))]


# growth in absolute terms below which a ratio between history sizes is not judged
NOISE_FLOOR_MS = 1.0


class Verdicts:
    """The targets a bench prints, met or missed; `exit_code` is 1 when one was missed.
    Each target is judged on the statistic its text names."""

    def __init__(self):
        self.missed: list[str] = []

    def under(self, label: str, statistic: str, value: float, target: float) -> str:
        if value < target:
            return f"{statistic} < {target:g} ms ok"
        self.missed.append(f"{label}: {statistic} {value:.2f} ms, target < {target:g} ms")
        return f"{statistic} < {target:g} ms MISSED"

    def within(self, label: str, statistic: str, small: float, large: float,
               factor: float = 1.5) -> str:
        """`large` (long history) at most `factor` × `small` (short history), or grown by
        less than NOISE_FLOOR_MS (a ratio of two sub-millisecond figures says nothing about
        growth with history: timer and cache effects dominate)."""
        ratio = large / small if small else float("inf")
        if ratio <= factor:
            return f"{ratio:.2f}× ok"
        if large - small < NOISE_FLOOR_MS:
            return (f"{ratio:.2f}× ok (+{large - small:.2f} ms, "
                    f"under the {NOISE_FLOOR_MS:g} ms floor)")
        self.missed.append(f"{label}: {statistic} {large:.2f} ms at the long history is "
                           f"{ratio:.2f}× the {small:.2f} ms of the short one "
                           f"(target ≤ {factor:g}×)")
        return f"{ratio:.2f}× MISSED (≤ {factor:g}×)"

    def exit_code(self) -> int:
        if self.missed:
            print("\ntargets missed:")
            for line in self.missed:
                print("  " + line)
            return 1
        print("\nevery target met")
        return 0


def databases(kind: str):
    """(label, new_url) per database kind to run on: `new_url(name)` gives a fresh
    database, a file in a temporary folder (SQLite) or one on a throwaway PostgreSQL server
    (tests/pg_server.py); everything is removed afterwards."""
    import tempfile
    from pathlib import Path

    if kind in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            yield "SQLite", lambda name: f"sqlite:///{Path(tmp) / name}.db"
    if kind in ("postgresql", "both"):
        from tests.pg_server import PostgresServer, find_bin_dir

        server = PostgresServer(find_bin_dir()).start()
        try:
            yield "PostgreSQL", server.create_database
        finally:
            server.stop()


def bulk_insert(table: str, columns: list[str], rows) -> None:
    """Rows in one transaction through the driver: COPY on PostgreSQL, executemany on
    SQLite. Values as the columns store them (scaled integers, ISO dates)."""
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        if db.engine.dialect.name == "postgresql":
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            raw.commit()
        else:
            marks = ", ".join("?" for _ in columns)
            cur.execute("BEGIN")
            cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                            rows)
            cur.execute("COMMIT")
    finally:
        raw.close()


def copy_lot_keys(conn) -> None:
    """Balances inserted in bulk without them get their lot's expiry, date and status,
    which the ledger copies onto every balance it writes (FEFO, the expiry alerts and
    what is held in lots not released read them)."""
    conn.exec_driver_sql(
        "UPDATE balance SET expiry = (SELECT lot.expiry FROM lot WHERE lot.id = balance.lot_id),"
        " lot_date = (SELECT lot.lot_date FROM lot WHERE lot.id = balance.lot_id),"
        " lot_status = (SELECT lot.status FROM lot WHERE lot.id = balance.lot_id)"
        " WHERE lot_date IS NULL")


def after_bulk(tables: list[str]) -> None:
    """Balances get their lots' keys (copy_lot_keys) and value rows follow the movements
    (written around post(): rebuilt from the ledger); PostgreSQL: move the id sequences
    past the ids inserted by hand, then VACUUM ANALYZE (what autovacuum does to a table that
    grew: statistics and the visibility map that index-only scans rely on); SQLite: ANALYZE."""
    with transaction():
        _values.rebuild()
    with db.engine.begin() as conn:
        copy_lot_keys(conn)
        if conn.dialect.name == "postgresql":
            for table in tables:
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")
        else:
            conn.exec_driver_sql("ANALYZE")
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
