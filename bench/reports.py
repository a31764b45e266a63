"""Measure the stock valuation, now and at past dates, at 10,000 and 1,000,000 movements,
on SQLite and PostgreSQL.

    .venv/bin/python bench/reports.py                      # 10,000 and 1,000,000, both
    .venv/bin/python bench/reports.py --sizes 10000,100000 --db sqlite

Builds, in an SQLite file under a temporary directory and/or a throwaway PostgreSQL
(tests/pg_server.py), a workshop with 300 items (materials, intermediates, products),
5 storage locations and one WIP location per production order (about 3,000 orders over
the year, the last 15 still open with stock in their WIP), then lots with about ten
movements each, spread over the last 365 days at the largest size; a smaller size is the
last days of that same workshop at the same pace (10,000 of 1,000,000 movements: the
last 3.65 days). So both have a stock now alike (items in stock, open orders' WIP), as a
shorter history of one workshop has; the same year at a hundredth of the pace would have
a fraction of it, and compare stocks, not histories (`--span year` still builds that, to
compare with earlier figures). Movements: receipts or production output, transfers,
issues to production (pick out, pick in, consumption in WIP), shipments of products,
adjustments, counts, waste; most lots older than four months used up. Each movement
carries its lot's unit cost; balances are exactly the sum of their movements, and the
value balances are then rebuilt from the ledger (then VACUUM ANALYZE on PostgreSQL, as
autovacuum would before long). Rows go in with Core bulk inserts in big
transactions.

Prints the median and 95th percentile, in process, of services.reports.valuation:
  now                 Σ of the value balances, by category
  at D days ago       from the nearest month boundary (monthly value changes) and the
                      movements between it and the instant
Reads run as a GET request would (plain BEGIN, rolled back); the CPU column is this
process's mean CPU time per call, which the load of other processes does not inflate.
Targets (wall-clock medians), on each database: valuation now under 50 ms median at every
size, and at the largest size within 1.5× of its median at the smallest (growth of less
than 1 ms in absolute terms is not judged: a ratio of sub-millisecond figures measures the
timer, not the history). Exits 1 when one is missed. (Recalls are timed by bench/recall.py
alone, over its own genealogy.)
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from timing import NOISE_FLOOR_MS, after_bulk, figures, measure  # noqa: E402  (bench/ is on sys.path)

from krafte_pwa import create_app  # noqa: E402
from krafte_pwa.domain.numbers import COST_PLACES, QUANTITY_PLACES  # noqa: E402
from krafte_pwa.extensions import db  # noqa: E402
from krafte_pwa.models import Movement, ValueBalance  # noqa: E402
from krafte_pwa.models import MovementKind as K  # noqa: E402
from krafte_pwa.models.stock_value import NOW as VALUE_NOW  # noqa: E402
from krafte_pwa.services import reports  # noqa: E402

ITEMS = 300
STORAGE = ["STORE", "SHELF-A", "SHELF-B", "COLD", "DISPATCH"]
ORDERS = 3000
OPEN_ORDERS = 15
MOVEMENTS = 1_000_000
DAYS = 365
TARGET_MS = 50.0
GROWTH = 1.5  # the largest history's median at most this times the smallest's
Q = 10 ** QUANTITY_PLACES  # stored quantity = base units × Q
C = 10 ** COST_PLACES
NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(minutes=5)


class Builder:
    """Lots with consistent movements and balances, bulk-inserted."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.next_lot = 1
        self.movements = 0
        self.kinds = (["material"] * 6 + ["intermediate"] * 2 + ["product"] * 2)
        self.item_kind = {i + 1: self.kinds[i % 10] for i in range(ITEMS)}
        self.weights = [1 / (i + 1) ** 0.6 for i in range(ITEMS)]
        self.storage_ids = list(range(1, len(STORAGE) + 1))
        first_wip = len(STORAGE) + 1
        self.wip_ids = list(range(first_wip, first_wip + ORDERS))
        self.open_wip = self.wip_ids[-OPEN_ORDERS:]

    def catalogue(self, conn) -> None:
        now = _ts(NOW)
        conn.exec_driver_sql(
            "INSERT INTO location (id, code, name, kind, archived) VALUES (?, ?, ?, ?, ?)",
            [(i + 1, code, code.title(), "storage", False) for i, code in enumerate(STORAGE)]
            + [(loc, f"MO-{n:05d}", f"WIP MO-{n:05d}", "wip", loc not in self.open_wip)
               for n, loc in enumerate(self.wip_ids, start=1)])
        conn.exec_driver_sql(
            "INSERT INTO partner (id, name, is_supplier, is_customer) VALUES (?, ?, ?, ?)",
            [(i + 1, f"Partner {i + 1}", True, True) for i in range(12)])
        conn.exec_driver_sql(
            "INSERT INTO item (id, sku, name, kind, unit, reorder_point, reorder_quantity, "
            "requires_qc, archived, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, f"SKU{i:03d}", f"Item {i}", kind, ("g", "ml", "pcs", "kg")[i % 4], 0, 0,
              False, False, now) for i, kind in self.item_kind.items()])

    def lots(self, count: int, first_age: float, last_age: float):
        """`count` lots made from `first_age` to `last_age` days ago, oldest first."""
        rng = self.rng
        lots, moves, balances = [], [], []
        for n in range(count):
            lot_id = self.next_lot
            self.next_lot += 1
            age = first_age - (first_age - last_age) * n / max(count - 1, 1)
            made = NOW - timedelta(days=age)
            item = rng.choices(range(1, ITEMS + 1), weights=self.weights)[0]
            kind = self.item_kind[item]
            cost = rng.randrange(1, 50 * C)
            origin = "receipt" if kind == "material" else "production"
            lots.append((lot_id, f"L{lot_id:07d}", item, origin, None, made.date().isoformat(),
                         None, "released", cost, _ts(made)))
            totals: dict[int, int] = {}
            stamp = made
            span = max(age, 0.01) * 86400  # the lot's life so far, in seconds
            history = self._history(kind, used_up=rng.random() < (0.97 if age > 120 else 0.3),
                                    recent=age < 20)
            step = span / (len(history) + 1)
            for location, quantity, move_kind in history:
                stamp += timedelta(seconds=rng.uniform(0.2, 1.0) * step)
                moves.append((lot_id, location, item, quantity, cost, move_kind, None, None,
                              _ts(stamp)))
                totals[location] = totals.get(location, 0) + quantity
            balances.extend((lot_id, loc, item, q) for loc, q in totals.items())
        self.movements += len(moves)
        return lots, moves, balances

    def _history(self, kind: str, used_up: bool, recent: bool) -> list[tuple[int, int, int]]:
        """About ten movements, never below zero at any location."""
        rng = self.rng
        start = rng.choice(self.storage_ids)
        received = rng.randrange(1, 50_000) * Q + rng.randrange(Q)
        here = {start: received}
        first = K.RECEIPT if kind == "material" else K.OUTPUT
        moves = [(start, received, first)]
        target = rng.randrange(6, 13)
        while len(moves) < target:
            stocked = [loc for loc, q in here.items() if q > 1 and loc in self.storage_ids]
            if not stocked:
                break
            source = rng.choice(stocked)
            roll = rng.random()
            quantity = rng.randrange(1, max(2, here[source] // 3))
            if roll < 0.25:
                other = rng.choice([x for x in self.storage_ids if x != source])
                moves += [(source, -quantity, K.TRANSFER_OUT), (other, quantity, K.TRANSFER_IN)]
                here[other] = here.get(other, 0) + quantity
            elif roll < 0.6 and kind != "product":
                open_order = recent and rng.random() < 0.3
                wip = rng.choice(self.open_wip if open_order else self.wip_ids[:-OPEN_ORDERS])
                moves += [(source, -quantity, K.PICK_OUT), (wip, quantity, K.PICK_IN)]
                if not open_order:
                    moves.append((wip, -quantity, K.CONSUME))
                else:
                    here[wip] = here.get(wip, 0) + quantity
            elif roll < 0.85:
                out = K.SHIPMENT if kind == "product" else K.CONSUME
                moves.append((source, -quantity, out))
            else:
                moves.append((source, -quantity, rng.choice([K.ADJUSTMENT, K.COUNT, K.WASTE])))
            here[source] -= quantity
        if used_up:
            moves += [(loc, -q, K.SHIPMENT if kind == "product" else K.CONSUME)
                      for loc, q in here.items() if q and loc in self.storage_ids]
        return moves

    def insert(self, conn, lots, moves, balances) -> None:
        conn.exec_driver_sql(
            "INSERT INTO lot (id, code, item_id, origin, supplier_id, lot_date, expiry, status, "
            "unit_cost, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", lots)
        conn.exec_driver_sql(
            "INSERT INTO movement (lot_id, location_id, item_id, quantity, unit_cost, kind, "
            "document, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", moves)
        conn.exec_driver_sql(
            "INSERT INTO balance (lot_id, location_id, item_id, quantity) VALUES (?, ?, ?, ?)",
            balances)


def _ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def build(builder: Builder, movements: int, days: float = DAYS) -> None:
    """Lots in time order until `movements` are written, ages following the movements
    written so far (so history covers its `days` evenly), 100,000 movements a
    transaction."""
    with db.engine.begin() as conn:
        builder.catalogue(conn)
    pending: list[list] = [[], [], []]
    per_lot, lots_made = 10.0, 0
    while builder.movements < movements:
        size = 500
        first = days * (1 - builder.movements / movements)
        last = days * (1 - (builder.movements + size * per_lot) / movements)
        rows = builder.lots(size, max(first, 0.02), max(last, 0.01))
        lots_made += size
        per_lot = builder.movements / lots_made
        for into, part in zip(pending, rows, strict=True):
            into.extend(part)
        if len(pending[1]) >= 100_000 or builder.movements >= movements:
            with db.engine.begin() as conn:
                builder.insert(conn, *pending)
            pending = [[], [], []]
    # value rows rebuilt from the ledger (the rows were written around post()), lots' keys
    # on their balances; PostgreSQL: VACUUM ANALYZE, as autovacuum does to a table that
    # grew (else it runs during the timings, on the largest size only)
    after_bulk(["lot"])


class _Placeholders:
    """The builder writes SQLite's "?" placeholders; psycopg reads "%s"."""

    def __init__(self, conn):
        self.conn = conn

    def exec_driver_sql(self, sql, *args):
        return self.conn.exec_driver_sql(sql.replace("?", "%s"), *args)


def build_database(movements: int, days: float = DAYS) -> None:
    """build() on the app's database, SQLite or PostgreSQL, over the last `days`."""
    builder = Builder()
    if db.engine.dialect.name == "postgresql":
        catalogue, insert = builder.catalogue, builder.insert
        builder.catalogue = lambda conn: catalogue(_Placeholders(conn))
        builder.insert = lambda conn, *rows: insert(_Placeholders(conn), *rows)
    build(builder, movements, days)


def check_consistency() -> None:
    """Balances are the ledger, in total and per (lot, location); none is negative."""
    with db.engine.connect() as conn:
        mismatched = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM (SELECT lot_id, location_id, SUM(quantity) AS q FROM movement "
            "GROUP BY lot_id, location_id) m JOIN balance b USING (lot_id, location_id) "
            "WHERE b.quantity != m.q").scalar()
        negative = conn.exec_driver_sql("SELECT COUNT(*) FROM balance WHERE quantity < 0"
                                        ).scalar()
    assert mismatched == 0 and negative == 0, (mismatched, negative)


def measure_size(url: str, name: str, movements: int, runs: int, span: float = DAYS) -> float:
    """Build `movements` over the last `span` days on the database at `url`, print the
    figures; the median of now."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        build_database(movements, span)
        check_consistency()
        built = time.perf_counter() - started
        count = db.session.execute(select(func.count(Movement.id))).scalar_one()
        lots = db.session.execute(text("SELECT COUNT(*) FROM lot")).scalar_one()
        stocked = db.session.execute(text("SELECT COUNT(*) FROM balance WHERE quantity > 0")
                                     ).scalar_one()
        value_rows = db.session.execute(select(func.count()).where(
            ValueBalance.period == VALUE_NOW)).scalar_one()
        db.session.rollback()
        print(f"\n{name}: {lots:,} lots, {count:,} movements, {stocked:,} balances with stock "
              f"over {span:g} days, {value_rows} value rows now (built and checked in "
              f"{built:.0f} s); load average {_load()}")
        now = reports.valuation()
        print("valuation now: " + ", ".join(f"{k} {v:.2f}" for k, v in now.as_dict().items()))
        check_past_equals_forward()
        cases = _cases(span)
        measure(cases["now"], 3)  # warm the page cache, as a running server would be
        print(f"\n  {'valuation':<32}{'median ms':>10}{'p95 ms':>10}{'cpu ms':>10}")
        results = {}
        for label, fn in cases.items():
            results[label], cpu = timed(fn, runs if label == "now" else max(5, runs // 3))
            print(f"  {label:<32}{results[label][0]:>10.1f}{results[label][1]:>10.1f}"
                  f"{cpu:>10.1f}")
        db.session.remove()
        db.engine.dispose()
    return results["now"][0]


def _cases(span: float) -> dict[str, Callable[[], object]]:
    """Valuation now, and at past instants within the history."""
    cases: dict[str, Callable[[], object]] = {"now": lambda: reports.valuation()}
    for days in (7, 30, 90, 180, 270, 330):
        if days < span:
            at = (NOW - timedelta(days=days)).isoformat()
            cases[f"at {days} days ago"] = (lambda at=at: reports.valuation(at))
    if 180 < span:
        at = (date.today() - timedelta(days=180)).isoformat()
        cases["at 180 days ago, ledger only"] = (
            lambda: reports.valuation(at, strategy="forward"))
    return cases


def timed(fn: Callable[[], object], runs: int) -> tuple[tuple[float, float], float]:
    """(median, p95) of the wall-clock times, and the mean CPU time of this process per
    call (what the load of other processes does not inflate; the database server's work
    on PostgreSQL is not in it)."""
    started = time.process_time()
    times = measure(fn, runs)
    return figures(times), (time.process_time() - started) * 1000 / runs


def _load() -> str:
    try:
        return " ".join(f"{n:.1f}" for n in os.getloadavg())
    except OSError:
        return "unknown"


def run_database(kind: str, sizes: list[int], runs: int, keep: str | None,
                 span: str = "pace") -> bool:
    medians: dict[int, float] = {}
    name = "SQLite" if kind == "sqlite" else "PostgreSQL"
    days = {size: DAYS * size / max(sizes) if span == "pace" else DAYS for size in sizes}
    if kind == "sqlite":
        for size in sizes:
            with tempfile.TemporaryDirectory() as scratch:
                url = "sqlite:///" + str(Path(keep or scratch) / f"bench-{size}.db")
                medians[size] = measure_size(url, f"{name}, {size:,}", size, runs, days[size])
    else:
        from tests.pg_server import PostgresServer, find_bin_dir

        server = PostgresServer(find_bin_dir()).start()
        try:
            for size in sizes:
                url = server.create_database(f"bench{size}")
                medians[size] = measure_size(url, f"{name}, {size:,}", size, runs, days[size])
        finally:
            server.stop()
    small, large = medians[min(sizes)], medians[max(sizes)]
    under = all(m < TARGET_MS for m in medians.values())
    flat = large <= GROWTH * small or large - small < NOISE_FLOOR_MS
    print(f"\n{name} target: valuation now under {TARGET_MS:.0f} ms median at every size: "
          f"{'met' if under else 'MISSED'} ({', '.join(f'{m:.1f}' for m in medians.values())}"
          f" ms); at {max(sizes):,} within {GROWTH}x of {min(sizes):,}: "
          f"{'met' if flat else 'MISSED'} ({large / small:.2f}x, {large - small:+.2f} ms; "
          f"growth under {NOISE_FLOOR_MS:g} ms is not judged); load average {_load()}")
    return under and flat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,1000000",
                        help="movement counts, comma-separated")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--keep", help="build the SQLite databases in this folder and keep them")
    parser.add_argument("--span", choices=["pace", "year"], default="pace",
                        help="pace: a smaller size is the last days of the largest one's "
                             "workshop, at its pace; year: every size over the whole year")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    met = True
    for kind in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        met &= run_database(kind, sizes, args.runs, args.keep, args.span)
    return 0 if met else 1


def check_past_equals_forward() -> None:
    """The two ways of reading history agree at a few instants (exact decimals)."""
    for days in (3, 100, 200):
        bound = reports.moment((NOW - timedelta(days=days)).isoformat())
        forward = reports._past_values(bound, "forward")
        backward = reports._past_values(bound, "backward")
        auto = reports._past_values(bound)
        keys = set(forward) | set(backward) | set(auto)
        assert all(forward.get(k, 0) == backward.get(k, 0) == auto.get(k, 0)
                   for k in keys), days
    db.session.rollback()


if __name__ == "__main__":
    sys.exit(main())
