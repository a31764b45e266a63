"""Engine set-up: exact SQLite transactions, WAL, busy timeout; the write lock only to write.

Python's sqlite3 driver begins transactions lazily and lets a read transaction fail
when it later writes; we take control of BEGIN ourselves (SQLAlchemy docs, "pysqlite
serializable isolation") so that writers queue on the busy timeout instead of failing.

Two ways a transaction starts on SQLite:

- `write_intent` set (the default: command line, scripts, services called directly):
  `BEGIN IMMEDIATE`, the write lock from the first statement, as before.
- `write_intent` off (every web request: see `web.register`): a plain deferred `BEGIN`.
  The request reads (login loader, bearer-token lookup, validation, lookups) without the
  write lock, so a POST that only validates, or is refused, never waits for a writer and
  never holds one up. At the first statement that writes or locks (INSERT, UPDATE,
  DELETE, DDL, SAVEPOINT, or a SELECT … FOR UPDATE, which SQLite itself ignores) the
  read transaction is ended and `BEGIN IMMEDIATE` taken on the same connection, before
  that statement runs. Ending the read first matters: under WAL a read transaction that
  tries to write after another writer committed fails with SQLITE_BUSY_SNAPSHOT, without
  waiting. Services need not know: the switch happens below the ORM.

What was read before the switch was read at the read transaction's snapshot; from the
switch on, the transaction sees the latest data and is the only writer. That is the
same contract services already follow on PostgreSQL (READ COMMITTED): rows whose state
decides a write are read again `FOR UPDATE` (which here takes the write lock first),
quantities are taken by conditional UPDATEs, counters by atomic upserts.

A writer that cannot get the lock within the busy timeout (`SQLITE_BUSY_TIMEOUT`,
seconds, default 5; `KRAFTE_SQLITE_BUSY_TIMEOUT`) gets sqlite3's "database is locked",
which the web layer answers with 503 and `Retry-After` (see `is_busy`).

Within one process, writers queue on a lock of our own before `BEGIN IMMEDIATE`: SQLite's
busy handler polls with sleeps that grow to 100 ms, so a writer waiting behind another
thread of the same process would get the lock up to 100 ms after it is free; the lock
hands it over at once. Only one thread per process then waits in SQLite's handler, for
the other processes' writers. The lock is released when the transaction ends, however it
ends (commit, rollback, or the pool's reset of a connection given back).

PostgreSQL: with `write_intent` off, what only reads runs without a transaction (no BEGIN
and ROLLBACK round trips); the first statement that writes or locks begins it (see
`_reads_outside_transactions`). A pooled connection is checked without a round trip
before use and pinged only when suspect (see `_check_on_checkout`).
"""

import re
import select
import sqlite3
import threading
import time
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, DisconnectionError

# True: transactions start with BEGIN IMMEDIATE. Web requests switch it off: they begin
# deferred and take the write lock at their first write (see the module docstring).
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)

READING = "krafte_reading"  # connection info flag: a deferred transaction, no write yet
WRITER = "krafte_writer"  # connection info flag: holds this process's writer lock
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "SAVEPOINT")
# Page cache of each SQLite connection, KiB (SQLite's default: 2000). Every thread of a
# worker holds a pooled connection, each with its own cache, filled by a large history; the
# operating system caches the file for all of them anyway, so a smaller one costs little.
SQLITE_CACHE_KIB = 512
BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")
# PostgreSQL: a pooled connection idle longer than this is pinged before use (seconds)
IDLE_PING_SECONDS = 30.0
LAST_USED = "krafte_last_used"  # connection record info: when it was last given back


def _writes(statement: str, context) -> bool:
    compiled = getattr(context, "compiled", None)
    if compiled is not None and getattr(compiled.statement, "_for_update_arg", None) is not None:
        return True
    return statement.lstrip()[:9].upper().startswith(WRITES)


