"""Valuation now is one statement, built once per process (building it cost more client
time than the database took to run it), and it still equals the stock's value."""

from decimal import Decimal as D

from krafte_pwa.services import reports, stock
from tests.factories import candle_workshop, receive
from tests.statements import selects


def test_valuation_now_is_one_statement_built_once(app, monkeypatch):
    candle_workshop()
    receive("WAX", "10", cost="2.5")
    code = receive("WICK", "4", cost="0.125")
    reports.valuation()

    def built_again(_where):
        raise AssertionError("the statement of the value now was built again")

    monkeypatch.setattr(reports, "_value_statements", built_again)
    with selects() as sent:
        now = reports.valuation()
    assert len(sent) == 1 and "value_balance" in sent[0], sent
    assert now.raw_materials == D("25.5") and now.total == D("25.5")
    stock.adjust_stock(lot=code, location="STORE", quantity="-1", reason="dropped")
    assert reports.valuation().raw_materials == D("25.375")  # the same transaction's change
    assert reports._now_values() == reports._balance_values()
