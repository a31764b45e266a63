"""How long a 500-line receipt holds the write lock: POST /api/v1/receipts, in process.

    .venv/bin/python bench/receipt.py              # SQLite (a file, WAL), 5 runs
    .venv/bin/python bench/receipt.py --postgres   # also on a throwaway PostgreSQL

A workshop of 100 items and 2 locations; each run posts one receipt of 500 lines (five
lines per item, with supplier lot, expiry and cost) through the test client with a
bearer token and an Idempotency-Key, as a phone or a supplier import would. Prints the
median and the worst request time, and how long the request held the write lock (from
its first write statement to its commit: on SQLite, the time other writers wait).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from krafte_pwa import create_app  # noqa: E402
from krafte_pwa.db_session import _writes  # noqa: E402
from krafte_pwa.extensions import db  # noqa: E402
from krafte_pwa.services import items as item_actions  # noqa: E402
from krafte_pwa.services import locations as location_actions  # noqa: E402
from krafte_pwa.services.users import create_user  # noqa: E402

ITEMS = 100
LINES = 500


def build(url: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        location_actions.create_location(code="DOCK", name="Dock")
        location_actions.create_location(code="STORE", name="Store")
        for n in range(ITEMS):
            item_actions.create_item(sku=f"RM-{n:03d}", name=f"Raw material {n}",
                                     kind="material", unit="g", shelf_life_days=365)
        create_user(username="bench", password="bench-password", role="manager")
    return app


def lines() -> list[dict]:
    expiry = (date.today() + timedelta(days=200)).isoformat()
    return [{"item": f"RM-{n % ITEMS:03d}", "quantity": str(1000 + n), "unit": "g",
             "supplier_lot": f"S{n:05d}", "expiry": expiry, "unit_cost": "0.012"}
            for n in range(LINES)]


class LockClock:
    """From the first write statement of a transaction to its commit."""

    def __init__(self, engine):
        self.first_write = None
        self.held: list[float] = []
        event.listen(engine, "before_cursor_execute", self.statement)
        event.listen(engine, "commit", self.commit)

    def statement(self, _conn, _cursor, statement, _params, context, _many):
        if self.first_write is None and _writes(statement, context):
            self.first_write = time.perf_counter()

    def commit(self, _conn):
        if self.first_write is not None:
            self.held.append((time.perf_counter() - self.first_write) * 1000)
            self.first_write = None


def run(url: str, runs: int) -> tuple[list[float], list[float]]:
    app = build(url)
    times = []
    with app.app_context():
        clock = LockClock(db.engine)
        client = app.test_client()
        token = client.post("/api/v1/tokens", json={"username": "bench",
                                                    "password": "bench-password"}).json["token"]
        body = {"supplier": "Big Supplier", "location": "DOCK", "lines": lines()}
        held = []
        for n in range(runs):
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"bench-{n}"}
            started = time.perf_counter()
            response = client.post("/api/v1/receipts", json=body, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            held.append(clock.held[-1])
            assert response.status_code == 201, response.json
            assert len(response.json["lots"]) == LINES
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return times, held


def report(name: str, figures: tuple[list[float], list[float]]) -> None:
    times, held = figures
    print(f"{name:<11} {LINES}-line receipt: median {statistics.median(times):6.0f} ms, "
          f"worst {max(times):6.0f} ms; write lock held: median "
          f"{statistics.median(held):6.0f} ms, worst {max(held):6.0f} ms ({len(times)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report("SQLite", run("sqlite:///" + str(Path(tmp) / "bench.db"), args.runs))
    if args.postgres:
        from tests.pg_server import PostgresServer, find_bin_dir

        server = PostgresServer(find_bin_dir()).start()
        try:
            report("PostgreSQL", run(server.create_database("bench"), args.runs))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
