"""The stock journal over a month of a workshop, both methods: every entry
balances, and the stock accounts reconcile with the valuation at both ends to the cent."""

from datetime import timedelta
from decimal import Decimal as D

import pytest

from krafte_pwa.services import accounting, reports
from tests.accounting_factories import workshop_month

STOCK = {"raw_materials": "31", "intermediates": "351", "wip": "331", "finished_goods": "355"}


def _stock_change(journal) -> dict[str, D]:
    change = {a: D(0) for a in STOCK.values()}
    for entry in journal.entries:
        for line in entry.lines:
            if line.account in change:
                change[line.account] += line.debit - line.credit
    return change


def _check(journal, first, last):
    assert journal.entries
    for entry in journal.entries:
        debit = sum(ln.debit for ln in entry.lines)
        credit = sum(ln.credit for ln in entry.lines)
        assert debit == credit and debit > 0, entry
        for line in entry.lines:
            assert line.debit == line.debit.quantize(D("0.01"))
            assert line.credit == line.credit.quantize(D("0.01"))
            assert line.debit >= 0 and line.credit >= 0 and not (line.debit and line.credit)
        assert first <= entry.date <= last
    assert [e.number for e in journal.entries] == list(range(1, len(journal.entries) + 1))
    start = reports.valuation((first - timedelta(days=1)).isoformat())
    end = reports.valuation(last.isoformat())
    change = _stock_change(journal)
    for category, account in STOCK.items():
        expected = (getattr(end, category).quantize(D("0.01"))
                    - getattr(start, category).quantize(D("0.01")))
        assert change[account] == expected, (category, change, expected)


@pytest.mark.parametrize("method", ["perpetual", "periodic"])
def test_journal_of_a_month_balances_and_reconciles(app, method):
    month = workshop_month()
    accounting.save(method=method)
    journal = accounting.journal(month["first"].isoformat(), month["last"].isoformat())
    assert journal.method == method
    _check(journal, month["first"], month["last"])
    accounts = {a for e in journal.entries for ln in e.lines for a in [ln.account]}
    if method == "periodic":
        # one per stock account that moved: no work in progress at either end
        assert [e.lines[0].account for e in journal.entries] == ["31", "351", "355"]
        assert accounts <= {"31", "351", "331", "355", "6031", "7133", "7135", "658"}
    else:
        labels = [e.label for e in journal.entries]
        assert any(label.startswith("Receipt RC-") for label in labels)
        assert any(label.startswith("Shipment SH-") for label in labels)
        assert any(label.startswith("Cost correction RV-") for label in labels)
        assert {"408", "7135", "658", "6031"} <= accounts
        # the receipt on day 2: stock against goods received not invoiced
        receipt = next(e for e in journal.entries if e.label.startswith("Receipt"))
        by_account = {ln.account: ln for ln in receipt.lines}
        assert by_account["31"].debit == D("52.50") + D("14.80")  # shea + oil at 7.40
        assert by_account["408"].credit == by_account["31"].debit


def test_journal_of_part_of_a_month_reconciles(app):
    month = workshop_month()
    for method in ("perpetual", "periodic"):
        accounting.save(method=method)
        first = month["first"] + timedelta(days=7)
        last = month["first"] + timedelta(days=16)
        _check(accounting.journal(first.isoformat(), last.isoformat()), first, last)


def test_settings_are_checked(app):
    with pytest.raises(accounting_errors()):
        accounting.save(method="fifo")
    with pytest.raises(accounting_errors()):
        accounting.save(accounts={"nope": "1"})
    with pytest.raises(accounting_errors()):
        accounting.save(accounts={"rounding": "6 58"})
    with pytest.raises(accounting_errors()):
        accounting.save(accounts={"rounding": True})
    saved = accounting.save(accounts={"rounding": "6580"})
    assert saved["accounts"]["rounding"] == "6580" and saved["accounts"]["wip"] == "331"


def accounting_errors():
    from krafte_pwa.errors import BadInput

    return BadInput



def test_open_month_starts_from_the_frozen_closing_of_the_closed_one(app):
    """What the ledger says today about a closed month's end differs from what was frozen
    (simulated here): the next month books the difference first, and its stock accounts
    still end at today's valuation."""
    import json
    from datetime import date

    from krafte_pwa.extensions import db
    from krafte_pwa.models import ClosedPeriod

    month = workshop_month()
    accounting.close_period(month=month["first"].strftime("%Y-%m"))
    period = db.session.query(ClosedPeriod).one()
    frozen = json.loads(period.balances)
    frozen["raw_materials"] = str(D(frozen["raw_materials"]) + 1)
    period.balances = json.dumps(frozen)
    db.session.commit()
    first = date.today().replace(day=1)
    journal = accounting.journal(first.isoformat(), date.today().isoformat())
    catch_up = journal.entries[0]
    assert "closed period" in catch_up.label
    assert {(ln.account, ln.debit, ln.credit) for ln in catch_up.lines} == {
        ("31", D(0), D("1.00")), ("6031", D("1.00"), D(0))}
    change = _stock_change(journal)
    now = reports.valuation()
    assert change["31"] == now.raw_materials.quantize(D("0.01")) - D(frozen["raw_materials"])
    # a span over the closed month and the open one: numbered without gaps
    both = accounting.journal(month["first"].isoformat(), date.today().isoformat())
    assert [e.number for e in both.entries] == list(range(1, len(both.entries) + 1))
    assert len(both.entries) > len(journal.entries)
