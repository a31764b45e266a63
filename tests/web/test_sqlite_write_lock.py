"""SQLite under write load: a request takes the write lock only when it writes.

Another connection holds SQLite's write lock (`BEGIN IMMEDIATE`, as a long write in
another process would) while requests arrive: a write waits up to the busy timeout and
then answers a clean 503 with Retry-After, changing nothing; a refused write and a read
answer at once, without waiting for the lock.
"""

import sqlite3
import time

import pytest
from sqlalchemy import func, select

from krafte_pwa.db_session import write_intent
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Location, Movement
from krafte_pwa.services.users import create_user
from tests.conftest import make_app
from tests.factories import candle_workshop, receive
from tests.same_time import post_at_once


def sqlite_app_with(url, monkeypatch, timeout: str):
    monkeypatch.setenv("KRAFTE_SQLITE_BUSY_TIMEOUT", timeout)
    app = make_app(url)
    with app.app_context():
        yield app
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def quick_app(sqlite_url, monkeypatch):
    """Writers give up after 0.4 s."""
    yield from sqlite_app_with(sqlite_url, monkeypatch, "0.4")


@pytest.fixture
def patient_app(sqlite_url, monkeypatch):
    """Writers would wait 8 s: anything answering quickly did not wait for the lock."""
    yield from sqlite_app_with(sqlite_url, monkeypatch, "8")


def shop(app):
    """A candle maker with one wax lot of 10 g in the store; a manager's token."""
    candle_workshop()
    code = receive("WAX", "10")
    create_user(username="boss", password="boss-password", role="manager")
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"username": "boss",
                                                "password": "boss-password"}).json["token"]
    db.session.remove()
    return client, {"Authorization": f"Bearer {token}"}, code


@pytest.fixture
def write_lock(sqlite_url):
    """Another writer holds SQLite's write lock until the test ends (or releases it)."""
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)

    def take():
        holder.execute("BEGIN IMMEDIATE")

    def release():
        if holder.in_transaction:
            holder.execute("ROLLBACK")

    yield take, release
    release()
    holder.close()


def ledger():
    """Movements and balances, read as a request reads (no write lock)."""
    db.session.remove()
    token = write_intent.set(False)
    try:
        return (db.session.execute(select(func.count(Movement.id))).scalar_one(),
                sorted(db.session.execute(select(Balance.location_id,
                                                 Balance.quantity)).all()))
    finally:
        db.session.remove()
        write_intent.reset(token)


def transfer(client, headers, code, key="t-1"):
    return client.post("/api/v1/transfers", headers={**headers, "Idempotency-Key": key},
                       json={"lot": code, "from": "STORE", "to": "SHELF", "quantity": "4"})


def test_a_write_that_cannot_get_the_lock_answers_503_busy_and_changes_nothing(
        quick_app, write_lock):
    client, headers, code = shop(quick_app)
    take, release = write_lock
    before = ledger()
    take()
    started = time.monotonic()
    response = transfer(client, headers, code)
    waited = time.monotonic() - started
    assert response.status_code == 503, response.json
    assert response.json["error"]["code"] == "busy"
    assert response.headers["Retry-After"] == "1"
    assert 0.3 <= waited < 4, waited  # waited for the busy timeout, then gave up
    assert ledger() == before
    release()
    again = transfer(client, headers, code)  # the phone retries with the same key
    assert again.status_code == 201, again.json
    assert ledger()[0] == before[0] + 2


def test_a_busy_page_post_gets_a_503_page(quick_app, write_lock):
    client, _headers, _code = shop(quick_app)
    client.post("/login", data={"username": "boss", "password": "boss-password"})
    take, release = write_lock
    take()
    response = client.post("/locations/new", data={"code": "DRY", "name": "Drying room"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert b"try again" in response.data
    release()
    assert db.session.execute(select(Location).where(Location.code == "DRY")).scalar() is None


@pytest.mark.parametrize("body", [
    {"lot": "NO-SUCH-LOT", "from": "STORE", "to": "SHELF", "quantity": "4"},
    {"from": "STORE", "to": "SHELF", "quantity": "-4"},
    {"from": "STORE", "to": "STORE", "quantity": "4"},
    {"from": "STORE", "to": "NOWHERE", "quantity": "4"},
])
@pytest.mark.parametrize("key", [None, "phone-7"])
def test_a_refused_write_answers_without_waiting_for_the_lock(patient_app, write_lock, body,
                                                              key):
    client, headers, code = shop(patient_app)
    take, _release = write_lock
    take()
    if key:  # a phone's write, as every phone sends it
        headers = {**headers, "Idempotency-Key": key}
    started = time.monotonic()
    response = client.post("/api/v1/transfers", headers=headers,
                           json={"lot": code, **body})
    assert 400 <= response.status_code < 500, response.json
    assert time.monotonic() - started < 5  # well under the 8 s a wait for the lock takes


def test_a_read_never_waits_for_a_writer(patient_app, write_lock):
    client, headers, code = shop(patient_app)
    take, _release = write_lock
    take()
    started = time.monotonic()
    assert client.get(f"/api/v1/lots/{code}", headers=headers).status_code == 200
    assert client.get("/api/v1/items/WAX", headers=headers).status_code == 200
    assert client.post("/api/v1/scan", headers=headers,
                       json={"payload": code}).status_code == 200  # a POST that only reads
    assert time.monotonic() - started < 5  # well under the 8 s a wait for the lock takes


@pytest.mark.parametrize("quantity", ["4", "10"])  # 10: a second run would be refused
def test_simultaneous_replays_of_one_key_apply_once_on_sqlite(patient_app, quantity):
    """Phones replaying the same write at once: writers take turns, the first stores its
    answer with its changes, the others are rolled back and answer as it did."""
    client, headers, code = shop(patient_app)
    before = ledger()
    headers = {**headers, "Idempotency-Key": f"offline-{quantity}"}
    body = {"lot": code, "from": "STORE", "to": "SHELF", "quantity": quantity}
    answers = post_at_once(patient_app, "/api/v1/transfers", body, headers, 4)
    assert len(answers) == 4
    assert {status for status, _ in answers} == {201}, answers
    assert len({str(answer) for _, answer in answers}) == 1
    assert ledger()[0] == before[0] + 2  # one transfer: two legs


def test_a_writer_left_open_and_given_back_frees_the_process_writer_lock(tmp_path):
    """A connection given back with its write transaction still open frees the lock that
    queues this process's writers: the next writer gets in at once, not after the timeout."""
    import threading
    import time

    from sqlalchemy import create_engine

    from krafte_pwa.db_session import configure_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'w.db'}")
    configure_engine(engine, busy_timeout=3)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    for _ in range(2):
        first = engine.connect()
        first.begin()
        first.exec_driver_sql("INSERT INTO t VALUES (1)")
        first.close()  # no commit: the pool rolls it back
        done = []

        def write(done=done):
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO t VALUES (2)")
            done.append(time.monotonic())

        started = time.monotonic()
        writer = threading.Thread(target=write)
        writer.start()
        writer.join(10)
        assert done and done[0] - started < 2  # well before the 3 s timeout
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM t WHERE x = 1").scalar() == 0
    engine.dispose()
