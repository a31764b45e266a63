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


def document_number(prefix: str, year: int) -> str:
    return f"{prefix}-{year}-{next_value(f'{prefix}-{year}'):04d}"
