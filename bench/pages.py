"""Server time per main page, at the demo's size and with a long history added; the
weight of the app shell.

    .venv/bin/python bench/pages.py                 # demo, 10,000 movements, ~1M movements
    .venv/bin/python bench/pages.py --lots 20000 --runs 10 --db sqlite

Builds the demo workshop (flask demo, with its production orders when that module is
installed) in an SQLite file under a temporary directory and/or a throwaway PostgreSQL,
then times each main page as the server renders it (in process, through the WSGI app:
routing, queries, templates), as the operator and the manager would open them: median
and 95th percentile of `runs` requests after two warm-up requests, with the median CPU
time of this process (which the load of other processes does not inflate; the load
average is printed beside each table). Then adds lots in
bulk (as a workshop that has received for years: most old lots used up, recent ones
still in stock, over the demo's items and locations) up to a short history of 10,000
movements, times the same pages again, adds 550,000 lots more (a long history of about
1,080,000 movements) and times them once more. The demo's figures are for comparing
code with code. Targets, on each page's median at the long history: under 50 ms, and
for home, alerts, item and location within 1.5× of the short history's figure.

The app shell is what a phone downloads to show the first page: the home page's HTML,
its CSS and JavaScript, gzip-compressed as a reverse proxy would send them. Target:
under 150 KB.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import func, select, text  # noqa: E402
from timing import Verdicts, after_bulk, bulk_insert, databases  # noqa: E402

from krafte_pwa import create_app  # noqa: E402
from krafte_pwa.domain.numbers import COST_PLACES, QUANTITY_PLACES  # noqa: E402
from krafte_pwa.extensions import db  # noqa: E402
from krafte_pwa.models import Item, Location, Lot, MovementKind  # noqa: E402

TARGET_MS = 50.0
FLAT = ("home", "alerts", "item", "location")  # within 1.5× of the demo's figure
SHELL_TARGET_KB = 150
Q, C = 10 ** QUANTITY_PLACES, 10 ** COST_PLACES
TODAY = date.today()


def build_demo(url: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "BASE_URL": "http://krafte.local"})
    with app.app_context():
        db.create_all()
        from krafte_pwa.demo import load_demo

        load_demo()
        try:
            from krafte_pwa.demo_production import load_production_demo
        except ImportError:
            pass
        else:
            load_production_demo()
    return app


def main_pages(app) -> list[tuple[str, str]]:
    """(name, path) of the pages people open most, with real codes from the data."""
    with app.app_context():
        item = db.session.execute(select(Item).where(Item.kind == "material")
                                  .order_by(Item.sku)).scalars().first()
        lot = db.session.execute(select(Lot).where(Lot.origin == "receipt")
                                 .order_by(Lot.id)).scalars().first()
        store = db.session.execute(select(Location.code).where(Location.kind == "storage")
                                   .order_by(Location.code)).scalars().first()
        pages = [("home", "/"), ("alerts", "/alerts"), ("menu", "/menu"), ("scan", "/scan"),
                 ("receive", "/receive"),
                 ("move", f"/move?lot={lot.code}"), ("queue", "/queue"), ("items", "/items/"),
                 ("item", f"/items/{item.sku}"), ("lot", f"/l/{lot.code}"),
                 ("location", f"/loc/{store}")]
        if "floor.station" in app.view_functions:
            from krafte_pwa.models import ProductionOrder

            order = db.session.execute(select(ProductionOrder.number).where(
                ProductionOrder.status == "planned")).scalars().first()
            pages.append(("station", "/station"))
            if order:
                pages.append(("station order", f"/station/{order}"))
    return pages


def measure(client, path: str, runs: int) -> tuple[float, float, float, int]:
    """Median and 95th percentile wall ms, median CPU ms of this process, HTML size."""
    for _ in range(2):
        client.get(path)
    times, cpu, size = [], [], 0
    for _ in range(runs):
        start, started = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.data)
    times.sort()
    return (statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)],
            statistics.median(cpu), size)


def report(app, title: str, runs: int) -> dict[tuple[str, str], float]:
    print(f"\n{title}  (load average {os.getloadavg()[0]:.2f})")
    print(f"  {'page':<15}{'user':<10}{'median ms':>10}{'p95 ms':>9}{'CPU ms':>8}{'HTML KB':>9}")
    medians = {}
    for user in ("operator", "manager"):
        client = app.test_client()
        password = {"operator": "krafte-floor", "manager": "krafte-demo"}[user]
        assert client.post("/login", data={"username": user, "password": password}
                           ).status_code == 302
        for name, path in main_pages(app):
            median, p95, cpu, size = measure(client, path, runs)
            medians[(name, user)] = median
            print(f"  {name:<15}{user:<10}{median:>10.1f}{p95:>9.1f}{cpu:>8.1f}"
                  f"{size / 1024:>9.1f}")
    return medians


def add_lots(app, count: int, seed: int = 11, prefix: str = "B") -> int:
    """`count` received lots over three years: older ones used up (a receipt and a
    consumption, balance zero), recent ones still in stock, on the demo's items and
    storage locations. Balances are the sum of movements. Lot codes start with `prefix`
    (one per call). Returns the movements in the database."""
    rng = random.Random(seed)
    with app.app_context():
        items = db.session.execute(select(Item.id, Item.kind).where(
            Item.kind != "product")).all()
        places = db.session.execute(select(Location.id).where(
            Location.kind == "storage")).scalars().all()
        next_id = (db.session.execute(select(func.max(Lot.id))).scalar() or 0) + 1
        db.session.remove()
        per_day: dict[date, int] = {}
        for start in range(0, count, 10_000):
            lots, moves, balances = [], [], []
            for n in range(start, min(count, start + 10_000)):
                lot_id = next_id + n
                age = 1100 - 1100 * n // count
                on = TODAY - timedelta(days=age)
                seq = per_day[on] = per_day.get(on, 0) + 1
                item = rng.choice(items)[0]
                place = rng.choice(places)
                cost = rng.randrange(1, 50 * C)
                quantity = rng.randrange(1, 50_000) * Q
                expiry = on + timedelta(days=rng.randrange(60, 900)) if rng.random() < .7 else None
                status = "quarantine" if age < 20 and rng.random() < .05 else "released"
                stamp = datetime.combine(on, datetime.min.time()) + timedelta(hours=9)
                lots.append((lot_id, f"{prefix}{on:%y%m%d}-{seq:03d}", item, "receipt", str(on),
                             str(expiry) if expiry else None, status, cost, str(stamp)))
                moves.append((lot_id, place, item, quantity, cost, MovementKind.RECEIPT,
                              str(stamp)))
                left = quantity
                if age > 90 or rng.random() < .5:  # used up
                    moves.append((lot_id, place, item, -quantity, cost, MovementKind.CONSUME,
                                  str(stamp + timedelta(days=rng.randrange(1, 60)))))
                    left = 0
                balances.append((lot_id, place, item, left, str(expiry) if expiry else None))
            bulk_insert("lot", ["id", "code", "item_id", "origin", "lot_date", "expiry",
                                "status", "unit_cost", "created_at"], lots)
            bulk_insert("movement", ["lot_id", "location_id", "item_id", "quantity",
                                     "unit_cost", "kind", "created_at"], moves)
            bulk_insert("balance", ["lot_id", "location_id", "item_id", "quantity", "expiry"],
                        balances)
        after_bulk(["lot", "movement"])
        movements = movement_count()
        db.session.remove()
        print(f"\nadded {count:,} lots: {movements:,} movements in all")
    return movements


def movement_count() -> int:
    return db.session.execute(text("SELECT COUNT(*) FROM movement")).scalar()


def shell_size(app) -> float:
    client = app.test_client()
    client.post("/login", data={"username": "operator", "password": "krafte-floor"})
    html = client.get("/").data
    parts = {"HTML /": html}
    for url in re.findall(rb'(?:href|src)="(/static/[^"]+)"', html):
        with client.get(url.decode()) as response:
            parts[url.decode().split("?")[0]] = response.data
    print("\napp shell (first page), gzip -6:")
    total = 0
    for name, data in parts.items():
        packed = len(gzip.compress(data, 6))
        total += packed
        print(f"  {name:<28}{len(data) / 1024:>8.1f} KB  ->{packed / 1024:>7.1f} KB")
    flag = "ok" if total / 1024 < SHELL_TARGET_KB else "over target"
    print(f"  {'total':<28}{'':>8}      {total / 1024:>7.1f} KB  ({flag}: < {SHELL_TARGET_KB} KB)")
    return total / 1024


def run(url: str, label: str, args, verdicts: Verdicts) -> None:
    app = build_demo(url)
    with app.app_context():
        lots = db.session.execute(select(func.count(Lot.id))).scalar()
    shell = shell_size(app)
    if shell >= SHELL_TARGET_KB:
        verdicts.missed.append(f"app shell {shell:.1f} KB, target < {SHELL_TARGET_KB} KB")
    report(app, f"{label}: demo workshop ({lots} lots)", args.runs)
    with app.app_context():
        # a used-up lot leaves two movements: lots enough for the short history's count
        short_lots = max(0, (args.short - movement_count()) // 2)
    moved = add_lots(app, short_lots, prefix="A")
    short = report(app, f"{label}: short history ({moved:,} movements)", args.runs)
    moved = add_lots(app, args.lots)
    large = report(app, f"{label}: long history ({moved:,} movements)", args.runs)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    print(f"\n{label}: targets on each page's median (long history)")
    for (name, user), median in large.items():
        line = verdicts.under(f"{label} {name} ({user})", "median", median, TARGET_MS)
        if name in FLAT:
            line += ", " + verdicts.within(f"{label} {name} ({user})", "median",
                                           short[(name, user)], median)
        print(f"  {name:<15}{user:<10}{median:>8.1f} ms   {line}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--short", type=int, default=10_000,
                        help="movements of the short history (the demo's, then lots added)")
    parser.add_argument("--lots", type=int, default=550_000,
                        help="lots added after it for the long history")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    verdicts = Verdicts()
    for label, new_url in databases(args.db):
        run(new_url("pages"), label, args, verdicts)
    return verdicts.exit_code()


if __name__ == "__main__":
    sys.exit(main())
