"""The SELECT statements the app sends while a block runs (for tests that count reads)."""

from contextlib import contextmanager

from sqlalchemy import event

from krafte_pwa.extensions import db


@contextmanager
def selects(with_parameters: bool = False):
    """The SELECT statements sent, or with `with_parameters` (statement, parameters)."""
    found = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            found.append((statement, parameters) if with_parameters else statement)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield found
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
