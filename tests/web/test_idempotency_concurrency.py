"""Offline phones replay: the same Idempotency-Key sent at once applies once (PostgreSQL)."""

import threading

from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import Movement, Receipt
from krafte_pwa.services.users import create_user
from tests.factories import candle_workshop


def test_simultaneous_replays_of_one_key_apply_once(pg_app):
    candle_workshop()
    create_user(username="phone", password="phone-password", role="operator")
    client = pg_app.test_client()
    token = client.post("/api/v1/tokens", json={"username": "phone",
                                                "password": "phone-password"}).json["token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "offline-7"}
    body = {"supplier": "Cires du Sud", "location": "STORE",
            "lines": [{"item": "WAX", "quantity": "250"}]}
    answers, start = [], threading.Barrier(6)

    def send():
        with pg_app.app_context():
            start.wait()
            response = pg_app.test_client().post("/api/v1/receipts", json=body,
                                                 headers=headers)
            answers.append((response.status_code, response.json))
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 6
    assert {status for status, _ in answers} == {201}
    assert len({str(answer) for _, answer in answers}) == 1
    db.session.expire_all()
    assert db.session.execute(select(func.count(Receipt.id))).scalar() == 1
    assert db.session.execute(select(func.count(Movement.id))).scalar() == 1
