"""Offline phones replay: the same Idempotency-Key sent at once applies once (PostgreSQL)."""

from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import Movement, Receipt
from krafte_pwa.services.users import create_user
from tests.factories import candle_workshop
from tests.same_time import post_at_once


def test_simultaneous_replays_of_one_key_apply_once(pg_app):
    candle_workshop()
    create_user(username="phone", password="phone-password", role="operator")
    client = pg_app.test_client()
    token = client.post("/api/v1/tokens", json={"username": "phone",
                                                "password": "phone-password"}).json["token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "offline-7"}
    body = {"supplier": "Cires du Sud", "location": "STORE",
            "lines": [{"item": "WAX", "quantity": "250"}]}
    answers = post_at_once(pg_app, "/api/v1/receipts", body, headers, 6)
    assert len(answers) == 6
    assert {status for status, _ in answers} == {201}
    assert len({str(answer) for _, answer in answers}) == 1
    db.session.expire_all()
    assert db.session.execute(select(func.count(Receipt.id))).scalar() == 1
    assert db.session.execute(select(func.count(Movement.id))).scalar() == 1
