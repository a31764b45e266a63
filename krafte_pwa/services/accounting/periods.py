"""Closed periods and the journal of any period across them.

Rule: every movement is dated when it is posted (the server's clock), and only a month
that has ended can be closed, so nothing can ever be dated in a closed month: a
correction made later (an adjustment, a count, a cost correction of a lot received
then) is dated the day it is made and is booked in the open period. Closing a month
freezes its journal as it was booked, with the method and accounts of that day, and the
closing balances of its stock accounts; later changes to the settings or to the
catalogue leave it as it was, and the journal of the next month starts from those frozen
balances (booking first any difference the ledger shows today).
"""

import json
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import select

from ...errors import BadInput, Conflict
from ...extensions import db
from ...messages import _
from ...models import ClosedPeriod
from ...models.types import utcnow
from .. import reports
from .._tx import transactional
from . import journal as jr
from . import settings as conf


def closed_periods() -> list[ClosedPeriod]:
    return list(db.session.execute(select(ClosedPeriod).order_by(ClosedPeriod.start))
                .scalars())


def _month(value) -> date:
    text = str(value or "").strip()
    try:
        if len(text) == 7:
            return date.fromisoformat(text + "-01")
        return date.fromisoformat(text).replace(day=1)
    except ValueError:
        raise BadInput(_("month must look like 2026-03"), details={"field": "month"}) from None


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _frozen_balances(period: ClosedPeriod) -> dict[str, Decimal]:
    return {name: Decimal(value) for name, value in json.loads(period.balances).items()}


def _stored_entries(period: ClosedPeriod) -> list[jr.Entry]:
    return [jr.Entry.from_dict(e) for e in json.loads(period.journal)]


@transactional
def close_period(*, month, user_id=None) -> ClosedPeriod:
    """Close a month that has ended; months close in order, each after the one before."""
    start = _month(month)
    end = _next_month(start)
    if _midnight(end) > utcnow():
        raise Conflict(_("%(month)s has not ended yet: a month is closed once it is over",
                         month=start.strftime("%Y-%m")), code="period_not_ended")
    closed = closed_periods()
    if any(p.start == start for p in closed):
        raise Conflict(_("%(month)s is closed already", month=start.strftime("%Y-%m")),
                       code="period_closed")
    last = closed[-1] if closed else None
    if last is not None and start != last.end:
        if start < last.start:
            raise Conflict(_("%(month)s is before the first closed month",
                             month=start.strftime("%Y-%m")), code="period_closed")
        raise Conflict(_("close %(month)s first: months are closed in order",
                         month=last.end.strftime("%Y-%m")), code="period_order")
    lower, upper = _midnight(start), _midnight(end)
    opening = _frozen_balances(last) if last is not None else None
    journal = jr.compute(lower, upper, opening=opening)
    values = jr.end_values(upper)
    balances = {c: str(jr.cents(values.get(c, jr.ZERO))) for c in reports.CATEGORIES}
    period = ClosedPeriod(start=start, end=end, method=journal.method,
                          journal=json.dumps([e.as_dict() for e in journal.entries]),
                          balances=json.dumps(balances), user_id=user_id)
    db.session.add(period)
    db.session.flush()
    return period


def journal(since=None, until=None) -> jr.Journal:
    """The journal of [since, until] (ISO dates): closed months as they were frozen, the
    rest from the ledger; entries numbered 1, 2, … without gaps in date order."""
    with jr.paused_gc():
        return _journal(since, until)


def _journal(since, until) -> jr.Journal:
    lower, upper = jr.period_bounds(since, until)
    closed = closed_periods()
    result = jr.Journal(conf.method(), lower, upper)
    if not closed:
        return jr.compute(lower, upper)
    first, last = _midnight(closed[0].start), _midnight(closed[-1].end)
    parts: list[jr.Entry] = []
    if lower < first:
        before = jr.compute(lower, min(upper, first))
        parts.extend(before.entries)
        result.opening = before.opening
    for period in closed:
        if _midnight(period.end) <= lower or _midnight(period.start) >= upper:
            continue
        parts.extend(e for e in _stored_entries(period)
                     if lower.date() <= e.date and _midnight(e.date) < upper)
    if upper > last:
        start = max(lower, last)
        after = jr.compute(start, upper, opening=(_frozen_balances(closed[-1])
                                                  if start == last else None))
        parts.extend(after.entries)
        result.closing = after.closing
    result.entries = parts
    for number, entry in enumerate(parts, start=1):
        entry.number = number
    return result

