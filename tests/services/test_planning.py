"""Planning: "Can I make N?" with sub-orders for intermediates, and what to buy and make.
Figures are computed by hand in each docstring."""

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from krafte_pwa.errors import InsufficientStock, InvalidTransition
from krafte_pwa.extensions import db
from krafte_pwa.models import ProductionOrder, PurchaseOrder
from krafte_pwa.services import catalog, planning, production, recipes, sub_orders
from tests.factories import candle_workshop, receive
from tests.planning_factories import soap_workshop


def _reserved(order):
    return {r.item.sku: (r.required, r.quantity) for r in order.reservations}


def _buy(result):
    return {s.item.sku: s.quantity for s in result.purchase}


def _make(result):
    return [(s.item.sku, s.quantity) for s in result.production]


def test_three_level_feasibility_counts_stock_at_every_level(app):
    """100 bars: 10 000 g of mix, 2 000 in stock, make 8 000 → 6 400 g of lye oil and
    1 600 g of clay; 1 000 g of lye oil in stock, make 5 400 → 4 860 g of olive oil and
    540 g of lye; 3 000 g of olive oil: short of 1 860. At most 74 bars: 7 400 g of mix,
    make 5 400, 4 320 g of lye oil, make 3 320, 2 988 g of olive oil (75 would need 3 060)."""
    soap_workshop()
    result = recipes.feasibility("BAR", "100")
    assert not result.feasible
    assert result.max_quantity == D(74)
    assert [(i.sku, req, have, miss) for i, req, have, miss in result.shortages] == [
        ("OLIVE", D(4860), D(3000), D(1860))]
    assert [(i.sku, q) for i, q in result.to_produce] == [("LYE-OIL", D(5400)),
                                                          ("MIX", D(8000))]


def test_plan_with_sub_orders_links_each_intermediate_to_the_order_that_uses_it(app):
    """The bar order reserves the 2 000 g of mix in stock and 100 wrappers; the mix
    sub-order (8 000 g) reserves the 1 000 g of lye oil and 1 600 g of clay; the lye oil
    sub-order (5 400 g) reserves all 3 000 g of olive oil (1 860 missing) and 540 g of lye."""
    soap_workshop()
    tree = sub_orders.plan_with_sub_orders(item="BAR", quantity="100")
    top = tree.order
    lye_oil, mix = sorted(tree.sub_orders, key=lambda o: o.item.sku)
    assert (mix.item.sku, mix.planned_quantity, mix.parent) == ("MIX", D(8000), top)
    assert (lye_oil.item.sku, lye_oil.planned_quantity, lye_oil.parent) == (
        "LYE-OIL", D(5400), mix)
    assert top.parent is None and top.sub_orders == [mix] and mix.sub_orders == [lye_oil]
    assert _reserved(top) == {"MIX": (D(10000), D(2000)), "WRAP": (D(100), D(100))}
    assert _reserved(mix) == {"LYE-OIL": (D(6400), D(1000)), "CLAY": (D(1600), D(1600))}
    assert _reserved(lye_oil) == {"OLIVE": (D(4860), D(3000)), "LYE": (D(540), D(540))}
    assert db.session.execute(select(ProductionOrder.id)).all().__len__() == 3


def test_a_parent_starts_only_once_its_sub_orders_are_completed(app):
    """The bar and the mix orders wait (sub_orders_open) while a sub-order is open; the
    lye oil order is refused for the 1 860 g of olive oil missing; once it is received
    and the lye oil made, the mix order starts."""
    soap_workshop()
    tree = sub_orders.plan_with_sub_orders(item="BAR", quantity="100")
    top = tree.order
    lye_oil, mix = sorted(tree.sub_orders, key=lambda o: o.item.sku)
    with pytest.raises(InvalidTransition) as refused:
        production.start_order(number=top.number)
    assert refused.value.code == "sub_orders_open"
    assert refused.value.details["sub_orders"] == [mix.number]
    assert mix.number in refused.value.message
    with pytest.raises(InvalidTransition):
        production.start_order(number=mix.number)
    with pytest.raises(InsufficientStock):
        production.start_order(number=lye_oil.number)
    receive("OLIVE", "1860", cost="0.008")
    production.start_order(number=lye_oil.number)
    production.complete_order(number=lye_oil.number, quantity="5400", location="STORE")
    started = production.start_order(number=mix.number)
    assert started.status == "in_progress"
    with pytest.raises(InvalidTransition):
        production.start_order(number=top.number)  # the mix is not made yet


