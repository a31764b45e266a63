"""Idempotency-Key: a replay of the same request returns the first answer, changes nothing.

The answer is stored in the same transaction as the action itself. On PostgreSQL the
key is inserted (and flushed) before the action runs: a concurrent duplicate waits on
the unique key and then finds the stored answer. On SQLite, where writers take turns on
one database lock, the key is inserted after the action, with its answer: a request
takes the write lock only when its action writes (a refused one never does, see
db_session), and a concurrent duplicate, run after the first committed, fails on the
unique key when it stores its answer, is rolled back whole and answers as the first did;
if its action was refused (the first took the stock), the stored answer is returned too.
"""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import BadInput, Conflict
from ..extensions import db
from ..messages import _
from ..models import IdempotencyRecord
from ._tx import dialect_name, transaction


@dataclass
class StoredAnswer:
    status: int
    body: str | None


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def _stored(user_id: int, key: str, print_: str) -> StoredAnswer | None:
    record = db.session.execute(
        select(IdempotencyRecord).where(IdempotencyRecord.user_id == user_id,
                                        IdempotencyRecord.key == key)
    ).scalar()
    if record is None:
        return None
    if record.fingerprint != print_:
        raise Conflict(_("this Idempotency-Key was used for a different request"),
                       code="idempotency_key_reused")
    if record.status_code is None:
        raise Conflict(_("the first request with this Idempotency-Key is still running"),
                       code="idempotency_in_progress")
    return StoredAnswer(record.status_code, record.response_body)


def run_once(user_id: int, key: str, print_: str, action):
    """Run `action()` -> (status, body dict) once per key; replays get the stored answer.

    Returns (status, body_json_text, replayed)."""
    if not key or len(key) > 200:
        raise BadInput(_("Idempotency-Key must have 1 to 200 characters"),
                       code="bad_idempotency_key")
    stored = _stored(user_id, key, print_)
    if stored:
        return stored.status, stored.body, True
    try:
        return _run(user_id, key, print_, action)
    except IntegrityError:
        # A concurrent request with the same key committed first: answer as it did.
        db.session.rollback()
        stored = _stored(user_id, key, print_)
        if stored is None:
            raise
        return stored.status, stored.body, True


def _run(user_id: int, key: str, print_: str, action):
    if dialect_name() == "sqlite":
        return _run_then_record(user_id, key, print_, action)
    record = IdempotencyRecord(user_id=user_id, key=key, fingerprint=print_)
    db.session.add(record)
    with transaction():
        db.session.flush()  # a duplicate waits here on the unique key, before doing anything
        status, body = action()
        text = json.dumps(body)
        record.status_code, record.response_body = status, text
    return status, text, False


def _run_then_record(user_id: int, key: str, print_: str, action):
    try:
        with transaction():
            status, body = action()
            text = json.dumps(body)
            db.session.add(IdempotencyRecord(user_id=user_id, key=key, fingerprint=print_,
                                             status_code=status, response_body=text))
            # commit at the block's end: a duplicate committed first raises
            # IntegrityError, see run_once
    except IntegrityError:
        raise
    except BaseException:
        stored = _stored(user_id, key, print_)  # a duplicate that ran first wins
        if stored is not None:
            return stored.status, stored.body, True
        raise
    return status, text, False
