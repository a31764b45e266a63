"""Accounting: the account map, the stock journal from the ledger in either
method, closed periods, and the files an accounting package imports."""

from ...messages import _
from . import exports as _exports
from .exports import FORMATS, Export  # noqa: F401
from .journal import Entry, Journal, Line, cents, paused_gc, period_bounds  # noqa: F401
from .periods import close_period, closed_periods, journal  # noqa: F401
from .settings import (  # noqa: F401
    ACCOUNT_LABELS,
    DEFAULT_ACCOUNTS,
    METHODS,
    account_label,
    accounts,
    current,
    method,
    save,
    siren,
)


def export(book: Journal, fmt: str, *, currency: str = "EUR") -> Export:
    """The journal as a file: fec, xero, quickbooks or csv."""
    with paused_gc():
        return _export(book, fmt, currency)


def _export(book: Journal, fmt: str, currency: str) -> Export:
    if fmt == "fec":
        return _exports.fec(book, accounts(), _("Stock"), siren())
    if fmt == "xero":
        return _exports.xero(book)
    if fmt == "quickbooks":
        return _exports.quickbooks(book)
    return _exports.plain_csv(book, accounts(), currency)
