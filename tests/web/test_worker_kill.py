"""A gunicorn worker killed mid-load leaves nothing half-applied (SQLite and PostgreSQL).

gunicorn (2 workers x 4 threads) serves a burst of idempotent writes from six phones:
receipts of two lines and transfers between two locations. One worker is killed with
SIGKILL in the middle. Every request that got no answer, or a 5xx, is sent again with
the same Idempotency-Key until it is answered. Then: every balance is the sum of its
movements, every receipt has both its lines, lots and movements, every transfer both
legs, and each request applied exactly once.
"""

import json
import os
import signal
import threading
import time
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select

from krafte_pwa import create_app
from krafte_pwa.extensions import db
from krafte_pwa.models import (
    Balance,
    IdempotencyRecord,
    Lot,
    Movement,
    MovementKind,
    Receipt,
    ReceiptLine,
)
from krafte_pwa.services.users import create_user
from tests.factories import candle_workshop, receive
from tests.live_server import Client, free_port, start_gunicorn, stop, worker_pids

PHONES = 6
LOAD_SECONDS = 5
KILL_AFTER = 2


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "kill.db")
    return request.getfixturevalue("pg_server").create_database("krafte_kill")


@pytest.fixture
def shop(database_url):
    """Each phone's own wax lot of 1000 g in the store; an operator and the app to check."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "SECRET_KEY": "kill-test", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.create_all()
        candle_workshop()
        lots = [receive("WAX", "1000") for _ in range(PHONES)]
        create_user(username="phone", password="phone-password", role="operator")
        db.session.remove()
        yield app, lots
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def server(database_url, tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "kill-test"}
    process = start_gunicorn(env, port, tmp_path / "gunicorn.log", workers=2, threads=4)
    yield process, port
    stop(process)


class Phone(threading.Thread):
    """Sends writes until told to stop, each with its own key; remembers every outcome."""

    def __init__(self, n: int, port: int, token: str, lot: str, until: float):
        super().__init__(daemon=True)
        self.client = Client(port, {"Authorization": f"Bearer {token}"}, retry_stale=False)
        self.n, self.lot, self.until = n, lot, until
        self.sent: list[dict] = []  # {kind, key, path, body, status}

    def run(self):
        count = 0
        while time.monotonic() < self.until:
            count += 1
            if count % 2:
                kind, path = "receipt", "/api/v1/receipts"
                body = {"supplier": "Cires du Sud", "location": "STORE",
                        "lines": [{"item": "WICK", "quantity": "10"},
                                  {"item": "FO-LAV", "quantity": "0.5", "unit": "l"}]}
            else:
                kind, path = "transfer", "/api/v1/transfers"
                source, target = ("STORE", "SHELF") if count % 4 == 0 else ("SHELF", "STORE")
                body = {"lot": self.lot, "from": source, "to": target, "quantity": "1"}
            request = {"kind": kind, "key": f"p{self.n}-{uuid.uuid4()}", "path": path,
                       "body": body}
            request["status"] = send(self.client, request)
            self.sent.append(request)
        self.client.close()


def send(client: Client, request: dict) -> int | None:
    try:
        status, _h, _b = client.request("POST", request["path"], request["body"],
                                        {"Idempotency-Key": request["key"]})
        return status
    except OSError:
        return None  # no answer: the worker died with the request
    except Exception:  # noqa: BLE001  (http.client's errors: an answer cut short)
        return None


def test_a_killed_worker_leaves_nothing_half_applied(shop, server):
    app, lots = shop
    process, port = server
    with Client(port) as client:
        status, _h, payload = client.request("POST", "/api/v1/tokens",
                                             {"username": "phone",
                                              "password": "phone-password"})
    assert status == 201, payload
    token = json.loads(payload)["token"]
    # the transfers go back and forth: start with some on the shelf
    with Client(port, {"Authorization": f"Bearer {token}"}) as client:
        for n, lot in enumerate(lots):
            first = {"kind": "transfer", "key": f"seed-{n}", "path": "/api/v1/transfers",
                     "body": {"lot": lot, "from": "STORE", "to": "SHELF", "quantity": "100"}}
            assert send(client, first) == 201
    started = time.monotonic()
    phones = [Phone(n, port, token, lot, started + LOAD_SECONDS) for n, lot in enumerate(lots)]
    for phone in phones:
        phone.start()
    time.sleep(KILL_AFTER)
    victim = worker_pids(process.pid)[0]
    os.kill(victim, signal.SIGKILL)
    for phone in phones:
        phone.join(60)
    sent = [request for phone in phones for request in phone.sent]
    outcomes = Counter(request["status"] for request in sent)
    assert all(status is None or status < 500 or status == 503 for status in outcomes), outcomes

    # the phones come back online: everything unanswered (or busy) is sent again, same key
    retried = [request for request in sent if request["status"] not in (200, 201)]
    deadline = time.monotonic() + 30
    with Client(port, {"Authorization": f"Bearer {token}"}) as retry:
        for request in retried:
            while True:
                request["status"] = send(retry, request)
                if request["status"] in (200, 201) or time.monotonic() > deadline:
                    break
                time.sleep(0.3)
    assert all(request["status"] in (200, 201) for request in sent), \
        Counter(request["status"] for request in sent)
    assert victim not in worker_pids(process.pid)  # it really died (and was replaced)

    with app.app_context():
        ledger_is_whole(sent, lots)
    print(f"{len(sent)} writes, first answers {dict(outcomes)}, {len(retried)} retried")


def ledger_is_whole(sent: list[dict], lots: list[str]) -> None:
    sums = {(lot, loc): q for lot, loc, q in db.session.execute(
        select(Movement.lot_id, Movement.location_id, func.sum(Movement.quantity))
        .group_by(Movement.lot_id, Movement.location_id))}
    balances = {(lot, loc): q for lot, loc, q in db.session.execute(
        select(Balance.lot_id, Balance.location_id, Balance.quantity))}
    assert sums == balances
    assert all(q >= 0 for q in balances.values())

    keys = {request["key"] for request in sent}
    records = db.session.execute(select(IdempotencyRecord.key, IdempotencyRecord.status_code)
                                 .where(IdempotencyRecord.key.in_(keys))).all()
    assert sorted(key for key, _ in records) == sorted(keys)  # each applied exactly once
    assert all(code in (200, 201) for _, code in records)

    receipts = db.session.execute(select(Receipt)).scalars().all()
    wanted = sum(1 for request in sent if request["kind"] == "receipt")
    assert len(receipts) == wanted + len(lots)  # and the lots the shop started with
    for receipt in receipts:
        lines = db.session.execute(select(func.count(ReceiptLine.id))
                                   .where(ReceiptLine.receipt_id == receipt.id)).scalar()
        made = db.session.execute(select(func.count(Lot.id))
                                  .where(Lot.receipt_id == receipt.id)).scalar()
        moved = db.session.execute(select(func.count(Movement.id))
                                   .where(Movement.document == receipt.number)).scalar()
        assert lines == made == moved, receipt.number

    legs = db.session.execute(
        select(Movement.document, func.count(Movement.id), func.sum(Movement.quantity))
        .where(Movement.kind.in_([MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN]))
        .group_by(Movement.document)).all()
    transfers = sum(1 for request in sent if request["kind"] == "transfer")
    assert len(legs) == transfers + len(lots)  # and the seeding transfers
    assert all(count == 2 and total == 0 for _doc, count, total in legs)
