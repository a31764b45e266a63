"""Production at scale: plan, start and complete an order of 10 components with 1,000 lots
in stock per component, and a 5-level trace, at a short and at a long history.

    .venv/bin/python bench/production.py [--db sqlite|postgresql|both]
        [--lots 1000] [--sizes 10000,1000000] [--rounds 30] [--warmup 3]

For each database and each history size, a fresh database: catalogue and recipes through
the services, then lots, balances and movements by bulk inserts: 1,000 lots in stock per
component (their receipts), and used-up lots (a receipt and nine takes, balance zero, as
a workshop's history leaves them) up to the number of movements. Balances are checked to
be the sum of their movements. A few untimed orders warm each database up (first
compiles and caches) before the timed ones; each figure has the median CPU time of this
process beside its wall time, and on PostgreSQL the mean CPU time of the server's
backend. Targets, on the median: plan, start and complete under 40 ms, and at the long
history within 1.5× of the short one; traces under 50 ms.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, select, text  # noqa: E402
from timing import Verdicts, after_bulk, bulk_insert, databases  # noqa: E402

from krafte_pwa import create_app  # noqa: E402
from krafte_pwa.db_session import write_intent  # noqa: E402
from krafte_pwa.extensions import db  # noqa: E402
from krafte_pwa.models import Item, Location, MovementKind  # noqa: E402
from krafte_pwa.services import items as item_actions  # noqa: E402
from krafte_pwa.services import locations as location_actions  # noqa: E402
from krafte_pwa.services import production, recipes, trace, users  # noqa: E402

TODAY = date.today()
COMPONENTS = [f"C{i:02d}" for i in range(10)]
LEVELS = ["L1", "L2", "L3", "L4", "L5"]
Q, C = 10**6, 10**8  # scales of quantities and costs


def build(lots_per_component: int, movements: int) -> None:
    location_actions.create_location(code="STORE", name="Store")
    location_actions.create_location(code="FG", name="Finished goods")
    for sku in COMPONENTS:
        item_actions.create_item(sku=sku, name=f"Component {sku}", kind="material", unit="g")
    for sku in LEVELS[:-1]:
        item_actions.create_item(sku=sku, name=f"Intermediate {sku}", kind="intermediate", unit="g",
                            shelf_life_days=365)
    item_actions.create_item(sku="L5", name="Product L5", kind="product", unit="pcs",
                        shelf_life_days=365)
    item_actions.create_item(sku="P10", name="Ten-component product", kind="product", unit="pcs",
                        shelf_life_days=365)
    recipes.save_recipe(item="P10", yield_quantity=1, labour_minutes=1, labour_rate=30,
                        overhead="0.1", overhead_percent=5,
                        lines=[{"item": c, "quantity": 10, "loss_percent": 1}
                               for c in COMPONENTS])
    # a 5-level chain: L1 from five components, each next level from the previous + one
    recipes.save_recipe(item="L1", yield_quantity=1000,
                        lines=[{"item": c, "quantity": 200} for c in COMPONENTS[:5]])
    for prev, sku, extra in zip(LEVELS[:-1], LEVELS[1:], COMPONENTS[5:9], strict=True):
        per = 100 if sku != "L5" else 50
        recipes.save_recipe(item=sku, yield_quantity=1000 if sku != "L5" else 1,
                            lines=[{"item": prev, "quantity": per * (10 if sku != "L5"
                                                                     else 1)},
                                   {"item": extra, "quantity": per}])
    _bulk_stock(lots_per_component, movements)


def _bulk_stock(lots_per_component: int, movements: int) -> None:
    rng = random.Random(7)
    store = db.session.execute(select(Location.id).where(Location.code == "STORE")).scalar()
    items = dict(db.session.execute(select(Item.sku, Item.id)
                                    .where(Item.sku.in_(COMPONENTS))).all())
    db.session.remove()  # release the session's transaction: the bulk load writes alone
    now = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    lots, balances, moves = [], [], []
    lot_id = 1_000_000
    for sku in COMPONENTS:
        for n in range(lots_per_component):
            lot_id += 1
            expiry = (TODAY + timedelta(days=rng.randint(20, 900))).isoformat() \
                if n % 7 else None
            cost = rng.randint(100_000, 2_000_000)  # 0.001 to 0.02 per g
            lot_date = (TODAY - timedelta(days=rng.randint(1, 400))).isoformat()
            lots.append((lot_id, f"R{sku}-{n:05d}", items[sku], "receipt", lot_date, expiry,
                         "released", cost, now))
            balances.append((lot_id, store, items[sku], 500 * Q, expiry, lot_date))
            moves.append((lot_id, store, items[sku], 500 * Q, cost, MovementKind.RECEIPT,
                          "BENCH", now))
    for n in range(max(movements - len(moves), 0) // 10):  # used-up lots: 10 movements
        lot_id += 1
        sku = COMPONENTS[n % len(COMPONENTS)]
        cost = rng.randint(100_000, 2_000_000)
        lot_date = (TODAY - timedelta(days=rng.randint(400, 1100))).isoformat()
        lots.append((lot_id, f"U{sku}-{n:07d}", items[sku], "receipt", lot_date, None,
                     "released", cost, now))
        balances.append((lot_id, store, items[sku], 0, None, lot_date))
        moves.append((lot_id, store, items[sku], 90 * Q, cost, MovementKind.RECEIPT,
                      "BENCH", now))
        moves.extend((lot_id, store, items[sku], -10 * Q, cost, MovementKind.CONSUME,
                      "BENCH", now) for _ in range(9))
    bulk_insert("lot", ["id", "code", "item_id", "origin", "lot_date", "expiry", "status",
                        "unit_cost", "created_at"], lots)
    bulk_insert("balance", ["lot_id", "location_id", "item_id", "quantity", "expiry",
                            "lot_date"], balances)
    bulk_insert("movement", ["lot_id", "location_id", "item_id", "quantity", "unit_cost",
                             "kind", "document", "created_at"], moves)
    after_bulk(["lot", "movement"])


class ServerCpu:
    """CPU time of the PostgreSQL backend serving the bench (its /proc entry: same machine,
    read as root or as the server's user), in ms; None where it cannot be read (SQLite:
    the database works inside this process and its CPU is in the process's own). Read from
    schedstat (nanoseconds) where the kernel keeps it, else from stat (clock ticks of 10 ms,
    meaningful only as a mean over many calls)."""
    pid: int | None = None

    @classmethod
    def follow(cls) -> None:
        cls.pid = None
        if db.engine.dialect.name == "postgresql":
            cls.pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
            db.session.remove()
            if cls.now() is None:
                cls.pid = None

    @classmethod
    def now(cls) -> float | None:
        try:
            with open(f"/proc/{cls.pid}/schedstat", encoding="ascii") as schedstat:
                return int(schedstat.read().split()[0]) / 1e6
        except (OSError, IndexError, ValueError, TypeError):
            pass
        try:
            with open(f"/proc/{cls.pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError, TypeError):
            return None
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def timed(call) -> tuple[float, float, float | None]:
    """(wall, CPU of this process, CPU of the database server) in milliseconds. CPU times
    are what the machine's other load moves least.

    Each call runs as a web request runs it: an empty session, and transactions begun as
    a request begins them (`write_intent` off: on PostgreSQL what only reads, such as the
    answer read after the commit, runs outside a transaction). Run as a script would (a
    transaction for every read), that read would end in a ROLLBACK, and psycopg forgets
    its prepared statements at every ROLLBACK: each call would parse and plan every
    statement again, as no request does."""
    db.session.remove()
    token = write_intent.set(False)
    try:
        server = ServerCpu.now() if ServerCpu.pid else None
        start, cpu = time.perf_counter(), time.process_time()
        call()
        wall, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
        return wall, cpu, (ServerCpu.now() - server) if server is not None else None
    finally:
        write_intent.reset(token)


def report(name: str, samples: list[tuple[float, float, float | None]]) -> float:
    ordered = sorted(wall for wall, _cpu, _server in samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    median = statistics.median(ordered)
    cpu = statistics.median(cpu for _wall, cpu, _server in samples)
    server = [s for _wall, _cpu, s in samples if s is not None]
    # a mean over the calls: where only clock ticks (10 ms) count it, a median says nothing
    beside = f"   server cpu {statistics.mean(server):6.2f} ms (mean)" if server else ""
    print(f"  {name:<34} median {median:7.2f} ms   p95 {p95:7.2f} ms   "
          f"cpu {cpu:6.2f} ms{beside}   (n={len(ordered)})")
    return median


def run_orders(rounds: int, warmup: int) -> dict[str, float]:
    """`warmup` untimed orders first (first compiles and caches), then `rounds` timed."""
    plan, start, complete = [], [], []
    number = {}

    def do_plan():
        number["n"] = production.plan_order(item="P10", quantity=100).number

    for n in range(warmup + rounds):
        times = (timed(do_plan), timed(lambda: production.start_order(number=number["n"])),
                 timed(lambda: production.complete_order(number=number["n"], quantity=98,
                                                         location="FG")))
        if n >= warmup:
            for samples, measured in zip((plan, start, complete), times, strict=True):
                samples.append(measured)
    return {"plan (10 components)": report("plan (10 components)", plan),
            "start (FEFO picks into WIP)": report("start (FEFO picks into WIP)", start),
            "complete (consume, output, cost)": report("complete (consume, output, cost)",
                                                        complete)}


def build_chain() -> tuple[str, str]:
    """Make L1 … L5 through real orders; returns (an L5 lot, a component lot in L1)."""
    output = None
    for sku, quantity in (("L1", 2000), ("L2", 2000), ("L3", 2000), ("L4", 2000), ("L5", 20)):
        order = production.plan_order(item=sku, quantity=quantity)
        production.start_order(number=order.number)
        output = production.complete_order(number=order.number, quantity=quantity,
                                           location="STORE").output_lot.code
    first = db.session.execute(text(
        "SELECT l.code FROM genealogy g JOIN lot l ON l.id = g.input_lot_id "
        "JOIN item i ON i.id = l.item_id JOIN production_order o ON o.id = g.order_id "
        "JOIN item made ON made.id = o.item_id WHERE i.sku = 'C00' AND made.sku = 'L1' "
        "ORDER BY g.id LIMIT 1")).scalar()
    return output, first


def run_traces(rounds: int, client, headers) -> dict[str, float]:
    top, bottom = build_chain()
    back = trace.trace_lot(top, "backward")
    forward = trace.trace_lot(bottom, "forward")
    print(f"  trace trees: backward {back.lots} lots over {_depth(back.root)} levels of "
          f"production, forward {forward.lots} lots over {_depth(forward.root)} levels")
    return {
        "trace backward, 5 levels (service)": report(
            "trace backward, 5 levels (service)",
            [timed(lambda: trace.trace_lot(top, "backward")) for _ in range(rounds)]),
        "trace forward, 5 levels (service)": report(
            "trace forward, 5 levels (service)",
            [timed(lambda: trace.trace_lot(bottom, "forward")) for _ in range(rounds)]),
        "GET /lots/<code>/trace (API)": report(
            "GET /lots/<code>/trace (API)",
            [timed(lambda: client.get(f"/api/v1/lots/{top}/trace", headers=headers))
             for _ in range(rounds)]),
    }


def _depth(node) -> int:
    return 0 if not node.children else 1 + max(_depth(c) for c in node.children)


def check_consistency() -> None:
    mismatches = db.session.execute(text(
        "SELECT COUNT(*) FROM balance b LEFT JOIN (SELECT lot_id, location_id, "
        "SUM(quantity) AS total FROM movement GROUP BY lot_id, location_id) m "
        "ON m.lot_id = b.lot_id AND m.location_id = b.location_id "
        "WHERE COALESCE(m.total, 0) <> b.quantity")).scalar()
    count = db.session.execute(select(func.count()).select_from(text("movement"))).scalar()
    print(f"  movements: {count:,}; balances equal to the sum of their movements: "
          f"{'yes' if mismatches == 0 else f'NO ({mismatches} differ)'}")


ORDER_TARGET_MS, TRACE_TARGET_MS = 40, 50


def run_size(url: str, label: str, lots: int, movements: int, rounds: int,
             warmup: int) -> dict:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False,
                      # one connection, so one server backend does all the timed work
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1,
                                                    "max_overflow": 0}})
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        build(lots, movements)
        print(f"\n{label}: {len(COMPONENTS)} components × {lots} lots in stock, "
              f"{movements:,} movements, built in {time.perf_counter() - started:.1f} s")
        check_consistency()
        users.create_user(username="bench", password="bench-password", role="manager")
        client = app.test_client()
        token = client.post("/api/v1/tokens", json={"username": "bench",
                                                    "password": "bench-password"})
        headers = {"Authorization": "Bearer " + token.json["token"]}
        ServerCpu.follow()
        medians = run_orders(rounds, warmup)
        medians.update(run_traces(rounds, client, headers))
        print("  load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        check_consistency()
        db.session.remove()
        db.engine.dispose()
    return medians


def judge(verdicts: Verdicts, label: str, short: dict, long: dict) -> None:
    print(f"\n{label}: targets on the median (long history)")
    for name, value in long.items():
        target = TRACE_TARGET_MS if name.startswith(("trace", "GET")) else ORDER_TARGET_MS
        line = verdicts.under(f"{label} {name}", "median", value, target)
        if not name.startswith(("trace", "GET")):
            line += ", " + verdicts.within(f"{label} {name}", "median", short[name], value)
        print(f"  {name:<34} {value:7.2f} ms   {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--lots", type=int, default=1000, help="lots in stock per component")
    parser.add_argument("--sizes", default="10000,1000000",
                        help="history sizes in movements, short first")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3,
                        help="untimed orders before the timed ones, at each size")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    verdicts = Verdicts()
    for label, new_url in databases(args.db):
        results = [run_size(new_url(f"production{n}"), f"{label}, {n:,} movements",
                            args.lots, n, args.rounds, args.warmup) for n in sizes]
        judge(verdicts, label, results[0], results[-1])
    sys.exit(verdicts.exit_code())


if __name__ == "__main__":
    main()
