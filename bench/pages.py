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
movements, copies that database and adds 550,000 lots more to the copy (a long history
of about 1,080,000 movements), then times the pages of both, alternating between them in
rounds, so a shared host's change of speed during the run weighs on both alike. The
demo's figures are for comparing code with code. Targets, on each page's median at the
long history: under 50 ms, and for home, alerts, item and location within 1.5× of the
short history's figure.

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
import shutil
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


def open_app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                       "WTF_CSRF_ENABLED": False, "BASE_URL": "http://krafte.local"})


def build_demo(url: str):
    app = open_app(url)
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


class Samples:
    """Wall and CPU ms of the requests of one page, and its HTML size."""

    def __init__(self):
        self.times: list[float] = []
        self.cpu: list[float] = []
        self.size = 0

    def take(self, client, path: str, runs: int) -> None:
        for _ in range(runs):
            start, started = time.perf_counter(), time.process_time()
            response = client.get(path)
            self.times.append((time.perf_counter() - start) * 1000)
            self.cpu.append((time.process_time() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            self.size = len(response.data)

    def row(self, name: str, user: str) -> str:
        times = sorted(self.times)
        return (f"  {name:<15}{user:<10}{statistics.median(times):>10.1f}"
                f"{times[max(0, int(len(times) * 0.95) - 1)]:>9.1f}"
                f"{statistics.median(self.cpu):>8.1f}{self.size / 1024:>9.1f}")


def logged_in(app, user: str):
    client = app.test_client()
    password = {"operator": "krafte-floor", "manager": "krafte-demo"}[user]
    assert client.post("/login", data={"username": user, "password": password}
                       ).status_code == 302
    return client


HEADER = f"  {'page':<15}{'user':<10}{'median ms':>10}{'p95 ms':>9}{'CPU ms':>8}{'HTML KB':>9}"


def report(apps: list, titles: list[str], runs: int, pages) -> list[dict]:
    """Each page timed on every app, `runs` requests each after two warm-up requests. With
    several apps (the same workshop at two lengths of history) the requests alternate
    between them in rounds of a few, so a change in the machine's speed during the run
    (a shared host's) weighs on every app alike and their ratio holds."""
    found: list[dict] = [{} for _ in apps]
    rounds = 5 if len(apps) > 1 else 1
    for user in ("operator", "manager"):
        clients = [logged_in(app, user) for app in apps]
        for name, path in pages:
            for client in clients:
                client.get(path)
                client.get(path)
            taken = [Samples() for _ in apps]
            for turn in range(rounds):
                order = range(len(apps)) if turn % 2 == 0 else reversed(range(len(apps)))
                for k in order:
                    taken[k].take(clients[k], path, runs // rounds)
            for k, samples in enumerate(taken):
                found[k][(name, user)] = samples
    for title, medians in zip(titles, found, strict=True):
        print(f"\n{title}  (load average at the end {os.getloadavg()[0]:.2f})")
        print(HEADER)
        for (name, user), samples in medians.items():
            print(samples.row(name, user))
    return [{key: statistics.median(s.times) for key, s in medians.items()}
            for medians in found]


def copy_database(app, url: str, new_url, name: str) -> str:
    """A copy of the app's database, as it is: a file copied (SQLite), or a database made
    from it as a template (PostgreSQL). Its URL."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    copy = new_url(name)
    if url.startswith("sqlite:///"):
        shutil.copyfile(url.removeprefix("sqlite:///"), copy.removeprefix("sqlite:///"))
        return copy
    import psycopg
    from sqlalchemy.engine import make_url

    source, target = make_url(url), make_url(copy)
    with psycopg.connect(host=source.host, port=source.port, user=source.username,
                         dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{target.database}"')
        conn.execute(f'CREATE DATABASE "{target.database}" TEMPLATE "{source.database}"')
    return copy


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


def run(new_url, label: str, args, verdicts: Verdicts) -> None:
    url = new_url("pages")
    app = build_demo(url)
    with app.app_context():
        lots = db.session.execute(select(func.count(Lot.id))).scalar()
    shell = shell_size(app)
    if shell >= SHELL_TARGET_KB:
        verdicts.missed.append(f"app shell {shell:.1f} KB, target < {SHELL_TARGET_KB} KB")
    pages = main_pages(app)
    report([app], [f"{label}: demo workshop ({lots} lots)"], args.runs, pages)
    with app.app_context():
        # a used-up lot leaves two movements: lots enough for the short history's count
        short_lots = max(0, (args.short - movement_count()) // 2)
    short_moved = add_lots(app, short_lots, prefix="A")
    # the long history grows a copy of the short one: both are timed side by side
    long_app = open_app(copy_database(app, url, new_url, "pages_long"))
    moved = add_lots(long_app, args.lots)
    short, large = report([app, long_app], [
        f"{label}: short history ({short_moved:,} movements)",
        f"{label}: long history ({moved:,} movements)"], args.runs, pages)
    for one in (app, long_app):
        with one.app_context():
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
        run(new_url, label, args, verdicts)
    return verdicts.exit_code()


if __name__ == "__main__":
    sys.exit(main())
