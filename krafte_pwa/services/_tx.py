"""The transaction boundary: one user action, one transaction.

`transaction()` opens the unit of work of a user action. Blocks nest: an inner block
(a service called by another service, or by an idempotent API call that stores its
answer in the same transaction) joins the outer one, and only the outermost block
commits. Any exception rolls the whole action back at the outermost block, so a
refusal raised after some rows were flushed leaves nothing behind.

    with transaction():
        ...                      # writes of the action

    @transactional
    def receive(...): ...        # the same, for a whole service function
"""

import functools
from contextlib import contextmanager

from ..extensions import db

_DEPTH = "krafte_tx_depth"


@contextmanager
def transaction():
    session = db.session
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth == 0:
            session.commit()
        else:
            session.flush()  # an inner block's writes are visible to the outer one
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


def transactional(function):
    """Run a service function as one `transaction()`."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with transaction():
            return function(*args, **kwargs)

    return wrapper


def in_transaction() -> bool:
    """True inside a `transaction()` block."""
    return db.session.info.get(_DEPTH, 0) > 0


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def upsert(table):
    """An INSERT that supports ON CONFLICT on both SQLite and PostgreSQL."""
    if dialect_name() == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
