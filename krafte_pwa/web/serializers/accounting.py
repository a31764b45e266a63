"""The stock journal and closed periods as JSON."""

from ...domain.numbers import to_str
from .stamps import day, month, stamp


def entry_json(entry) -> dict:
    return {"number": entry.number, "date": day(entry.date), "journal": entry.journal,
            "label": entry.label, "document": entry.document,
            "lines": [{"account": ln.account, "debit": to_str(ln.debit),
                       "credit": to_str(ln.credit)} for ln in entry.lines]}


def journal_json(journal, currency: str) -> dict:
    return {"method": journal.method, "from": day(journal.start.date()),
            "to": day(journal.last_day), "currency": currency,
            "entries": [entry_json(e) for e in journal.entries]}


def period_json(period) -> dict:
    return {"month": month(period.start), "method": period.method,
            "closed_at": stamp(period.closed_at),
            "closed_by": period.user.username if period.user else None}


def periods_json(periods) -> dict:
    return {"items": [period_json(p) for p in periods]}


def closed_period_json(period) -> dict:
    """The answer to closing a month."""
    return {"month": month(period.start), "method": period.method,
            "closed_at": stamp(period.closed_at)}
