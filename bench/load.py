"""A shop floor's load against gunicorn on loopback, then the ledger checked.

    .venv/bin/python bench/load.py                       # 3 minutes, SQLite then PostgreSQL
    .venv/bin/python bench/load.py --seconds 60 --db sqlite
    .venv/bin/python bench/load.py --movements 1000000 --seconds 60   # a year's history

For each database: a fresh one (a file under a temporary directory, or a throwaway
PostgreSQL started from tests/pg_server.py), `flask db upgrade` and `flask demo`, then
gunicorn as `make run` starts it (2 workers x 4 threads). With `--movements N`, about N
movements of history are added in bulk before gunicorn starts (bench/pages.py's lots:
received over three years, most used up; balances equal to their movements), and the
clients are 6 phones and 2 stations unless given. Then, for `--seconds`:

- phones (operators, 20 by default, one bearer token and one logged-in page session
  each): scan a lot's label URL (POST /api/v1/scan), read a lot (its page /l/<code> and
  GET /api/v1/lots/<code>), receive small receipts (1 to 3 lines), transfer part of a
  lot they received between locations;
- 2 stations (managers): check feasibility of a candle batch, receive what is missing,
  plan the order, start it (FEFO suggestion) and complete it into FG.

Every write carries an Idempotency-Key; one write in ten is sent a second time with the
same key, and must come back with the first answer. A request that gets no answer is
sent again with the same key. Prints the machine's load average before the build, at the
start and at the end of the run (wall-clock figures mean little on a busy machine),
requests per second, p50/p95/p99 per operation with statuses, then what each operation
cost the server per request (bench/load_probe.py: the app as served here adds a header
with the request's thread CPU time, statements, time in SQL, and SQLite's write lock
waited for and held; CPU and statements hardly move with the machine's load), the PSS of
every gunicorn process (from /proc/<pid>/smaps_rollup), then checks the ledger: every
balance equals the sum of its movements, no balance is negative, and each write
acknowledged applied exactly once (receipts, transfers, orders planned and completed,
counted in the database against the keys answered 2xx).

Targets (bench/timing.py's Verdicts; exit status 1 when one is missed): every
operation's p95 under 250 ms, no 5xx answer, the two workers' PSS under 150 MiB, the
ledger exact.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load_probe import HEADER as PROBE_HEADER  # noqa: E402
from load_probe import parse as parse_probe  # noqa: E402
from timing import Verdicts, copy_lot_keys  # noqa: E402

from tests.live_server import (  # noqa: E402
    Client,
    free_port,
    pss_kib,
    start_gunicorn,
    stop,
    worker_pids,
)

PHONE_ITEMS = [("NAOH", "kg"), ("OIL-OLV", "l"), ("OIL-COC", "kg"), ("TIN-100", "pcs"),
               ("EO-TEA", "ml"), ("DYE-RED", "g"), ("LBL-CRM", "pcs"), ("GLY", "kg")]
LOCATIONS = ["STORE", "STORE-A1", "FG"]
PRODUCTS = ["CDL-LAV", "CDL-FIG"]


# ---- the server ------------------------------------------------------------------------


def server_env(url: str, port: int, tmp: str) -> dict:
    env = dict(os.environ)
    env.update(DATABASE_URL=url, SECRET_KEY="load-test-secret",
               KRAFTE_BASE_URL=f"http://127.0.0.1:{port}",
               PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "bench")]))
    env.pop("FLASK_APP", None)
    return env


def flask(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "krafte_pwa", *args], env=env,
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


@contextmanager
def database(kind: str, tmp: str, keep: str | None = None):
    if kind == "sqlite":
        yield "sqlite:///" + str(Path(keep).resolve() if keep else Path(tmp) / "load.db")
        return
    from tests.pg_server import PostgresServer, find_bin_dir

    server = PostgresServer(find_bin_dir()).start()
    try:
        yield server.create_database("krafte_load")
    finally:
        server.stop()


# ---- the clients -----------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.no_answer = Counter()
        self.replay_mismatch: list[str] = []
        self.applied: Counter = Counter()  # what the server acknowledged (2xx), by kind

        self.server: dict[str, list[dict]] = defaultdict(list)  # X-Load-Probe figures

    def record(self, op: str, seconds: float, status: int, headers=None) -> None:
        figures = parse_probe(headers.get(PROBE_HEADER)) if headers is not None else None
        with self.lock:
            self.times[op].append(seconds * 1000)
            self.statuses[op][status] += 1
            if figures is not None:
                self.server[op].append(figures)


class Actor(threading.Thread):
    def __init__(self, name: str, port: int, token: str, stats: Stats, until: float,
                 seed: int, think: float):
        super().__init__(name=name, daemon=True)
        self.api = Client(port, {"Authorization": f"Bearer {token}"})
        self.stats, self.until, self.think = stats, until, think
        self.rng = random.Random(seed)
        self.failure: BaseException | None = None

    def call(self, op: str, method: str, path: str, body=None, client=None):
        client = client or self.api
        started = time.perf_counter()
        try:
            status, headers, payload = client.request(method, path, body)
        except (OSError, http.client.HTTPException):
            with self.stats.lock:
                self.stats.no_answer[op] += 1
            return None, None, None
        self.stats.record(op, time.perf_counter() - started, status, headers)
        return status, headers, payload

    def write(self, op: str, path: str, body: dict, kind: str | None = None):
        """An idempotent write: resent with its key when no answer came; sometimes replayed
        on purpose, when the replay must bring back the first answer."""
        key = f"{self.name}-{uuid.uuid4()}"
        headers = {"Idempotency-Key": key}
        for attempt in range(5):
            try:
                started = time.perf_counter()
                status, answered, payload = self.api.request("POST", path, body, headers)
                self.stats.record(op, time.perf_counter() - started, status, answered)
                break
            except (OSError, http.client.HTTPException):
                with self.stats.lock:
                    self.stats.no_answer[op] += 1
                time.sleep(0.2 * (attempt + 1))
        else:
            return None, None
        if 200 <= status < 300:
            with self.stats.lock:
                self.stats.applied[kind or op] += 1
            if self.rng.random() < 0.1:
                try:
                    again, headers2, payload2 = self.api.request("POST", path, body, headers)
                except (OSError, http.client.HTTPException):
                    return status, json.loads(payload) if payload else None
                self.stats.record(op + " (replay)", 0, again)
                if (again, payload2) != (status, payload) or \
                        headers2.get("Idempotent-Replayed") != "true":
                    with self.stats.lock:
                        self.stats.replay_mismatch.append(f"{op} {key}: {again}")
        return status, json.loads(payload) if payload else None

    def pause(self):
        time.sleep(self.rng.uniform(0, 2 * self.think))

    def run(self):
        try:
            while time.monotonic() < self.until:
                self.step()
                self.pause()
        except BaseException as exc:  # reported by the main thread
            self.failure = exc


class Phone(Actor):
    """An operator's phone: receives, moves, scans and reads the lots it handles."""

    def __init__(self, *args, page_client: Client, **kw):
        super().__init__(*args, **kw)
        self.pages = page_client
        self.lots: dict[str, dict[str, float]] = {}  # code -> {location: quantity}

    def step(self):
        r = self.rng.random()
        if not self.lots or r < 0.15:
            self.receive()
        elif r < 0.40:
            self.transfer()
        elif r < 0.70:
            code = self.rng.choice(list(self.lots))
            self.call("scan", "POST", "/api/v1/scan",
                      {"payload": f"http://127.0.0.1:{self.api.port}/l/{code}"})
        elif r < 0.85:
            self.call("lot page", "GET", f"/l/{self.rng.choice(list(self.lots))}",
                      client=self.pages)
        else:
            self.call("lot api", "GET", f"/api/v1/lots/{self.rng.choice(list(self.lots))}")

    def receive(self):
        lines = []
        for _ in range(self.rng.randint(1, 3)):
            sku, unit = self.rng.choice(PHONE_ITEMS)
            lines.append({"item": sku, "quantity": str(self.rng.randint(20, 200)),
                          "unit": unit, "supplier_lot": f"S{self.rng.randint(1, 99999)}",
                          "unit_cost": "1.5"})
        location = self.rng.choice(LOCATIONS[:2])
        status, answer = self.write("receipt", "/api/v1/receipts",
                                    {"supplier": "Load Supplier", "location": location,
                                     "lines": lines})
        if status == 201:
            for lot, line in zip(answer["lots"], lines, strict=True):
                self.lots[lot["code"]] = {location: float(line["quantity"])}

    def transfer(self):
        code = self.rng.choice(list(self.lots))
        here = {loc: q for loc, q in self.lots[code].items() if q >= 2}
        if not here:
            del self.lots[code]
            return
        source = self.rng.choice(list(here))
        target = self.rng.choice([loc for loc in LOCATIONS if loc != source])
        quantity = max(1, int(here[source] // 3))
        status, _ = self.write("transfer", "/api/v1/transfers",
                               {"lot": code, "from": source, "to": target,
                                "quantity": str(quantity)})
        if status is not None and 200 <= status < 300:
            self.lots[code][source] -= quantity
            self.lots[code][target] = self.lots[code].get(target, 0) + quantity
        elif status is not None and 400 <= status < 500:
            del self.lots[code]  # a station used it in production: forget it


class Station(Actor):
    """A production station: feasibility, top-up receipt, plan, start, complete."""

    def step(self):
        sku = self.rng.choice(PRODUCTS)
        quantity = self.rng.randint(4, 12)
        status, _h, payload = self.call("feasibility", "GET",
                                        f"/api/v1/items/{sku}/feasibility?quantity={quantity}")
        if status != 200:
            return
        answer = json.loads(payload)
        if not answer["feasible"]:
            lines = [{"item": s["item"], "quantity": str(float(s["missing"]) * 5 + 1),
                      "unit_cost": "1"} for s in answer["shortages"]]
            self.write("receipt", "/api/v1/receipts",
                       {"supplier": "Station Supplier", "location": "STORE", "lines": lines})
            return
        status, order = self.write("plan", "/api/v1/production-orders",
                                   {"item": sku, "quantity": str(quantity)})
        if status != 201:
            return
        number = order["number"]
        status, _ = self.write("start", f"/api/v1/production-orders/{number}/start", {})
        if status != 200:
            self.write("cancel", f"/api/v1/production-orders/{number}/cancel", {})
            return
        self.write("complete", f"/api/v1/production-orders/{number}/complete",
                   {"quantity": str(quantity), "location": "FG"})


# ---- a run -----------------------------------------------------------------------------


def token(port: int, username: str, password: str) -> str:
    status, _h, payload = Client(port).request("POST", "/api/v1/tokens",
                                               {"username": username, "password": password})
    assert status == 201, payload
    return json.loads(payload)["token"]


def page_session(port: int, username: str, password: str) -> Client:
    client = Client(port)
    status, _h, page = client.request("GET", "/login")
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    status, _h, _p = client.request("POST", "/login", form={
        "csrf_token": csrf, "username": username, "password": password})
    assert status == 302, status
    return client


def percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


P95_TARGET_MS = 250  # every operation's 95th percentile
PSS_TARGET_MIB = 150  # the two workers together


def report(stats: Stats, seconds: float, verdicts: Verdicts, label: str) -> None:
    """Per operation: what the clients waited (p50/p95/p99, the p95 judged) and statuses
    (any 5xx is a miss)."""
    total = sum(len(t) for op, t in stats.times.items() if "replay" not in op)
    print(f"  {total} requests in {seconds:.0f} s: {total / seconds:.1f} requests/s")
    print(f"  {'operation':<20}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for op in sorted(stats.times):
        ordered = sorted(stats.times[op])
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(stats.statuses[op].items()))
        errors = sum(n for s, n in stats.statuses[op].items() if s >= 500)
        if errors:
            verdicts.missed.append(f"{label} {op}: {errors} answers 5xx, target none")
        if "replay" in op:
            print(f"  {op:<20}{len(ordered):>7}{'':>27}  {statuses}")
            continue
        p95 = percentile(ordered, .95)
        line = verdicts.under(f"{label} {op}", "p95", p95, P95_TARGET_MS)
        print(f"  {op:<20}{len(ordered):>7}{percentile(ordered, .5):>9.0f}"
              f"{p95:>9.0f}{percentile(ordered, .99):>9.0f}  {statuses}  {line}"
              + (f", {errors} 5xx MISSED" if errors else ""))
    if stats.no_answer:
        print(f"  no answer (resent with the same key): {dict(stats.no_answer)}")
    if stats.replay_mismatch:
        verdicts.missed.append(f"{label}: {len(stats.replay_mismatch)} replays did not "
                               f"return the first answer")
        print(f"  REPLAYS THAT DID NOT RETURN THE FIRST ANSWER: {stats.replay_mismatch[:5]}")


def server_report(stats: Stats) -> None:
    """Per operation, what each request cost the server (bench/load_probe.py): wall and
    thread CPU time, statements and time in SQL, SQLite's write lock waited and held."""
    print("  server side, per request (median / p95; statements median / max):")
    print(f"  {'operation':<20}{'wall ms':>14}{'CPU ms':>14}{'statements':>12}"
          f"{'SQL ms':>14}{'lock wait ms':>14}{'lock held ms':>14}")
    for op in sorted(stats.server):
        rows = stats.server[op]
        counts = sorted(r["n"] for r in rows)
        print(f"  {op:<20}{_pair(rows, 'wall'):>14}{_pair(rows, 'cpu'):>14}"
              f"{f'{percentile(counts, .5):.0f} / {counts[-1]:.0f}':>12}"
              f"{_pair(rows, 'sql'):>14}{_pair(rows, 'wait'):>14}{_pair(rows, 'hold'):>14}")


def _pair(rows: list[dict], name: str) -> str:
    ordered = sorted(r[name] for r in rows)
    return f"{percentile(ordered, .5):.1f} / {percentile(ordered, .95):.1f}"


def memory_report(samples: dict[int, list[int]], master: int, verdicts: Verdicts,
                  label: str) -> None:
    workers = 0.0
    for pid, values in sorted(samples.items()):
        values = [v for v in values if v is not None]
        if values:
            print(f"  gunicorn {'master' if pid == master else 'worker'} pid {pid}: PSS "
                  f"{values[-1] / 1024:.0f} MiB at the end, max {max(values) / 1024:.0f} MiB")
            workers += max(values) / 1024 if pid != master else 0
    heavy = workers >= PSS_TARGET_MIB
    if heavy:
        verdicts.missed.append(f"{label}: workers' PSS {workers:.0f} MiB, "
                               f"target < {PSS_TARGET_MIB} MiB")
    print(f"  workers' PSS together (max of each): {workers:.0f} MiB, target < "
          f"{PSS_TARGET_MIB} MiB {'MISSED' if heavy else 'ok'}")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} CPUs)"


