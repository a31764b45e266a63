"""The margin report, hand-computed, on SQLite and PostgreSQL.

Marché Bio (by hand) buys 10 soaps at 3.50: they leave from the 60-day lot (cost 1.20).
Épicerie Fine (channel "shop") buys 20 soaps at 3.00 (the same lot) and 5 lip balms at
2.00 (cost 0.80). A product in stock that sold nothing is the slowest mover; on hand counts every
lot in store (170 soaps received, 30 shipped).

    SOAP   30 pcs  revenue 35 + 60 = 95.00  cost 30 × 1.20 = 36.00  margin 59.00  62.1 %
    BALM    5 pcs  revenue 10.00           cost  4.00                 margin  6.00  60.0 %
"""

from decimal import Decimal as D

import pytest

from krafte_pwa.errors import BadInput
from krafte_pwa.services import catalog, report_margin, sales
from tests.factories import receive
from tests.sales_factories import soap_shop


@pytest.fixture
def sold(app):
    soap_shop()
    catalog.create_item(sku="CANDLE", name="Candle", kind="product", unit="pcs")
    receive("CANDLE", 5, location="SHOP", cost="2")
    first = sales.create_sales_order(customer="Marché Bio", lines=[
        {"item": "SOAP", "quantity": 10, "unit_price": "3.5"}])
    sales.ship_sales_order(first.number)
    second = sales.create_sales_order(customer="Épicerie Fine", channel="shop",
                                      channel_order_id="77", lines=[
                                          {"item": "SOAP", "quantity": 20, "unit_price": 3},
                                          {"item": "BALM", "quantity": 5, "unit_price": 2}])
    sales.ship_sales_order(second.number)
    # an order not shipped yet counts nothing
    sales.create_sales_order(customer="Later", lines=[{"item": "SOAP", "quantity": 4,
                                                       "unit_price": 9}])


def _rows(rows):
    return [(r.key, r.quantity, r.revenue, r.cost, r.margin, r.margin_percent) for r in rows]


def test_margin_per_product_customer_and_channel(sold):
    report = report_margin.margin("product")
    assert _rows(report.rows) == [
        ("SOAP", D(30), D("95.00"), D("36.00"), D("59.00"), D("62.1")),
        ("BALM", D(5), D("10.00"), D("4.00"), D("6.00"), D("60.0"))]
    assert (report.revenue, report.cost, report.margin) == (D("105"), D("40"), D("65"))
    by_customer = report_margin.margin("customer").rows
    assert [(r.key, r.revenue, r.cost, r.margin) for r in by_customer] == [
        ("Épicerie Fine", D("70.00"), D("28.00"), D("42.00")),
        ("Marché Bio", D("35.00"), D("12.00"), D("23.00"))]
    by_channel = report_margin.margin("channel").rows
    assert [(r.key, r.revenue, r.margin) for r in by_channel] == [
        ("shop", D("70.00"), D("42.00")), ("manual", D("35.00"), D("23.00"))]


def test_best_sellers_and_slow_movers(sold):
    assert [r.key for r in report_margin.best_sellers()] == ["SOAP", "BALM"]
    slow = report_margin.slow_movers()
    assert [(r.key, r.quantity, r.on_hand) for r in slow] == [
        ("CANDLE", D(0), D(5)), ("BALM", D(5), D(15)), ("SOAP", D(30), D(140))]


def test_period_and_refusals(sold):
    assert report_margin.margin("product", "2020-01-01", "2020-12-31").rows == []
    with pytest.raises(BadInput):
        report_margin.margin("colour")
    with pytest.raises(BadInput):
        report_margin.margin("product", "2026-02-01", "2026-01-01")
