"""The SELECT statements the app sends while a block runs (for tests that count reads)."""

from contextlib import contextmanager

from sqlalchemy import event

from krafte_pwa.extensions import db


@contextmanager
def selects():
    found = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            found.append(statement)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield found
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