def check_ledger(url: str, applied: Counter, before: dict) -> bool:
    """Balances = sum of movements, none negative, each acknowledged write applied once."""
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import func, select

    from krafte_pwa import create_app
    from krafte_pwa.extensions import db
    from krafte_pwa.models import Balance, Movement

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    ok = True
    with app.app_context():
        sums = dict(((lot, loc), q) for lot, loc, q in db.session.execute(
            select(Movement.lot_id, Movement.location_id, func.sum(Movement.quantity))
            .group_by(Movement.lot_id, Movement.location_id)).all())
        balances = dict(((lot, loc), q) for lot, loc, q in db.session.execute(
            select(Balance.lot_id, Balance.location_id, Balance.quantity)).all())
        wrong = [k for k in set(sums) | set(balances)
                 if sums.get(k, 0) != balances.get(k, 0)]
        negative = [k for k, q in balances.items() if q < 0]
        counts = database_counts()
        applied_once = {kind: (counts[kind] - before[kind], applied[kind]) for kind in counts}
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    print(f"  ledger: {len(balances)} balances, {sum(1 for _ in sums)} with movements; "
          f"{len(wrong)} differ from their movements, {len(negative)} negative")
    for kind, (found, acknowledged) in applied_once.items():
        print(f"  {kind}: {found} in the database, {acknowledged} acknowledged")
        ok &= found == acknowledged
    return ok and not wrong and not negative


