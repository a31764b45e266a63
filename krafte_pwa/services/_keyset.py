"""Keyset paging over the rows with stock: a page is read from an index in its order,
starting after (or before) the key of a lot, so a page costs its rows whatever the length
of the list, and no row is shown twice nor skipped when moving page to page.

A list is made of segments, each a range of one index read in that index's order (the
item's lots with an expiry, then those without: SQLite and PostgreSQL do not put NULL
at the same end of an index, so each part is read on its own). A position in the list is
(segment, key); a page reads forward (next) or backward (previous) from one, segment by
segment, until it has its rows.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Integer, bindparam, func, select, tuple_
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Lot
from . import _inputs as read
from .alerts import CAP  # rows counted per list at most: more shows as "1,000+"


@dataclass(frozen=True)
class Segment:
    where: tuple  # conditions of this part of the list
    key: tuple  # its order: columns of an index, the last one unique within the part


@dataclass
class KeysetPage:
    rows: list  # each row: its key columns first, in segment order, then the rest
    total: int  # counted up to CAP + 1
    previous: bool  # a page comes before this one
    next: bool  # a page comes after this one


def _bounded(query, segment: Segment, key, forward: bool, limit: int):
    columns = segment.key
    if key is not None:
        bound = tuple_(*columns)
        query = query.where(bound > tuple_(*key) if forward else bound < tuple_(*key))
    order = columns if forward else tuple(c.desc() for c in columns)
    return query.where(*segment.where).order_by(*order).limit(limit)


def _read(build: Callable, segments: list[Segment], start: tuple | None, forward: bool,
          limit: int) -> list[tuple[int, tuple]]:
    """Up to `limit` rows from position `start` (None: from the list's end), as
    (segment index, row)."""
    first, key = start if start is not None else (0 if forward else len(segments) - 1, None)
    steps = range(first, len(segments)) if forward else range(first, -1, -1)
    found: list[tuple[int, tuple]] = []
    for index in steps:
        segment = segments[index]
        query = _bounded(build(segment), segment, key if index == first else None, forward,
                         limit - len(found))
        found += [(index, tuple(row)) for row in db.session.execute(query).all()]
        if len(found) >= limit:
            break
    return found


def _position(segments: list[Segment], found: tuple[int, tuple]) -> tuple[int, tuple]:
    index, row = found
    return index, row[:len(segments[index].key)]


def page(build: Callable, segments: list[Segment], *, after=None, before=None,
         per_page: int = 50, total: int) -> KeysetPage:
    """One page of the list: the first one, the one after position `after` or the one
    before position `before` (a position: (segment index, key)). `build(segment)` gives
    the select of a segment's rows. A position past either end gives the first page."""
    forward = before is None
    start = before if before is not None else after
    found = _read(build, segments, start, forward, per_page + 1)
    if not found and start is not None:
        return page(build, segments, per_page=per_page, total=total)
    more = len(found) > per_page
    found = found[:per_page] if forward else found[:per_page][::-1]
    if not found:
        return KeysetPage([], total, False, False)
    if forward:  # a row before the first one?
        back = start is not None and bool(
            _read(build, segments, _position(segments, found[0]), False, 1))
        return KeysetPage([r for _i, r in found], total, back, more)
    ahead = bool(_read(build, segments, _position(segments, found[-1]), True, 1))
    return KeysetPage([r for _i, r in found], total, more, ahead)


def capped_count(query) -> int:
    """How many rows `query` gives, counted up to CAP + 1."""
    counted = query.limit(bindparam("cap", CAP + 1, type_=Integer())).subquery()
    return db.session.execute(select(func.count()).select_from(counted)).scalar_one()


@dataclass
class LotPage:
    rows: list  # (lot, quantity): the lot as `load` gives it, with its code
    total: int  # counted up to CAP + 1
    previous: str | None  # code of the lot the previous page ends before
    next: str | None  # code of the lot the next page starts after


def lots_with_items(ids: list[int]) -> dict:
    """The lots of a page as objects, their items loaded: {lot id: lot}."""
    return {lot.id: lot for lot in db.session.execute(
        select(Lot).options(selectinload(Lot.item)).where(Lot.id.in_(ids))).scalars()}


def lot_page(build: Callable, segments: list[Segment], position: Callable, *,
             after: str | None = None, before: str | None = None, per_page: int = 50,
             total: int, load: Callable[[list[int]], dict] = lots_with_items) -> LotPage:
    """A page of a list of lots whose rows end with (lot id, quantity); `after` and
    `before` are lot codes, `position(lot)` is where a lot stands in the list, `load(ids)`
    gives the page's lots by id (anything with a `code`)."""
    found = page(build, segments, after=_at(position, after), before=_at(position, before),
                 per_page=per_page, total=total)
    lots = load([row[-2] for row in found.rows]) if found.rows else {}
    rows = [(lots[row[-2]], row[-1]) for row in found.rows]
    return LotPage(rows, found.total, rows[0][0].code if found.previous else None,
                   rows[-1][0].code if found.next else None)


def _at(position: Callable, code: str | None):
    return None if not code else position(read.lot(code))
