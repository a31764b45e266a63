"""Login limits: failed attempts counted per account and per client address.

Flask-Limiter (fixed window) counts only failed attempts (`deduct_when` on a 401) on
`POST /login` and `POST /api/v1/tokens`, which share the counters. The counters live in
our own database (`rate_limit_counter`), so every app process of a team sees the same
ones; `limits` has no SQL storage, hence the small storage class below.
"""

import hashlib
import logging
import time
from contextlib import contextmanager

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.exc import SQLAlchemyError

from ..db_session import write_intent
from ..extensions import db, limiter
from ..models import RateLimitCounter

log = logging.getLogger(__name__)

ACCOUNT_LIMITS = "5 per minute; 20 per hour"
ADDRESS_LIMITS = "30 per minute"
_COUNTERS = RateLimitCounter.__table__


@contextmanager
def _connection(*, write: bool):
    """A connection of the pool's own, in its own short transaction: on SQLite a read never
    takes the write lock (so it never waits for the request's), a write takes it at once."""
    token = write_intent.set(write)
    try:
        with db.engine.begin() as conn:
            yield conn
    finally:
        write_intent.reset(token)


class DatabaseStorage(Storage):
    """Fixed-window counters in the app's database, on a connection of their own (never the
    request's transaction): `krafte-db://`. Used inside a request or app context."""

    STORAGE_SCHEME = ["krafte-db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    @staticmethod
    def _key(key: str) -> str:
        return key if len(key) <= 255 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        engine = db.engine
        if engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        new = insert(_COUNTERS).values(key=self._key(key), hits=amount, expires_at=now + expiry)
        expired = _COUNTERS.c.expires_at <= now
        statement = new.on_conflict_do_update(
            index_elements=[_COUNTERS.c.key],
            set_={"hits": case((expired, new.excluded.hits),
                               else_=_COUNTERS.c.hits + new.excluded.hits),
                  "expires_at": case((expired, new.excluded.expires_at),
                                     else_=_COUNTERS.c.expires_at)},
        ).returning(_COUNTERS.c.hits)
        with _connection(write=True) as conn:
            hits = conn.execute(statement).scalar_one()
        if hits == amount:  # a new window: tidy away the windows that have ended
            try:
                with _connection(write=True) as conn:
                    conn.execute(delete(_COUNTERS).where(_COUNTERS.c.expires_at <= now))
            except SQLAlchemyError:  # another process tidying at the same moment
                log.warning("could not remove ended login-limit windows", exc_info=True)
        return hits

    def get(self, key: str) -> int:
        with _connection(write=False) as conn:
            hits = conn.execute(select(_COUNTERS.c.hits).where(
                _COUNTERS.c.key == self._key(key), _COUNTERS.c.expires_at > time.time())
            ).scalar()
        return hits or 0

    def get_expiry(self, key: str) -> float:
        with _connection(write=False) as conn:
            expiry = conn.execute(select(_COUNTERS.c.expires_at).where(
                _COUNTERS.c.key == self._key(key))).scalar()
        return expiry if expiry is not None else time.time()

    def check(self) -> bool:
        try:
            with _connection(write=False) as conn:
                conn.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with _connection(write=True) as conn:
            return conn.execute(delete(_COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        with _connection(write=True) as conn:
            conn.execute(delete(_COUNTERS).where(_COUNTERS.c.key == self._key(key)))


def _account() -> str:
    """The username tried, case-insensitive, from the login form or the token request."""
    name = request.form.get("username")
    if name is None:
        data = request.get_json(silent=True)
        name = data.get("username") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name.strip():
        return "-"  # no name given: the address limit still counts it
    return "account:" + name.strip().lower()[:100]


def _address() -> str:
    return "address:" + get_remote_address()


def _failed(response) -> bool:
    return response.status_code == 401


def _account_limits() -> str:
    return current_app.config.get("LOGIN_LIMITS_PER_ACCOUNT", ACCOUNT_LIMITS)


def _address_limits() -> str:
    return current_app.config.get("LOGIN_LIMITS_PER_ADDRESS", ADDRESS_LIMITS)


def limit_failed_logins(view):
    """Refuses (429) an account or address that failed too often; counts only failures."""
    view = limiter.shared_limit(_account_limits, scope="login-account", key_func=_account,
                                deduct_when=_failed, methods=["POST"])(view)
    return limiter.shared_limit(_address_limits, scope="login-address", key_func=_address,
                                deduct_when=_failed, methods=["POST"])(view)


def retry_after() -> int:
    """Seconds until the breached limit's window ends (at least one)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()))