def database_counts() -> dict:
    from sqlalchemy import func, select

    from krafte_pwa.extensions import db
    from krafte_pwa.models import Movement, MovementKind, ProductionOrder, Receipt

    def count(query):
        return db.session.execute(query).scalar_one()

    return {
        "receipt": count(select(func.count(Receipt.id))),
        "transfer": count(select(func.count(func.distinct(Movement.document)))
                          .where(Movement.kind == MovementKind.TRANSFER_OUT)),
        "plan": count(select(func.count(ProductionOrder.id))),
        "complete": count(select(func.count(ProductionOrder.id))
                          .where(ProductionOrder.status == "completed")),
    }


def counts_now(url: str) -> dict:
    from krafte_pwa import create_app
    from krafte_pwa.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        found = database_counts()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return found


MOVEMENTS_PER_LOT = 1.96  # bench/pages.py's history: most lots received, then used up


HISTORY_TABLES = ("lot", "movement", "balance")


def add_history(url: str, lots: int) -> None:
    """Years of receipts before the run (bench/pages.py's history: most lots used up),
    in bulk; balances equal to their movements. The secondary indexes of the tables filled
    are dropped first and built again at the end (as a restore does): building an index
    once over a million rows is much faster than keeping it up to date row by row."""
    from pages import add_lots

    from krafte_pwa import create_app
    from krafte_pwa.extensions import db

    started = time.monotonic()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "history"})
    indexes = [index for name in HISTORY_TABLES for index in db.metadata.tables[name].indexes]
    with app.app_context():
        with db.engine.begin() as conn:
            for index in indexes:
                index.drop(conn)
        db.engine.dispose()
    add_lots(app, lots)
    with app.app_context():
        with db.engine.begin() as conn:
            copy_lot_keys(conn)
            for index in indexes:
                index.create(conn)
            if conn.dialect.name == "sqlite":  # the new indexes' statistics
                conn.exec_driver_sql("ANALYZE")
        db.session.remove()
        db.engine.dispose()
    print(f"  history added in {time.monotonic() - started:.0f} s "
          f"({len(indexes)} indexes built again after the rows)")


