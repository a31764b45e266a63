"""Planning at scale: suggestions over 2,000 items, 500 open orders and 5 levels of
recipes; "Can I make N?" of one product.

    .venv/bin/python bench/planning.py [--runs 30]

Builds, in an SQLite file under a temporary directory, 1,000 materials and 1,000 made
items on four recipe levels (250 products, each made of two first-level intermediates and
two materials; each intermediate of two from the level below and one or three materials),
so an item's requirements reach five levels down. Items, recipes and stock go in with
bulk inserts (one released lot per material and per second intermediate); then 500
production orders are planned through the service (50 of them started), and 40 purchase
orders are placed, so that reservations, shortages, orders being made and stock on order
are all netted. A fifth of the materials have a reorder point.

Prints the median and 95th percentile of planning.suggestions (target under 300 ms) and
of recipes.feasibility for one product over its five levels (target under 50 ms), as
wall-clock time; exits non-zero when a target is missed. The CPU time per call is printed
beside it: on a machine busy with other work, wall-clock time grows and CPU time does not.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal as D
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402
from timing import figures, measure  # noqa: E402  (bench/ is on sys.path)

from krafte_pwa import create_app  # noqa: E402
from krafte_pwa.extensions import db  # noqa: E402
from krafte_pwa.models import (  # noqa: E402
    Balance,
    Item,
    Location,
    Lot,
    Movement,
    MovementKind,
    Partner,
    Recipe,
    RecipeLine,
)
from krafte_pwa.services import planning, production, purchasing, recipes  # noqa: E402

MATERIALS, PER_LEVEL, LEVELS = 1000, 250, 4  # 1,000 + 4 × 250 = 2,000 items
ORDERS, STARTED, PURCHASES = 500, 50, 40
TARGETS = {"suggestions": 300.0, "feasibility": 50.0}
TODAY = date.today()


def _items(rng) -> dict[str, list[int]]:
    rows = [{"sku": f"M{n:04d}", "name": f"Material {n}", "kind": "material", "unit": "g",
             "reorder_point": D(rng.choice((0, 0, 0, 0, 5000))),
             "reorder_quantity": D(rng.choice((0, 10000))),
             "default_supplier_id": 1 + n % 8} for n in range(MATERIALS)]
    for level in range(1, LEVELS + 1):
        kind = "product" if level == 1 else "intermediate"
        rows += [{"sku": f"L{level}-{n:03d}", "name": f"Level {level} item {n}", "kind": kind,
                  "unit": "pcs" if level == 1 else "g", "reorder_point": D(0),
                  "reorder_quantity": D(0)} for n in range(PER_LEVEL)]
    db.session.execute(insert(Partner), [{"name": f"Supplier {n}", "is_supplier": True}
                                         for n in range(1, 9)])
    db.session.execute(insert(Item), rows)
    ids = dict(db.session.execute(select(Item.sku, Item.id)).all())
    groups = {"M": [ids[f"M{n:04d}"] for n in range(MATERIALS)]}
    for level in range(1, LEVELS + 1):
        groups[f"L{level}"] = [ids[f"L{level}-{n:03d}"] for n in range(PER_LEVEL)]
    return groups


def _recipes(rng, groups) -> None:
    """Level 1 (products, yield 1 pcs): two level-2 items (50 g each) and two materials;
    levels 2-3 (yield 1,000 g): two items of the level below and one material; level 4:
    three materials."""
    db.session.execute(insert(Recipe), [
        {"item_id": item_id, "version": 1, "yield_quantity": D(1 if level == 1 else 1000),
         "labour_minutes": D(0), "labour_rate": D(0), "overhead_per_batch": D(0),
         "overhead_percent": D(0), "cap_expiry": True, "active": True}
        for level in range(1, LEVELS + 1) for item_id in groups[f"L{level}"]])
    recipe_of = dict(db.session.execute(select(Recipe.item_id, Recipe.id)).all())
    lines = []
    for level in range(1, LEVELS + 1):
        below = groups[f"L{level + 1}"] if level < LEVELS else []
        for item_id in groups[f"L{level}"]:
            parts = [(c, D(50 if level == 1 else 300)) for c in rng.sample(below, 2)] \
                if below else []
            materials = 2 if level == 1 else (1 if below else 3)
            parts += [(m, D(20 if level == 1 else 400 // materials))
                      for m in rng.sample(groups["M"], materials)]
            lines += [{"recipe_id": recipe_of[item_id], "position": p, "item_id": c,
                       "quantity": q, "unit": "g", "loss_percent": D(0), "base_quantity": q}
                      for p, (c, q) in enumerate(parts, start=1)]
    db.session.execute(insert(RecipeLine), lines)


def _stock(rng, groups) -> None:
    store = Location(code="STORE", name="Store", kind="storage")
    db.session.add(store)
    db.session.flush()
    stocked = groups["M"] + groups["L2"][::2]
    lots = [{"code": f"R-{n:05d}", "item_id": item_id, "origin": "receipt", "lot_date": TODAY,
             "status": "released", "unit_cost": D("0.01")} for n, item_id in enumerate(stocked)]
    db.session.execute(insert(Lot), lots)
    lot_ids = dict(db.session.execute(select(Lot.item_id, Lot.id)).all())
    amounts = {item_id: D(rng.randint(2, 400) * 100) for item_id in stocked}
    db.session.execute(insert(Balance), [
        {"lot_id": lot_ids[i], "location_id": store.id, "item_id": i, "quantity": q,
         "expiry": None, "lot_date": TODAY} for i, q in amounts.items()])
    db.session.execute(insert(Movement), [
        {"lot_id": lot_ids[i], "location_id": store.id, "item_id": i, "quantity": q,
         "unit_cost": D("0.01"), "kind": MovementKind.RECEIPT, "document": "BENCH"}
        for i, q in amounts.items()])
    db.session.commit()


def _orders(rng, groups) -> None:
    skus = dict(db.session.execute(select(Item.id, Item.sku)).all())
    made = [(skus[i], 1 if level == 1 else 1000) for level in range(1, LEVELS + 1)
            for i in groups[f"L{level}"]]
    for n in range(ORDERS):
        sku, scale = rng.choice(made)
        order = production.plan_order(item=sku, quantity=rng.randint(1, 20) * scale)
        if n < STARTED:
            try:
                production.start_order(number=order.number)
            except Exception:  # short of stock: it stays planned
                db.session.rollback()
    for n in range(PURCHASES):
        lines = [{"item": skus[m], "quantity": rng.randint(1, 50) * 1000, "price": "0.01"}
                 for m in rng.sample(groups["M"], 5)]
        order = purchasing.create_purchase_order(supplier=f"Supplier {1 + n % 8}",
                                                 lines=lines)
        if n % 2:
            purchasing.mark_ordered(number=order.number)


def build() -> str:
    rng = random.Random(14)
    groups = _items(rng)
    _recipes(rng, groups)
    _stock(rng, groups)
    _orders(rng, groups)
    return db.session.execute(select(Item.sku).where(Item.id == groups["L1"][0])).scalar()


def cpu_median(fn, runs: int) -> float:
    """Median CPU time of this process per call (ms): what the call costs on an idle
    machine, whatever other processes take of the CPUs while it runs."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        fn()
        db.session.rollback()
        times.append((time.process_time() - started) * 1000)
        db.session.expunge_all()
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/bench.db",
                          "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            product = build()
            found = planning.suggestions()
            db.session.rollback()
            print(f"{db.session.query(Item).count():,} items, {ORDERS} orders planned "
                  f"({STARTED} started when stock allowed), {PURCHASES} purchase orders; "
                  f"built in {time.perf_counter() - started:.0f} s")
            print(f"suggestions: {len(found.purchase)} to buy, {len(found.production)} to make "
                  f"(deepest level {max((s.level for s in found.production), default=0)})")
            cases = {"suggestions": planning.suggestions,
                     "feasibility": lambda: recipes.feasibility(product, "10")}
            missed = []
            print(f"load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
                  "CPUs (figures are wall-clock)")
            print(f"\n  {'planning':<30}{'median ms':>10}{'p95 ms':>10}{'CPU ms':>8}"
                  f"{'target':>8}")
            for name, fn in cases.items():
                measure(fn, 2)  # warm, as a running server would be
                median, p95 = figures(measure(fn, args.runs))
                ok = median < TARGETS[name]
                label = f"{name} ({product})" if name == "feasibility" else name
                print(f"  {label:<30}{median:>10.1f}{p95:>10.1f}{cpu_median(fn, args.runs):>8.1f}"
                      f"{TARGETS[name]:>8.0f}  {'OK' if ok else 'MISSED'}")
                if not ok:
                    missed.append(name)
            db.session.remove()
            db.engine.dispose()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