def _configure_postgresql(engine) -> None:
    """Index reads cost little more than sequential ones when the data is cached or on an
    SSD (the default cost assumes spinning disks): the planner then reads the few lots a
    page or an action concerns through their indexes instead of scanning every lot."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET random_page_cost = 1.1")
        dbapi_connection.commit()

    _check_on_checkout(engine)
    _reads_outside_transactions(engine)


# PostgreSQL: statements that may run outside a transaction (autocommit): a plain SELECT
# that names nothing that writes, locks or keeps session state
READ_ONLY = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)
NOT_ONLY_READ = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|SHARE|LOCK|NOWAIT)\b|"
                           r"advisory|set_config|nextval|setval", re.IGNORECASE)


def _needs_transaction(statement: str, context) -> bool:
    if _writes(statement, context) or not READ_ONLY.match(statement):
        return True
    if context is not None and context.execution_options.get("stream_results"):
        return True  # a server-side cursor lives in a transaction
    return NOT_ONLY_READ.search(statement) is not None


def _reads_outside_transactions(engine) -> None:
    """PostgreSQL, `write_intent` off (web requests): no BEGIN and no ROLLBACK round trips
    for what only reads. The connection runs in autocommit until the first statement that
    writes or locks (or opens a server-side cursor); from that statement on it is one
    transaction, committed or rolled back as a whole, as before.

    Under READ COMMITTED every statement sees the data committed when it starts, inside
    a transaction or not, and reads take no locks that matter to others: the reads before
    the first write see what they saw before. A request that only reads holds no
    transaction open, not even between its statements."""

    def dbapi(conn):
        return conn.connection.dbapi_connection

    @event.listens_for(engine, "begin")
    def _begin(conn):
        raw = dbapi(conn)
        # a connection set to AUTOCOMMIT by its user (isolation_level) is left alone
        conn.info[READING] = not write_intent.get() and not raw.autocommit
        if conn.info[READING]:
            raw.autocommit = True

    @event.listens_for(engine, "before_cursor_execute")
    def _first_write(conn, _cursor, statement, _parameters, context, _executemany):
        if conn.info.get(READING) and _needs_transaction(statement, context):
            conn.info[READING] = False
            dbapi(conn).autocommit = False  # the statement begins the transaction

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ended(conn):
        try:
            if conn.info.pop(READING, False):
                dbapi(conn).autocommit = False
        except Exception:  # an invalidated connection: the pool discards it
            pass

    @event.listens_for(engine.pool, "checkin")
    def _given_back(dbapi_connection, _record):
        if dbapi_connection is not None and getattr(dbapi_connection, "autocommit", False):
            try:
                dbapi_connection.autocommit = False
            except Exception:  # closed: the pool discards it
                pass


def _check_on_checkout(engine) -> None:
    """A pooled connection the server may have closed is pinged before use, and replaced
    if the ping fails (the pool then opens a new one): no round trip for the others.

    Instead of a `SELECT 1` at every checkout (`pool_pre_ping`, a round trip per request),
    a connection is suspect when its socket has something to read while it sits idle in
    the pool (a server that ends a session, on shutdown or pg_terminate_backend, sends an
    error and closes it), or when it has been idle longer than IDLE_PING_SECONDS (a
    firewall may have dropped it without a word)."""

    @event.listens_for(engine.pool, "checkin")
    def _given_back(_dbapi_connection, record):
        if record is not None:
            record.info[LAST_USED] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _taken(dbapi_connection, record, _proxy):
        if _suspect(dbapi_connection, record.info) and not _answers(engine, dbapi_connection):
            raise DisconnectionError("the server closed this connection")


def _suspect(dbapi_connection, info) -> bool:
    last = info.get(LAST_USED)
    if last is not None and time.monotonic() - last > IDLE_PING_SECONDS:
        return True
    try:
        poller = select.poll()
        poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
    except Exception:  # closed: no socket any more
        return True
    return bool(poller.poll(0))


def _answers(engine, dbapi_connection) -> bool:
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        dbapi_connection.rollback()
    except engine.dialect.loaded_dbapi.Error:
        return False
    return True


def _configure_sqlite_connection(dbapi_connection, busy_timeout: float) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def configure_engine(engine, busy_timeout: float = 5.0) -> None:
    if engine.dialect.name == "postgresql":
        _configure_postgresql(engine)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        _configure_sqlite_connection(dbapi_connection, busy_timeout)

    writers = threading.Lock()  # this process's writers, one at a time (see the docstring)

    def begin_immediate(conn, execute) -> None:
        if not writers.acquire(timeout=busy_timeout):
            raise sqlite3.OperationalError("database is locked")
        conn.info[WRITER] = True
        try:
            execute("BEGIN IMMEDIATE")  # waits up to the busy timeout, then "locked"
        except BaseException:
            release(conn.info)
            raise

    def release(info) -> None:
        if info.pop(WRITER, False):
            writers.release()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        immediate = write_intent.get()
        conn.info[READING] = False
        if immediate:
            begin_immediate(conn, conn.exec_driver_sql)
        else:
            conn.exec_driver_sql("BEGIN")
        conn.info[READING] = not immediate

    @event.listens_for(engine, "before_cursor_execute")
    def _take_write_lock(conn, _cursor, statement, _parameters, context, _executemany):
        if not conn.info.get(READING) or not _writes(statement, context):
            return
        raw = conn.connection.dbapi_connection
        conn.info[READING] = False
        if raw.in_transaction:
            raw.execute("COMMIT")  # end the read transaction: it cannot upgrade safely
        begin_immediate(conn, raw.execute)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ended(conn):
        conn.info[READING] = False
        release(conn.info)

    _on_return(engine.pool, release)


def _on_return(pool, release) -> None:
    """`release(info)` when the pool takes a connection back, resets, invalidates or closes
    it: a transaction that ended without our commit or rollback events frees the lock."""

    @event.listens_for(pool, "reset")
    def _reset(_dbapi_connection, record, _reset_state):
        _given_back(_dbapi_connection, record)

    @event.listens_for(pool, "invalidate")
    def _invalidated(_dbapi_connection, record, _exception):
        _given_back(_dbapi_connection, record)

    @event.listens_for(pool, "checkin")
    @event.listens_for(pool, "close")
    def _given_back(_dbapi_connection, record):
        if record is not None:
            release(record.info)


def is_busy(exc: BaseException) -> bool:
    """SQLite could not get its lock within the busy timeout."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    return (isinstance(original, sqlite3.OperationalError)
            and str(original).lower().startswith(BUSY_MESSAGES))
