"""The transaction boundary shared by every service."""

from ..extensions import db

DEFER_KEY = "defer_commit"


def commit() -> None:
    """End the user action. A caller that must add to the same transaction (an idempotent
    API call that stores its answer) defers the commit and commits once itself."""
    if db.session.info.get(DEFER_KEY):
        db.session.flush()
    else:
        db.session.commit()


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def upsert(table):
    """An INSERT that supports ON CONFLICT on both SQLite and PostgreSQL."""
    if dialect_name() == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
