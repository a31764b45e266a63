"""The app as bench/load.py serves it, each answer carrying what it cost the server.

gunicorn loads `load_probe:create_app()` (bench/ on PYTHONPATH) instead of
`krafte_pwa:create_app()`: the same app, with a WSGI wrapper and engine listeners that
measure, for each request, on the thread that serves it:

- wall: milliseconds from the request reaching the app to its answer's headers;
- cpu: CPU milliseconds of that thread (`time.thread_time`): what the request itself
  computed, including the SQLite library and the PostgreSQL driver, not the time it waited
  for the GIL, a lock or the PostgreSQL server; noise on the machine hardly moves it;
- n: SQL statements executed, sql: milliseconds inside them (wall);
- wait: milliseconds waiting for SQLite's write lock (BEGIN IMMEDIATE);
- hold: milliseconds from getting the write lock to the commit or rollback that frees it.

They come back in the `X-Load-Probe` header ("wall=.. cpu=.. n=.. sql=.. wait=.. hold=..");
bench/load.py reads it per operation. Bench only: the app itself never sends it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time

from sqlalchemy import event

from krafte_pwa import create_app as krafte_app
from krafte_pwa.extensions import db

HEADER = "X-Load-Probe"
FIELDS = ("wall", "cpu", "n", "sql", "wait", "hold")
_local = threading.local()


def _figures() -> dict | None:
    return getattr(_local, "figures", None)


def _add(name: str, value: float) -> None:
    figures = _figures()
    if figures is not None:
        figures[name] += value


class ProbedConnection(sqlite3.Connection):
    """An SQLite connection that times its write lock: waited for at `BEGIN IMMEDIATE`
    (db_session takes it so at a request's first write), held until commit or rollback."""

    locked_at: float | None = None

    def execute(self, sql, *args):
        if sql != "BEGIN IMMEDIATE":
            return super().execute(sql, *args)
        started = time.perf_counter()
        result = super().execute(sql, *args)
        self.locked(started)
        return result

    def locked(self, started: float) -> None:
        self.locked_at = time.perf_counter()
        _add("wait", (self.locked_at - started) * 1000)

    def released(self) -> None:
        if self.locked_at is not None:
            _add("hold", (time.perf_counter() - self.locked_at) * 1000)
            self.locked_at = None

    def commit(self):
        try:
            return super().commit()
        finally:
            self.released()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            self.released()


def _listen(engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, _cursor, statement, _parameters, _context, _executemany):
        conn.info["probe_started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, _cursor, statement, *_args):
        started = conn.info.pop("probe_started", None)
        _add("n", 1)
        if started is None:
            return
        _add("sql", (time.perf_counter() - started) * 1000)
        raw = conn.connection.dbapi_connection
        if statement == "BEGIN IMMEDIATE" and isinstance(raw, ProbedConnection):
            raw.locked(started)  # a transaction that begins with the write lock


class Probe:
    """WSGI wrapper: starts the request's figures, adds them to its answer's headers."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        _local.figures = figures = dict.fromkeys(FIELDS, 0.0)
        wall, cpu = time.perf_counter(), time.thread_time()

        def start(status, headers, exc_info=None):
            figures["wall"] = (time.perf_counter() - wall) * 1000
            figures["cpu"] = (time.thread_time() - cpu) * 1000
            text = " ".join(f"{k}={figures[k]:.2f}" for k in FIELDS)
            return start_response(status, [*headers, (HEADER, text)], exc_info)

        try:
            return self.wsgi_app(environ, start)
        finally:
            _local.figures = None


def parse(header: str | None) -> dict[str, float] | None:
    """The figures of an `X-Load-Probe` header, or None."""
    if not header:
        return None
    pairs = (part.partition("=") for part in header.split())
    return {name: float(value) for name, _eq, value in pairs}


def create_app(config: dict | None = None):
    """krafte_pwa's app with the probe; on SQLite its connections time the write lock."""
    config = dict(config or {})
    url = config.get("SQLALCHEMY_DATABASE_URI") or os.environ.get("DATABASE_URL", "")
    if url.startswith("sqlite"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True, "connect_args": {"factory": ProbedConnection}}
    app = krafte_app(config)
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        _listen(engine)
    app.wsgi_app = Probe(app.wsgi_app)
    return app
