"""Server time per main page, at the demo's size and with 100,000 lots; the weight of the
app shell.

    .venv/bin/python bench/pages.py                 # demo, then 100,000 lots
    .venv/bin/python bench/pages.py --lots 20000 --runs 10

Builds the demo workshop (flask demo, with its production orders when that module is
installed) in an SQLite file under a temporary directory, then times each main page as
the server renders it (in process, through the WSGI app: routing, queries, templates),
as the operator and the manager would open them: median and 95th percentile of `runs`
requests after two warm-up requests. Then adds lots in bulk (as a workshop that has
received for years: most old lots used up, recent ones still in stock, over the demo's
items and locations) and times the same pages again. Target: median under 30 ms.

The app shell is what a phone downloads to show the first page: the home page's HTML,
its CSS and JavaScript, gzip-compressed as a reverse proxy would send them. Target:
under 150 KB.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from krafte_pwa import create_app  # noqa: E402
from krafte_pwa.domain.numbers import COST_PLACES, QUANTITY_PLACES  # noqa: E402
from krafte_pwa.extensions import db  # noqa: E402
from krafte_pwa.models import Item, Location, Lot, MovementKind  # noqa: E402

TARGET_MS = 30.0
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


def measure(client, path: str, runs: int) -> tuple[float, float, int]:
    for _ in range(2):
        client.get(path)
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.data)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], size


def report(app, title: str, runs: int) -> list[float]:
    print(f"\n{title}")
    print(f"  {'page':<15}{'user':<10}{'median ms':>10}{'p95 ms':>9}{'HTML KB':>9}")
    medians = []
    for user in ("operator", "manager"):
        client = app.test_client()
        password = {"operator": "krafte-floor", "manager": "krafte-demo"}[user]
        assert client.post("/login", data={"username": user, "password": password}
                           ).status_code == 302
        for name, path in main_pages(app):
            median, p95, size = measure(client, path, runs)
            medians.append(median)
            flag = "" if median < TARGET_MS else "  over target"
            print(f"  {name:<15}{user:<10}{median:>10.1f}{p95:>9.1f}{size / 1024:>9.1f}{flag}")
    return medians


def add_lots(app, count: int, seed: int = 11) -> None:
    """`count` received lots over three years: older ones used up (a receipt and a
    consumption, balance zero), recent ones still in stock, on the demo's items and
    storage locations. Balances are the sum of movements."""
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
                lots.append((lot_id, f"B{on:%y%m%d}-{seq:03d}", item, "receipt", str(on),
                             str(expiry) if expiry else None, status, cost, str(stamp)))
                moves.append((lot_id, place, item, quantity, cost, MovementKind.RECEIPT,
                              str(stamp)))
                left = quantity
                if age > 90 or rng.random() < .5:  # used up
                    moves.append((lot_id, place, item, -quantity, cost, MovementKind.CONSUME,
                                  str(stamp + timedelta(days=rng.randrange(1, 60)))))
                    left = 0
                balances.append((lot_id, place, item, left))
            with db.engine.begin() as conn:
                conn.exec_driver_sql(
                    "INSERT INTO lot (id, code, item_id, origin, lot_date, expiry, status, "
                    "unit_cost, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", lots)
                conn.exec_driver_sql(
                    "INSERT INTO movement (lot_id, location_id, item_id, quantity, unit_cost, "
                    "kind, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", moves)
                conn.exec_driver_sql(
                    "INSERT INTO balance (lot_id, location_id, item_id, quantity) "
                    "VALUES (?, ?, ?, ?)", balances)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        in_stock = db.session.execute(
            select(func.count()).select_from(Lot).where(Lot.code.like("B%"))).scalar()
        print(f"\nadded {in_stock:,} lots")


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app = build_demo(f"sqlite:///{tmp}/pages.db")
        with app.app_context():
            lots = db.session.execute(select(func.count(Lot.id))).scalar()
        shell = shell_size(app)
        demo = report(app, f"demo workshop ({lots} lots)", args.runs)
        add_lots(app, args.lots)
        large = report(app, f"with {args.lots:,} more lots", args.runs)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    worst = max(statistics.median(demo), statistics.median(large))
    print(f"\nmedian of page medians: demo {statistics.median(demo):.1f} ms, "
          f"large {statistics.median(large):.1f} ms; slowest page median "
          f"{max(demo + large):.1f} ms")
    return 0 if worst < TARGET_MS and shell < SHELL_TARGET_KB else 1


if __name__ == "__main__":
    sys.exit(main())