def run(kind: str, args, verdicts: Verdicts) -> None:
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]
    print(f"\n== {label}: {args.phones} phones, {args.stations} stations, {args.seconds} s")
    keep = args.keep if kind == "sqlite" else None
    with tempfile.TemporaryDirectory() as tmp, database(kind, tmp, keep) as url:
        port = free_port()
        env = server_env(url, port, tmp)
        built = time.monotonic()
        if keep and Path(keep).exists():
            print(f"  reusing {keep} (history of an earlier run, and that run's writes)")
        else:
            build(env, url, args.lots)
        before = counts_now(url)
        print(f"  database ready in {time.monotonic() - built:.0f} s")
        log = Path(tmp) / "gunicorn.log"
        server = start_gunicorn(env, port, log, app="load_probe:create_app()")
        try:
            stats, elapsed, samples, actors = drive(port, args, server)
        finally:
            stop(server)
        broken = [a for a in actors if a.failure is not None]
        for actor in broken[:3]:
            print(f"  {actor.name} stopped: {actor.failure!r}")
            verdicts.missed.append(f"{label}: client {actor.name} stopped")
        report(stats, elapsed, verdicts, label)
        server_report(stats)
        memory_report(samples, server.pid, verdicts, label)
        if not check_ledger(url, stats.applied, before):
            verdicts.missed.append(f"{label}: the ledger does not add up")
        errors = [ln for ln in log.read_text(errors="replace").splitlines()
                  if "Traceback" in ln or "[ERROR]" in ln]
        if errors:
            print(f"  server log: {len(errors)} error lines, e.g. {errors[:3]}")


