"""Atomic counters for lot codes and document numbers."""

from ..extensions import db
from ..models import Sequence
from ._tx import upsert


def next_value(key: str) -> int:
    """Bump and return the counter in one statement: concurrent callers never share a value."""
    table = Sequence.__table__
    stmt = upsert(table).values(key=key, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key], set_={"last": table.c.last + 1}
    ).returning(table.c.last)
    return db.session.execute(stmt).scalar_one()


def take_values(key: str, count: int) -> int:
    """Bump the counter by `count` in one statement; returns the first of the values taken
    (the same values as `count` calls of `next_value`)."""
    table = Sequence.__table__
    stmt = upsert(table).values(key=key, last=count)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key], set_={"last": table.c.last + count}
    ).returning(table.c.last)
    return db.session.execute(stmt).scalar_one() - count + 1


def document_number(prefix: str, year: int) -> str:
    return f"{prefix}-{year}-{next_value(f'{prefix}-{year}'):04d}"
