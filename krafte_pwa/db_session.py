"""Engine set-up: exact SQLite transactions, WAL, busy timeout; write intent per request.

Python's sqlite3 driver begins transactions lazily and lets a read transaction fail
when it later writes; taking BEGIN ourselves (SQLAlchemy docs, "pysqlite serializable
isolation") makes writers queue on the busy timeout instead of failing.
"""

from contextvars import ContextVar

from sqlalchemy import event

# Write transactions on SQLite start with BEGIN IMMEDIATE (one writer at a time, waiting);
# GET pages switch this off so readers never wait on writers.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


def configure_engine(engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")
