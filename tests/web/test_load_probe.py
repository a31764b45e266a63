"""bench/load_probe.py, the app as bench/load.py serves it: each answer says what the request
cost the server, and on SQLite how long it waited for and held the write lock."""

import sys
from pathlib import Path

import pytest

from krafte_pwa.extensions import db
from krafte_pwa.services.users import create_user
from tests.factories import candle_workshop

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import load_probe  # noqa: E402


@pytest.fixture
def probed(tmp_path):
    app = load_probe.create_app({"TESTING": True, "SECRET_KEY": "test",
                                 "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/probe.db",
                                 "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.create_all()
        candle_workshop()
        create_user(username="operator", password="operator-password", role="operator")
        db.session.remove()
        yield app
        db.session.remove()
        db.engine.dispose()


def figures(response) -> dict:
    found = load_probe.parse(response.headers.get(load_probe.HEADER))
    assert found is not None and set(found) == set(load_probe.FIELDS), found
    return found


def test_a_write_reports_its_statements_and_the_write_lock_a_read_none(probed):
    client = probed.test_client()
    token = client.post("/api/v1/tokens", json={"username": "operator",
                                                "password": "operator-password"}).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    received = client.post("/api/v1/receipts", headers={**auth, "Idempotency-Key": "k1"},
                           json={"supplier": "Hive", "location": "STORE",
                                 "lines": [{"item": "WAX", "quantity": "40"}]})
    assert received.status_code == 201, received.json
    wrote = figures(received)
    assert wrote["n"] >= 5 and wrote["cpu"] > 0 and wrote["wall"] >= wrote["sql"] > 0
    assert wrote["hold"] > 0 and wrote["wait"] >= 0
    read = figures(client.get(f"/api/v1/lots/{received.json['lots'][0]['code']}",
                              headers=auth))
    assert read["n"] >= 2 and read["hold"] == 0 and read["wait"] == 0
