"""PostgreSQL: a pooled connection the server closed is replaced before a request uses it,
and a healthy one is used without a ping (no extra round trip per request)."""

import time

import psycopg
import pytest

from krafte_pwa import db_session
from krafte_pwa.extensions import db
from krafte_pwa.services.users import create_user


@pytest.fixture
def pg_client(pg_app):
    create_user(username="boss", password="boss-password", role="manager")
    client = pg_app.test_client()
    token = client.post("/api/v1/tokens",
                        json={"username": "boss", "password": "boss-password"}).json["token"]
    db.session.remove()
    return client, {"Authorization": "Bearer " + token}


def _get_items(client, headers):
    response = client.get("/api/v1/items", headers=headers)
    db.session.remove()  # the connection goes back to the pool, as after a real request
    return response


@pytest.fixture
def pings(monkeypatch):
    answers = []
    real = db_session._answers

    def counted(engine, dbapi_connection):
        answers.append(real(engine, dbapi_connection))
        return answers[-1]

    monkeypatch.setattr(db_session, "_answers", counted)
    return answers


def _terminate_app_backends(pg_url: str) -> list[int]:
    """pg_terminate_backend every other session of the test database; wait until gone."""
    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        others = "datname = current_database() AND pid <> pg_backend_pid()"
        pids = [pid for (pid,) in conn.execute(f"SELECT pid FROM pg_stat_activity WHERE {others}")]
        for pid in pids:
            conn.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while conn.execute(f"SELECT count(*) FROM pg_stat_activity WHERE {others}"
                           ).fetchone()[0] and time.monotonic() < deadline:
            time.sleep(0.02)
    return pids


def test_a_request_after_the_server_ended_the_pooled_connection_succeeds(
        pg_client, pg_url, pings):
    client, headers = pg_client
    assert _get_items(client, headers).status_code == 200
    assert _terminate_app_backends(pg_url), "the pool held no connection to end"
    response = _get_items(client, headers)
    assert response.status_code == 200, response.json
    assert False in pings  # the dead connection was found by its ping and replaced
    assert _get_items(client, headers).status_code == 200


def test_a_healthy_pooled_connection_is_used_without_a_ping(pg_client, pings):
    client, headers = pg_client
    for _ in range(3):
        assert _get_items(client, headers).status_code == 200
    assert pings == []


def test_a_connection_idle_for_long_is_pinged_first(pg_client, pings, monkeypatch):
    client, headers = pg_client
    monkeypatch.setattr(db_session, "IDLE_PING_SECONDS", 0.0)
    assert _get_items(client, headers).status_code == 200
    assert pings and all(pings)
