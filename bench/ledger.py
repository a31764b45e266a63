"""Measure ledger reads and a receipt as history grows: 10,000 then 1,000,000 movements.

    .venv/bin/python bench/ledger.py            # the full run (1,000,000 movements)
    .venv/bin/python bench/ledger.py --scale 0.1

Builds, in an SQLite file under a temporary directory, a workshop with 300 items and
5 locations, then lots with about ten movements each (receipt, transfers, partial takes;
most older lots used up to zero, as in a real workshop), with balances that are exactly
the sum of their movements. Rows go in with Core bulk inserts in big transactions, with
quantities and costs already scaled to the integers the exact columns store.

At 1,000 lots / 10,000 movements and at 100,000 lots / 1,000,000 movements it prints
the median and 95th percentile, in process, of:
  lot lookup     services.queries.lot_detail (the lot, its balances per location)
  availability   services.queries.item_by_sku + item_stock (on hand, usable, available)
  receipt        services.stock.receive_goods with one line (one transaction, committed)
Reads run as a GET request would (write intent off: a plain BEGIN, rolled back, on
SQLite; on PostgreSQL no transaction at all, as nothing is written); the receipt as a POST
does. Beside each wall time: the median CPU time of this process and the statements per
call, which the machine's other load does not move.
Targets, on the median at 1,000,000 movements: lot lookup under 2 ms, availability under
5 ms, and both within 1.5× of their figure at 10,000 movements.

    .venv/bin/python bench/ledger.py --db postgresql   # or sqlite, both (default)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from timing import (  # noqa: E402  (bench/ is on sys.path)
    Verdicts,
    after_bulk,
    bulk_insert,
    databases,
    figures,
    measure,
)

from krafte_pwa import create_app  # noqa: E402
from krafte_pwa.domain.numbers import COST_PLACES, QUANTITY_PLACES  # noqa: E402
from krafte_pwa.extensions import db  # noqa: E402
from krafte_pwa.models import Balance, Lot, Movement, MovementKind  # noqa: E402
from krafte_pwa.services import queries, stock  # noqa: E402
from krafte_pwa.services._ledger import ledger_sum  # noqa: E402

ITEMS = 300
LOCATIONS = ["STORE", "SHELF-A", "SHELF-B", "COLD", "DISPATCH"]
MOVES_PER_LOT = 10
TARGETS_MS = {"lot lookup": 2.0, "availability": 5.0}
Q = 10 ** QUANTITY_PLACES  # stored quantity = base units x Q
C = 10 ** COST_PLACES
TODAY = date.today()
HISTORY_DAYS = 1100


class Builder:
    """Generates lots with consistent movements and balances, and bulk-inserts them."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.next_lot = 1
        self.per_day: dict[date, int] = {}
        self.lot_codes: list[str] = []
        self.movements = 0
        # some items have far more lots than others (a few base materials dominate)
        self.item_weights = [1 / (i + 1) ** 0.6 for i in range(ITEMS)]

    def catalogue(self) -> None:
        now = _ts(datetime.now())
        units = ["g", "ml", "pcs", "kg"]
        kinds = ["material"] * 6 + ["intermediate"] * 2 + ["product"] * 2
        bulk_insert("location", ["id", "code", "name", "kind", "archived"],
                    [(i + 1, code, code.title(), "storage", False)
                     for i, code in enumerate(LOCATIONS)])
        bulk_insert("partner", ["id", "name", "is_supplier", "is_customer"],
                    [(i + 1, f"Supplier {i + 1}", True, False) for i in range(12)])
        bulk_insert(
            "item", ["id", "sku", "name", "kind", "unit", "reorder_point", "reorder_quantity",
                     "requires_qc", "archived", "created_at"],
            [(i + 1, f"SKU{i + 1:03d}", f"Item {i + 1}", kinds[i % 10], units[i % 4],
              0, 0, False, False, now) for i in range(ITEMS)])

    def lots(self, count: int, first_day: int, last_day: int):
        """`count` lots dated from `first_day` to `last_day` days ago, oldest first."""
        rng = self.rng
        lots, moves, balances = [], [], []
        for n in range(count):
            lot_id = self.next_lot
            self.next_lot += 1
            age = first_day - (first_day - last_day) * n // max(count - 1, 1)
            on = TODAY - timedelta(days=age)
            seq = self.per_day[on] = self.per_day.get(on, 0) + 1
            code = f"R{on:%y%m%d}-{seq:03d}"
            self.lot_codes.append(code)
            item = rng.choices(range(1, ITEMS + 1), weights=self.item_weights)[0]
            cost = rng.randrange(0, 50 * C)
            expiry = on + timedelta(days=rng.randrange(180, 900)) if rng.random() < 0.6 else None
            status = rng.choices(["released", "quarantine", "blocked"], [0.94, 0.04, 0.02])[0]
            lots.append((lot_id, code, item, "receipt", rng.randrange(1, 13), None, str(on),
                         str(expiry) if expiry else None, status, cost, _ts(on)))
            # the newest lots still have stock; older ones were used up
            used_up = rng.random() < (0.97 if age > 120 else 0.3)
            stamp = datetime.combine(on, datetime.min.time()) + timedelta(hours=8)
            totals: dict[int, int] = {}
            for location, quantity, kind in self._history(used_up):
                stamp += timedelta(hours=rng.randrange(1, 30))
                moves.append((lot_id, location, item, quantity, cost, kind, code, None,
                              _ts(stamp)))
                totals[location] = totals.get(location, 0) + quantity
            balances.extend((lot_id, loc, item, q) for loc, q in totals.items())
        self.movements += len(moves)
        return lots, moves, balances

    def _history(self, used_up: bool) -> list[tuple[int, int, int]]:
        """Exactly MOVES_PER_LOT movements: receipt, transfers, partial takes, and for a
        used-up lot the takes that empty every location; never below zero."""
        rng = self.rng
        start = rng.randrange(1, len(LOCATIONS) + 1)
        received = rng.randrange(1, 100_000) * Q + rng.randrange(Q)
        here = {start: received}
        moves = [(start, received, MovementKind.RECEIPT)]

        def left() -> int:
            holding = sum(1 for q in here.values() if q) if used_up else 0
            return MOVES_PER_LOT - len(moves) - holding

        while left() > 0:
            stocked = [loc for loc, q in here.items() if q > 1]
            source = rng.choice(stocked)
            if left() >= 3 and rng.random() < 0.35:
                target = rng.choice([x for x in range(1, len(LOCATIONS) + 1) if x != source])
                quantity = rng.randrange(1, here[source])
                moves += [(source, -quantity, MovementKind.TRANSFER_OUT),
                          (target, quantity, MovementKind.TRANSFER_IN)]
                here[source] -= quantity
                here[target] = here.get(target, 0) + quantity
            else:
                quantity = rng.randrange(1, max(2, here[source] // 3))
                moves.append((source, -quantity, MovementKind.CONSUME))
                here[source] -= quantity
        if used_up:
            moves += [(loc, -q, MovementKind.CONSUME) for loc, q in here.items() if q]
        assert len(moves) == MOVES_PER_LOT
        return moves

    def insert(self, lots, moves, balances) -> None:
        bulk_insert("lot", ["id", "code", "item_id", "origin", "supplier_id", "supplier_lot",
                            "lot_date", "expiry", "status", "unit_cost", "created_at"], lots)
        bulk_insert("movement", ["lot_id", "location_id", "item_id", "quantity", "unit_cost",
                                 "kind", "document", "reason", "created_at"], moves)
        bulk_insert("balance", ["lot_id", "location_id", "item_id", "quantity"], balances)


def _ts(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return f"{value:%Y-%m-%d} 00:00:00.000000"


def grow(builder: Builder, lots: int, first_day: int, last_day: int, batch: int = 10_000):
    """Add `lots` lots in transactions of `batch` lots (100,000 movements)."""
    done = 0
    while done < lots:
        size = min(batch, lots - done)
        span = (first_day - last_day) * size // lots
        start = first_day - (first_day - last_day) * done // lots
        rows = builder.lots(size, start, max(last_day, start - span))
        builder.insert(*rows)
        done += size
    after_bulk(["location", "partner", "item", "lot", "movement"])


def check_consistency(builder: Builder, samples: int = 300) -> None:
    """Balances are the ledger: in total, and one by one for a sample."""
    with db.engine.connect() as conn:
        total_balances = conn.exec_driver_sql("SELECT SUM(quantity) FROM balance").scalar()
        total_moves = conn.exec_driver_sql("SELECT SUM(quantity) FROM movement").scalar()
        negative = conn.exec_driver_sql("SELECT COUNT(*) FROM balance WHERE quantity < 0"
                                        ).scalar()
    assert total_balances == total_moves and negative == 0
    rows = db.session.execute(select(Balance.lot_id, Balance.location_id, Balance.quantity)
                              .order_by(func.random()).limit(samples)).all()
    for lot_id, location_id, quantity in rows:
        assert ledger_sum(lot_id, location_id) == quantity
    db.session.rollback()


class Counted:
    """Wraps a call to also keep its CPU time (this process) and its statements: figures
    the machine's other load moves little, printed beside the wall times."""

    def __init__(self, fn: Callable[[], object]):
        self.fn, self.cpu, self.statements = fn, [], []

    def __call__(self):
        from sqlalchemy import event

        seen = []

        def count(*_args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        started = time.process_time()
        try:
            return self.fn()
        finally:
            self.cpu.append((time.process_time() - started) * 1000)
            event.remove(db.engine, "before_cursor_execute", count)
            self.statements.append(len(seen))


def timed(fn: Callable[[], object], runs: int, *, write: bool = False):
    """(median, p95, CPU median, statements per call) of `runs` calls."""
    counted = Counted(fn)
    median, p95 = figures(measure(counted, runs, write=write))
    return (median, p95, statistics.median(counted.cpu),
            statistics.median(counted.statements))


def run_reads(builder: Builder, runs: int, receipts: int) -> dict[str, tuple]:
    rng = random.Random(11)
    codes = builder.lot_codes
    skus = [f"SKU{i + 1:03d}" for i in range(ITEMS)]
    results = {}
    # warm the caches once, as a running server would be
    measure(lambda: queries.lot_detail(rng.choice(codes)), 50)
    results["lot lookup"] = timed(lambda: queries.lot_detail(rng.choice(codes)), runs)
    results["availability"] = timed(
        lambda: queries.item_stock(queries.item_by_sku(rng.choice(skus))), runs)
    heavy = max(range(ITEMS), key=lambda i: builder.item_weights[i])
    results["availability, busiest item"] = timed(
        lambda: queries.item_stock(queries.item_by_sku(skus[heavy])), runs)
    results["receipt (1 line)"] = timed(lambda: stock.receive_goods(
        supplier="Supplier 1", location=rng.choice(LOCATIONS),
        lines=[{"item": rng.choice(skus), "quantity": "12,5", "unit_cost": "0.42"}]),
        receipts, write=True)
    return results


def report(label: str, results: dict[str, tuple]) -> None:
    counts = db.session.execute(select(func.count(Movement.id))).scalar_one()
    lots = db.session.execute(text("SELECT COUNT(*) FROM lot")).scalar_one()
    db.session.rollback()
    print(f"\n{label}: {lots:,} lots, {counts:,} movements")
    print(f"  {'operation':<28}{'median ms':>10}{'p95 ms':>10}{'cpu ms':>10}{'statements':>12}")
    for name, (median, p95, cpu, statements) in results.items():
        print(f"  {name:<28}{median:>10.3f}{p95:>10.3f}{cpu:>10.3f}{statements:>12g}")
    print("  load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def explain(sql_of: Callable[[], object]) -> None:
    """Print the database's plan for the statements a call runs."""
    from sqlalchemy import event

    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        sql_of()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
        db.session.rollback()
    with db.engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            pg = conn.dialect.name == "postgresql"
            plan = conn.exec_driver_sql(("EXPLAIN " if pg else "EXPLAIN QUERY PLAN ")
                                        + statement, parameters).all()
            print("    " + " ".join(statement.split())[:140])
            for row in plan:
                print("      plan:", row[0] if pg else row[-1])


def run(url: str, label: str, args, verdicts: Verdicts) -> None:
    big_lots = int(100_000 * args.scale)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        builder = Builder()
        builder.catalogue()
        started = time.perf_counter()
        grow(builder, 1_000, HISTORY_DAYS, 1)
        check_consistency(builder)
        print(f"\n{label}: built 1,000 lots in {time.perf_counter() - started:.1f} s")
        small = run_reads(builder, args.runs, args.receipts)
        report("small history", small)
        started = time.perf_counter()
        # a hundred times the history: more lots over the same years, 10 movements each
        builder.next_lot = db.session.execute(select(func.max(Lot.id))).scalar() + 1
        db.session.rollback()
        grow(builder, big_lots - 1_000, HISTORY_DAYS, 1)
        check_consistency(builder)
        print(f"\n{label}: grew to {big_lots:,} lots in {time.perf_counter() - started:.1f} s")
        large = run_reads(builder, args.runs, args.receipts)
        report("large history", large)
        if args.explain:
            explain(lambda: queries.lot_detail(builder.lot_codes[-1]))
            explain(lambda: queries.item_stock(queries.item_by_sku("SKU001")))
        print(f"\n{label}: targets on the median (large history)")
        for name, target in TARGETS_MS.items():
            print(f"  {name:<28}{large[name][0]:>8.3f} ms   "
                  f"{verdicts.under(f'{label} {name}', 'median', large[name][0], target)}, "
                  f"{verdicts.within(f'{label} {name}', 'median', small[name][0], large[name][0])}")
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the 1,000,000-movement history to build")
    parser.add_argument("--runs", type=int, default=2000, help="timed calls per read")
    parser.add_argument("--receipts", type=int, default=300, help="timed receipts")
    parser.add_argument("--explain", action="store_true", help="print query plans")
    args = parser.parse_args(argv)
    verdicts = Verdicts()
    for label, new_url in databases(args.db):
        run(new_url("ledger"), label, args, verdicts)
    return verdicts.exit_code()


if __name__ == "__main__":
    sys.exit(main())
