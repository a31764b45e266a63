"""The stock journal: balanced double entries derived from the ledger.

Both methods read the same ledger as the valuation (services.reports), so the stock
accounts always reconcile with it: over any period their net change is the valuation at
the end minus the valuation at the start, to the cent.

- periodic: one stock-variation entry per stock account, for the whole period.
- perpetual: one entry per business event: the movements of one document and one kind
  of operation on one day (a receipt, the picks that start a production order, its
  completion, a shipment, a count, a cost correction); a movement without a document (an
  adjustment) is an event of its own.

Amounts are to the cent. A stock account's line in an entry is the change of its rounded
running balance (round(balance after) − round(balance before)), so the lines of a period
add up exactly to the change of the rounded valuation; every other line is its exact
amount rounded, and what a rounding leaves over goes on the rounding account's line, so
each entry balances.
"""

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, localcontext

from ...errors import BadInput
from ...messages import _
from ...models.types import utcnow
from .. import reports
from . import perpetual
from . import settings as conf
from .entry import CENT, JOURNAL_CODE, ZERO, Entry, Line, cents  # noqa: F401


def _exact(raw: int) -> Decimal:
    return reports.to_money(raw)


@dataclass
class Journal:
    method: str
    start: datetime  # inclusive
    end: datetime  # exclusive
    entries: list[Entry] = field(default_factory=list)
    opening: dict[str, Decimal] = field(default_factory=dict)  # stock account -> cents
    closing: dict[str, Decimal] = field(default_factory=dict)

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).date()


def _lines(amounts: dict[str, Decimal]) -> list[Line]:
    """Signed amounts per account (debit > 0) -> lines, zero ones left out."""
    lines = []
    for account in sorted(amounts):
        value = amounts[account]
        if value > 0:
            lines.append(Line(account, debit=value))
        elif value < 0:
            lines.append(Line(account, credit=-value))
    return lines


def _balance(amounts: dict[str, Decimal], accounts: dict[str, str]) -> dict[str, Decimal]:
    rest = sum(amounts.values(), ZERO)
    if rest:
        rounding = accounts["rounding"]
        amounts[rounding] = amounts.get(rounding, ZERO) - rest
    return amounts


def _per_account(values: dict[str, Decimal], accounts: dict[str, str]) -> dict[str, Decimal]:
    """Exact values per category -> per stock account (two categories may share one)."""
    result: dict[str, Decimal] = {}
    with localcontext() as ctx:
        ctx.prec = 80
        for category in reports.CATEGORIES:
            account = accounts[category]
            result[account] = result.get(account, ZERO) + values.get(category, ZERO)
    return result


def _variation_account(account: str, accounts: dict[str, str]) -> str:
    for category in reports.CATEGORIES:
        if accounts[category] == account:
            return accounts[conf.VARIATION_OF[category]]
    raise KeyError(account)


# ---------------------------------------------------------------- the ledger, grouped

@contextmanager
def paused_gc():
    """No cyclic garbage collection while a journal is built: its hundreds of thousands
    of small objects all live until the end, and each collection would walk them all
    again (it doubled the time of a month). Collected as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ---------------------------------------------------------------- the two methods

def start_values(lower: datetime) -> dict[str, Decimal]:
    return {name: _exact(raw) for name, raw in reports._past_values(lower).items()}


def end_values(upper: datetime) -> dict[str, Decimal]:
    """The exact value per category just before `upper` (the period's end)."""
    return start_values(upper)


def compute(lower: datetime, upper: datetime, *, method: str | None = None,
            accounts: dict[str, str] | None = None,
            opening: dict[str, Decimal] | None = None) -> Journal:
    """The journal of [lower, upper) from the ledger. `opening`: the stock balances to
    start from, per category, in cents (a closed period's frozen closing balances); when
    the ledger says otherwise today (an item was reclassified since, say), a first entry
    books the difference."""
    method = method or conf.method()
    accounts = accounts or conf.accounts()
    journal = Journal(method, lower, upper)
    start_raw = reports._past_values(lower)
    start_by_category = {name: _exact(raw) for name, raw in start_raw.items()}
    start = _per_account(start_by_category, accounts)
    running = {a: cents(v) for a, v in start.items()}
    if opening is not None:  # per category -> per account, in the map of today
        frozen: dict[str, Decimal] = defaultdict(Decimal)
        for category in reports.CATEGORIES:
            frozen[accounts[category]] += opening.get(category, ZERO)
        journal.opening = dict(frozen)
        amounts: dict[str, Decimal] = {}
        for account, value in running.items():
            change = value - frozen[account]
            if change:
                variation = _variation_account(account, accounts)
                amounts[account] = amounts.get(account, ZERO) + change
                amounts[variation] = amounts.get(variation, ZERO) - change
        lines = _lines(amounts)
        if lines:
            journal.entries.append(Entry(lower.date(), _("Change to the closing stock of a "
                                                         "closed period"), None, lines))
    else:
        journal.opening = dict(running)
    if method == "periodic":
        end = _per_account(end_values(upper), accounts)
        last_day = (upper - timedelta(microseconds=1)).date()
        for category in reports.CATEGORIES:
            account = accounts[category]
            if any(accounts[c] == account for c in reports.CATEGORIES[
                    :reports.CATEGORIES.index(category)]):
                continue  # one entry per account
            change = cents(end[account]) - running[account]
            running[account] = cents(end[account])
            if change:
                variation = accounts[conf.VARIATION_OF[category]]
                journal.entries.append(Entry(
                    last_day, _("Change in stock: %(account)s",
                                account=conf.account_label(category)), None,
                    _lines(_balance({account: change, variation: -change}, accounts))))
    else:
        _perpetual(journal, lower, upper, accounts, start_raw, running)
    journal.closing = {a: running.get(a, ZERO) for a in running}
    for number, entry in enumerate(journal.entries, start=1):
        entry.number = number
    return journal


def _perpetual(journal: Journal, lower: datetime, upper: datetime, accounts: dict[str, str],
               start_raw: dict[str, int], running: dict[str, Decimal]) -> None:
    """One entry per event, made from integer amounts (perpetual.py)."""
    booked = perpetual.entries(journal.entries, lower, upper, accounts, start_raw)
    for account, whole in booked.items():
        running[account] = Decimal(whole).scaleb(-2)


def period_bounds(since, until) -> tuple[datetime, datetime]:
    """ISO dates (inclusive) -> [lower, upper) in naive UTC; upper never after now.
    Defaults: the first day of this month, today."""
    today = date.today()
    lower = reports.day_start(since, "from") if since not in (None, "") else \
        datetime.combine(today.replace(day=1), time())
    upper = reports.moment(until, "to") if until not in (None, "") else \
        datetime.combine(today + timedelta(days=1), time())
    if upper <= lower:
        raise BadInput(_("to is before from"), details={"field": "to"})
    return lower, min(upper, utcnow() + timedelta(microseconds=1))
