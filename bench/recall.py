"""Measure a recall over a deep genealogy with 1,000,000 movements in the ledger.

    .venv/bin/python bench/recall.py              # the full run (1,000,000 movements)
    .venv/bin/python bench/recall.py --scale 0.1
    .venv/bin/python bench/recall.py --fanout 2,2,2,2,2,3   # deeper, narrower trees

Builds, in an SQLite file under a temporary directory, a cosmetics workshop history as
"families": a supplier's material lot goes into 4 base batches; each base batch into 3
sub-bases; each sub-base into 6 product batches (levels set by --fanout); every batch also
consumes other material lots. Each product batch is shipped to 3 customers. A lot has about
10 movements (its receipt or output, moves between shelves, what production consumed or
shipments took; a material many batches used, more), so the ledger reaches 1,000,000
movements with about 89,000 lots, 250,000 genealogy rows and 204,000 shipped lots.
Balances are exactly the sum of their movements. Rows go in with bulk Core inserts in
big transactions.

Then it times, in process and as a GET request would (plain BEGIN, rolled back):
  recall of a material lot   services.recall.recall(code): every lot made from it at all
                             levels (89 with the default fanout), stock per location, the
                             customers who received one (216 deliveries)
  recall of a product lot    a customer's complaint: the lot and who received it
  forward trace              services.trace.trace_lot(code, "forward"), for comparison
and prints the median and 95th percentile. Target: recall median under 100 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402
from timing import copy_lot_keys, figures, measure  # noqa: E402  (bench/ is on sys.path)

from krafte_pwa import create_app  # noqa: E402
from krafte_pwa.domain.numbers import QUANTITY_PLACES  # noqa: E402
from krafte_pwa.extensions import db  # noqa: E402
from krafte_pwa.models import (  # noqa: E402
    Genealogy,
    Item,
    Location,
    Lot,
    Movement,
    MovementKind,
    Partner,
    ProductionOrder,
    Recipe,
    Shipment,
    ShipmentLine,
    ShipmentLot,
)
from krafte_pwa.services import recall, trace  # noqa: E402

TARGET_MS = 100.0
MOVES_PER_LOT = 10
SIDE_LOTS = 5  # other material lots each family's batches also consume
CUSTOMERS_PER_BATCH = 3
LOCATIONS = ["STORE", "LAB", "COLD", "FG", "DISPATCH"]
MATERIALS, INTERMEDIATES, PRODUCTS, CUSTOMERS = 150, 40, 120, 400
HISTORY_DAYS = 1100
TODAY = date.today()
Q = 10 ** QUANTITY_PLACES


def _ts(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return f"{value:%Y-%m-%d} 00:00:00.000000"


class Builder:
    """Families of lots with their genealogy, orders, shipments, movements and balances."""

    def __init__(self, fanout: tuple[int, ...], seed: int = 3):
        self.rng = random.Random(seed)
        self.fanout = fanout
        self.next = {"lot": 1, "order": 1, "shipment": 1, "line": 1}
        self.movements = 0
        self.roots: list[str] = []  # the supplier lot of each family
        self.leaves: list[str] = []  # product lots

    def _id(self, kind: str) -> int:
        value = self.next[kind]
        self.next[kind] += 1
        return value

    def catalogue(self, conn) -> None:
        now = datetime.now()
        conn.execute(insert(Location), [{"id": i + 1, "code": c, "name": c.title(),
                                         "kind": "storage", "archived": False}
                                        for i, c in enumerate(LOCATIONS)])
        conn.execute(insert(Partner), [
            {"id": i + 1, "name": f"Supplier {i + 1}", "is_supplier": True, "is_customer": False}
            for i in range(20)] + [
            {"id": 100 + i, "name": f"Customer {i + 1}", "is_supplier": False,
             "is_customer": True} for i in range(CUSTOMERS)])
        kinds = ([("material", "kg")] * MATERIALS + [("intermediate", "kg")] * INTERMEDIATES
                 + [("product", "pcs")] * PRODUCTS)
        conn.execute(insert(Item), [
            {"id": i + 1, "sku": f"SKU{i + 1:03d}", "name": f"{kind.title()} {i + 1}",
             "kind": kind, "unit": unit, "reorder_point": 0, "reorder_quantity": 0,
             "requires_qc": False, "archived": False, "created_at": now}
            for i, (kind, unit) in enumerate(kinds)])
        conn.execute(insert(Recipe), [
            {"id": i + 1, "item_id": MATERIALS + i + 1, "version": 1, "yield_quantity": 10,
             "labour_minutes": 0, "labour_rate": 0, "overhead_per_batch": 0,
             "overhead_percent": 0, "cap_expiry": True, "active": True, "created_at": now}
            for i in range(INTERMEDIATES + PRODUCTS)])

    def item(self, level: int) -> int:
        if level == 0:
            return self.rng.randrange(1, MATERIALS + 1)
        if level < len(self.fanout):
            return MATERIALS + self.rng.randrange(1, INTERMEDIATES + 1)
        return MATERIALS + INTERMEDIATES + self.rng.randrange(1, PRODUCTS + 1)

    def family(self, number: int, on: date, rows: dict) -> None:
        """One supplier lot and everything made from it, with its history."""
        rng = self.rng
        in_stock = (TODAY - on).days < 60  # recent families still have stock
        stamp = datetime.combine(on, datetime.min.time()) + timedelta(hours=7)
        takes: dict[int, list[tuple[int, int, str]]] = {}  # lot -> [(quantity, kind, doc)]
        lots = []  # (id, item, level, origin, made quantity)

        def new_lot(level: int, origin: str) -> int:
            lot_id = self._id("lot")
            item = self.item(level)
            code = f"{'R' if origin == 'receipt' else 'P'}{number:05d}-{lot_id:07d}"
            rows["lot"].append({
                "id": lot_id, "code": code, "item_id": item, "origin": origin,
                "supplier_id": rng.randrange(1, 21) if origin == "receipt" else None,
                "lot_date": on, "expiry": on + timedelta(days=rng.randrange(200, 700)),
                "status": "released", "unit_cost": Decimal(rng.randrange(1, 5000)).scaleb(-2),
                "created_at": stamp})
            lots.append((lot_id, item, level, origin, code))
            takes[lot_id] = []
            return lot_id

        root = new_lot(0, "receipt")
        self.roots.append(lots[0][4])
        sides = [new_lot(0, "receipt") for _ in range(SIDE_LOTS)]
        parents = [root]
        for level, fan in enumerate(self.fanout, start=1):
            children = []
            for parent in parents:
                for _ in range(fan):
                    child = new_lot(level, "production")
                    order = self._id("order")
                    item = lots[-1][1]
                    rows["production_order"].append({
                        "id": order, "number": f"MO-B-{order:07d}", "item_id": item,
                        "recipe_id": item - MATERIALS, "planned_quantity": 10,
                        "status": "completed", "planned_material_cost": 0,
                        "planned_labour_cost": 0, "planned_overhead_cost": 0,
                        "output_lot_id": child, "actual_quantity": 10, "created_at": stamp,
                        "completed_at": stamp})
                    for source in [parent, *rng.sample(sides, 2)]:
                        quantity = rng.randrange(1, 20)
                        rows["genealogy"].append({"order_id": order, "output_lot_id": child,
                                                  "input_lot_id": source,
                                                  "quantity": quantity})
                        takes[source].append((quantity, MovementKind.CONSUME,
                                              f"MO-B-{order:07d}"))
                    children.append(child)
            parents = children
        # each product batch goes to a few customers: one shipment per customer slot
        shipments = []
        for _ in range(CUSTOMERS_PER_BATCH):
            shipment = self._id("shipment")
            rows["shipment"].append({"id": shipment, "number": f"SH-B-{shipment:07d}",
                                     "customer_id": 100 + rng.randrange(CUSTOMERS),
                                     "status": "shipped", "created_at": stamp,
                                     "shipped_at": stamp + timedelta(days=3)})
            shipments.append(shipment)
        leaves = [lot for lot in lots if lot[0] in set(parents)]
        for position, (lot_id, item, _, _, code) in enumerate(leaves, start=1):
            self.leaves.append(code)
            for shipment in shipments:
                line = self._id("line")
                quantity = rng.randrange(1, 30)
                rows["shipment_line"].append({"id": line, "shipment_id": shipment,
                                              "position": position, "item_id": item,
                                              "quantity": quantity})
                rows["shipment_lot"].append({"line_id": line, "lot_id": lot_id,
                                             "location_id": 5, "quantity": quantity,
                                             "unit_cost": 1})
                takes[lot_id].append((quantity, MovementKind.SHIPMENT, f"SH-B-{shipment:07d}"))
        for lot_id, item, _, origin, code in lots:
            self._history(lot_id, item, origin, code, takes[lot_id], in_stock, stamp, rows)

    def _history(self, lot_id, item, origin, code, taken, in_stock, stamp, rows) -> None:
        """About MOVES_PER_LOT movements (more for a material many batches took): made or
        received, moves between shelves, what was taken; the lot ends at its last shelf
        with what is left (nothing, if old)."""
        rng = self.rng
        left = rng.randrange(1, 50) if in_stock else 0
        made = sum(q for q, _, _ in taken) + left
        kind = MovementKind.RECEIPT if origin == "receipt" else MovementKind.OUTPUT
        here = rng.randrange(1, len(LOCATIONS) + 1)
        moves = [(here, made, kind, code)]
        pairs = (MOVES_PER_LOT - 1 - len(taken)) // 2
        for _ in range(max(pairs, 0)):
            there = rng.choice([x for x in range(1, len(LOCATIONS) + 1) if x != here])
            moves += [(here, -made, MovementKind.TRANSFER_OUT, "TR"),
                      (there, made, MovementKind.TRANSFER_IN, "TR")]
            here = there
        moves += [(here, -q, k, doc) for q, k, doc in taken]
        balance: dict[int, int] = {}
        for n, (location, quantity, kind_, doc) in enumerate(moves):
            rows["movement"].append((lot_id, location, item, quantity * Q, 100_000_000, kind_,
                                     doc, None, _ts(stamp + timedelta(hours=n))))
            balance[location] = balance.get(location, 0) + quantity
        rows["balance"].extend((lot_id, loc, item, q * Q) for loc, q in balance.items())
        self.movements += len(moves)


TABLES = ("lot", "production_order", "genealogy", "shipment", "shipment_line",
          "shipment_lot")


def build(builder: Builder, target: int, batch_families: int = 100) -> int:
    """Families, oldest first, until the ledger holds `target` movements."""
    per_family = (1 + SIDE_LOTS + sum(_level_sizes(builder.fanout))) * MOVES_PER_LOT
    planned = max(1, round(target / per_family))  # spreads the dates; the loop decides
    number = 0
    while builder.movements < target:
        rows = {name: [] for name in (*TABLES, "movement", "balance")}
        for _ in range(batch_families):
            if builder.movements >= target:
                break
            age = max(HISTORY_DAYS - HISTORY_DAYS * number // planned, 1)
            builder.family(number, TODAY - timedelta(days=age), rows)
            number += 1
        with db.engine.begin() as conn:
            for name in TABLES:
                conn.execute(insert(db.metadata.tables[name]), rows[name])
            conn.exec_driver_sql(
                "INSERT INTO movement (lot_id, location_id, item_id, quantity, unit_cost, "
                "kind, document, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows["movement"])
            conn.exec_driver_sql(
                "INSERT INTO balance (lot_id, location_id, item_id, quantity) "
                "VALUES (?, ?, ?, ?)", rows["balance"])
    with db.engine.begin() as conn:
        copy_lot_keys(conn)
        conn.exec_driver_sql("ANALYZE")
    return number


def _level_sizes(fanout) -> list[int]:
    sizes, width = [], 1
    for fan in fanout:
        width *= fan
        sizes.append(width)
    return sizes


def check(builder: Builder) -> None:
    """Balances are the ledger, and a recall finds what the builder made."""
    with db.engine.connect() as conn:
        balances = conn.exec_driver_sql("SELECT SUM(quantity) FROM balance").scalar()
        ledger = conn.exec_driver_sql("SELECT SUM(quantity) FROM movement").scalar()
        negative = conn.exec_driver_sql("SELECT COUNT(*) FROM balance WHERE quantity < 0"
                                        ).scalar()
    assert balances == ledger and negative == 0
    found = recall.recall(builder.roots[len(builder.roots) // 2])
    expected = 1 + sum(_level_sizes(builder.fanout))
    assert len(found.lots) == expected, (len(found.lots), expected)
    assert len(found.customers) == _level_sizes(builder.fanout)[-1] * CUSTOMERS_PER_BATCH
    db.session.rollback()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the 1,000,000-movement history to build")
    parser.add_argument("--runs", type=int, default=200, help="timed calls per operation")
    parser.add_argument("--fanout", default="4,3,6",
                        help="lots made from each lot, per level below the supplier's lot")
    args = parser.parse_args(argv)
    fanout = tuple(int(x) for x in args.fanout.split(",") if x.strip())

    with tempfile.TemporaryDirectory(prefix="krafte-bench-") as tmp:
        url = "sqlite:///" + str(Path(tmp) / "recall.db")
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            builder = Builder(fanout)
            with db.engine.begin() as conn:
                builder.catalogue(conn)
            started = time.perf_counter()
            families = build(builder, int(1_000_000 * args.scale))
            check(builder)
            counts = {model.__tablename__: db.session.execute(
                select(func.count()).select_from(model)).scalar_one()
                for model in (Movement, Lot, Genealogy, ProductionOrder, Shipment,
                              ShipmentLine, ShipmentLot)}
            db.session.rollback()
            print(f"built {families:,} families in {time.perf_counter() - started:.1f} s: "
                  + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
            depth = len(fanout)
            print(f"each recall of a supplier lot: {1 + sum(_level_sizes(fanout))} lots over "
                  f"{depth} levels, {_level_sizes(fanout)[-1] * CUSTOMERS_PER_BATCH} "
                  "deliveries")
            rng = random.Random(9)
            measure(lambda: recall.recall(rng.choice(builder.roots)), 20)  # warm up
            results = {
                "recall, supplier lot": figures(measure(
                    lambda: recall.recall(rng.choice(builder.roots)), args.runs)),
                "recall, product lot": figures(measure(
                    lambda: recall.recall(rng.choice(builder.leaves)), args.runs)),
                "forward trace, supplier lot": figures(measure(
                    lambda: trace.trace_lot(rng.choice(builder.roots), "forward"),
                    args.runs)),
            }
            print(f"  {'operation':<30}{'median ms':>10}{'p95 ms':>10}")
            for name, (median, p95) in results.items():
                print(f"  {name:<30}{median:>10.2f}{p95:>10.2f}")
            median = results["recall, supplier lot"][0]
            met = median < TARGET_MS
            print(f"\ntarget: recall median < {TARGET_MS:.0f} ms at "
                  f"{counts['movement']:,} movements: {'met' if met else 'MISSED'}")
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
