"""One item's stock picture in one statement gives what the many-item rules give:
on hand and usable in storage, production and sales holds, open purchase orders."""

from decimal import Decimal as D

from sqlalchemy import event

from krafte_pwa.extensions import db
from krafte_pwa.services import availability as avail
from krafte_pwa.services import production, purchasing, queries, recipes, sales, stock
from tests.factories import TODAY, candle_workshop, receive
from tests.sales_factories import soap_shop


def _many_item_rules(sku: str):
    item = queries.item_by_sku(sku)
    a = avail.availability([item.id], TODAY)[item.id]
    return (a.on_hand, a.usable, a.reserved, a.available, queries.on_order_quantity(item.id))


def _one_statement(sku: str):
    item = queries.item_by_sku(sku)
    seen = []

    def count(*args):
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        s = queries.item_stock(item, TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return (s.on_hand, s.usable, s.reserved, s.available, s.on_order), len(seen)


def test_one_item_in_one_statement_as_the_many_item_rules(app):
    soap_shop()  # expired, quarantined and transferred lots
    candle_workshop()
    receive("WAX", "3000", cost="0.004")
    receive("WICK", "5", cost="0.06")
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "WAX", "quantity": "200"}, {"item": "WICK", "quantity": 1}])
    production.plan_order(item="CANDLE", quantity=4)  # holds 800 g of wax, 4 wicks
    done = production.plan_order(item="CANDLE", quantity=1)
    production.cancel_order(number=done.number)  # a closed order holds nothing
    sales.create_sales_order(customer="Boutique", lines=[{"item": "SOAP", "quantity": "30"}])
    draft = purchasing.create_purchase_order(supplier="Cires du Sud", lines=[
        {"item": "WAX", "quantity": "5", "unit": "kg", "price": "5"},
        {"item": "WICK", "quantity": "10", "price": "0.1"}])
    purchasing.mark_ordered(number=draft.number)
    stock.receive_goods(supplier="Cires du Sud", location="STORE", purchase_order=draft.number,
                        lines=[{"item": "WICK", "quantity": "25", "unit_cost": "0.1",
                                "line": 2},  # more than ordered: never below zero a line
                               {"item": "WAX", "quantity": "1000", "unit_cost": "0.005",
                                "line": 1}])
    for sku in ("SOAP", "BALM", "WAX", "WICK", "CANDLE", "FO-LAV"):
        figures, statements = _one_statement(sku)
        assert figures == _many_item_rules(sku), sku
        assert statements == 1
    assert _one_statement("WAX")[0][2] == D(800)
    assert _one_statement("WAX")[0][4] == D(4000)
    assert _one_statement("WICK")[0][4] == 0
    assert _one_statement("SOAP")[0][2] == D(30)