def build(env: dict, url: str, lots: int) -> None:
    flask(env, "db", "upgrade")
    flask(env, "demo")
    if lots:
        add_history(url, lots)


def drive(port: int, args, server):
    """The clients against the server for `args.seconds`; the load average at the start
    and the end, the PSS of the gunicorn processes every 2 s."""
    samples: dict[int, list[int]] = defaultdict(list)
    phones = [Phone(f"phone{n}", port, token(port, "operator", "krafte-floor"),
                    Stats(), 0, n, args.think,
                    page_client=page_session(port, "operator", "krafte-floor"))
              for n in range(args.phones)]
    stations = [Station(f"station{n}", port, token(port, "manager", "krafte-demo"),
                        Stats(), 0, 1000 + n, args.think)
                for n in range(args.stations)]
    stats = Stats()
    actors = phones + stations
    print(f"  at the start: {load_average()}")
    started = time.monotonic()
    for actor in actors:
        actor.stats, actor.until = stats, started + args.seconds
        actor.start()
    while any(actor.is_alive() for actor in actors):
        for pid in [server.pid, *worker_pids(server.pid)]:
            samples[pid].append(pss_kib(pid))
        time.sleep(2)
    elapsed = time.monotonic() - started
    print(f"  at the end:   {load_average()}")
    return stats, elapsed, samples, actors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--movements", type=int, default=0,
                        help="movements of history built first (1000000: a year's history; "
                             "then 6 phones and 2 stations unless given)")
    parser.add_argument("--phones", type=int, default=None,
                        help="20, or 6 with --movements")
    parser.add_argument("--stations", type=int, default=2)
    parser.add_argument("--lots", type=int, default=0,
                        help="lots of history added first (about 1.96 movements each)")
    parser.add_argument("--think", type=float, default=0.25,
                        help="mean pause between a client's actions, seconds")
    parser.add_argument("--keep", metavar="FILE", default=None,
                        help="SQLite: build the database in FILE and keep it; when FILE "
                             "exists, reuse it as it is (reruns without the build)")
    args = parser.parse_args()
    if args.movements:
        args.lots = args.lots or round(args.movements / MOVEMENTS_PER_LOT)
    if args.phones is None:
        args.phones = 6 if args.movements else 20
    print(f"{load_average()} before the build")
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    verdicts = Verdicts()
    for kind in kinds:
        run(kind, args, verdicts)
    sys.exit(verdicts.exit_code())


if __name__ == "__main__":
    main()