def test_a_cancelled_sub_order_no_longer_holds_its_parent(app):
    """30 bars need 3 000 g of mix: 2 000 in stock, a sub-order for 1 000; the 800 g of lye
    oil it needs are in stock (no deeper sub-order). Cancelled, and the mix bought instead,
    the bar order starts."""
    soap_workshop()
    tree = sub_orders.plan_with_sub_orders(item="BAR", quantity="30")
    (mix,) = tree.sub_orders
    assert (mix.item.sku, mix.planned_quantity) == ("MIX", D(1000))
    production.cancel_order(number=mix.number)
    receive("MIX", "1000", cost="0.01")
    assert production.start_order(number=tree.order.number).status == "in_progress"


def _candles_competing():
    """A candle is 200 g of wax and a wick; 10 kg of wax and 100 wicks in stock. Order A
    (40 candles) reserves 8 000 g; order B (30) needs 6 000 and reserves the 2 000 left:
    4 000 g missing. Wax has a reorder point of 5 000 g."""
    candle_workshop()
    catalog.update_item(sku="WAX", default_supplier="Cires du Sud")
    receive("WAX", "10000", cost="0.004")
    receive("WICK", "100", cost="0.06")
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "WAX", "quantity": "200"}, {"item": "WICK", "quantity": 1}])
    a = production.plan_order(item="CANDLE", quantity="40")
    b = production.plan_order(item="CANDLE", quantity="30")
    return a, b


def test_two_orders_competing_for_wax_buy_what_the_second_lacks_and_the_reorder_point(app):
    """Wax: available 10 000 − 10 000 reserved = 0, demand 4 000 (order B) → projected
    −4 000; lifting it back to the reorder point of 5 000 takes 9 000 g. Wicks: 100 in
    stock, 70 reserved, no reorder point: nothing. The candles are being made: nothing."""
    a, b = _candles_competing()
    result = planning.suggestions()
    assert _buy(result) == {"WAX": D(9000)}
    assert _make(result) == []
    (wax,) = result.purchase
    assert (wax.demand, wax.supply, wax.supplier.name) == (D(4000), D(0), "Cires du Sud")
    assert [(d.kind, d.reference, d.quantity) for d in wax.reasons] == [
        ("production_order", b.number, D(4000))]
    assert planning.reason_text(wax) == (f"production orders: {b.number}; "
                                         "reorder point 5000 g")


def test_without_a_reorder_point_only_the_missing_quantity_is_bought(app):
    a, b = _candles_competing()
    catalog.update_item(sku="WAX", reorder_point="", reorder_quantity="2500")
    assert _buy(planning.suggestions()) == {"WAX": D(4000)}  # over the 2 500 minimum
    production.cancel_order(number=b.number)
    assert _buy(planning.suggestions()) == {}


def test_three_level_suggestions_make_intermediates_and_buy_the_short_material(app):
    """One bar order (100) planned alone: the mix it could not reserve (8 000 g) is to be
    made; that needs 6 400 g of lye oil (1 000 available: make 5 400) and 1 600 g of clay
    (10 000 in stock); the lye oil needs 4 860 g of olive oil (3 000 in stock: buy 1 860)
    and 540 g of lye. Deepest level first in what to make."""
    soap_workshop()
    order = production.plan_order(item="BAR", quantity="100")
    result = planning.suggestions()
    assert _make(result) == [("LYE-OIL", D(5400)), ("MIX", D(8000))]
    assert _buy(result) == {"OLIVE": D(1860)}
    lye_oil, mix = result.production
    assert [(d.kind, d.reference) for d in mix.reasons] == [("production_order", order.number)]
    assert [(d.kind, d.reference) for d in lye_oil.reasons] == [("component", "MIX")]
    assert planning.reason_text(result.purchase[0]) == "to make: LYE-OIL"
    assert result.purchase[0].supplier.name == "Huilerie Berre"


def test_sub_orders_count_as_what_is_being_made(app):
    """With the sub-orders planned, the mix and lye oil are being made: only the olive oil
    the lye oil order could not reserve is left to buy, for that order."""
    soap_workshop()
    tree = sub_orders.plan_with_sub_orders(item="BAR", quantity="100")
    lye_oil = next(o for o in tree.sub_orders if o.item.sku == "LYE-OIL")
    result = planning.suggestions()
    assert _make(result) == []
    assert _buy(result) == {"OLIVE": D(1860)}
    assert planning.reason_text(result.purchase[0]) == f"production orders: {lye_oil.number}"


def test_drafting_the_buy_list_makes_one_purchase_order_per_supplier_once(app):
    """Olive oil (Huilerie Berre) 1 860 g and, with a reorder point of 600 on wrappers
    (500 in stock, 100 reserved: 400 available), 200 wrappers from Argiles & Co."""
    soap_workshop()
    catalog.update_item(sku="WRAP", reorder_point="600")
    production.plan_order(item="BAR", quantity="100")
    drafted = planning.draft_purchase_orders()
    assert drafted.no_supplier == []
    lines = {o.supplier.name: [(ln.item.sku, ln.quantity, ln.unit_price) for ln in o.lines]
             for o in drafted.orders}
    assert lines == {"Huilerie Berre": [("OLIVE", D(1860), D("0.008"))],
                     "Argiles & Co": [("WRAP", D(200), D("0.05"))]}
    assert all(o.status == "draft" for o in drafted.orders)
    assert _buy(planning.suggestions()) == {}  # the drafts count as coming
    with pytest.raises(Exception) as nothing:
        planning.draft_purchase_orders()
    assert getattr(nothing.value, "code", None) == "nothing_to_order"
    assert len(db.session.execute(select(PurchaseOrder.id)).all()) == 2


def test_an_open_sales_order_s_missing_quantity_is_demand(app):
    """30 candles sold, 10 in stock (reserved for the order): 20 missing, so 20 candles to
    make for the sales order; they need 4 000 g of wax (10 000 in stock: 6 000 left, over
    the reorder point of 5 000) and 20 wicks (5 in stock: buy 15, to make CANDLE). Once
    the production is planned, it counts as coming and only the wicks remain to buy, for
    that order."""
    from krafte_pwa.services import sales

    candle_workshop()
    catalog.update_item(sku="WICK", default_supplier="Mèches & Co")
    receive("WAX", "10000", cost="0.004")
    receive("WICK", "5", cost="0.06")
    receive("CANDLE", "10", cost="3")
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "WAX", "quantity": "200"}, {"item": "WICK", "quantity": 1}])
    order = sales.create_sales_order(customer="Boutique Lavande",
                                     lines=[{"item": "CANDLE", "quantity": "30"}])
    result = planning.suggestions()
    assert _make(result) == [("CANDLE", D(20))]
    assert [(d.kind, d.reference, d.quantity) for d in result.production[0].reasons] == [
        ("sales_order", order.number, D(20))]
    assert planning.reason_text(result.production[0]) == f"sales orders: {order.number}"
    assert _buy(result) == {"WICK": D(15)}
    assert planning.reason_text(result.purchase[0]) == "to make: CANDLE"
    made = production.plan_order(item="CANDLE", quantity="20")
    result = planning.suggestions()
    assert (_make(result), _buy(result)) == ([], {"WICK": D(15)})
    assert planning.reason_text(result.purchase[0]) == f"production orders: {made.number}"
