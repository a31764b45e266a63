"""Value balances (per item and location) and monthly value changes are kept with the
movements: they always equal the ledger, and the valuation at any instant read from them
equals the one recomputed from the ledger, exactly, on both databases."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal as D
from decimal import localcontext

import pytest
from sqlalchemy import func, select

from krafte_pwa.errors import InsufficientStock
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Location, ValueBalance
from krafte_pwa.models.stock_value import NOW
from krafte_pwa.services import (
    _values,
    counts,
    lot_costs,
    production,
    reports,
    shipments,
    stock,
)
from tests.accounting_factories import workshop_month
from tests.production_factories import face_cream_workshop


def varied_history() -> dict:
    """Receipts, two-level production with waste, a shipment, a transfer, a count, a
    scrap, a cost correction, and an order left open (stock in WIP)."""
    lots = face_cream_workshop()
    base = production.plan_order(item="BASE", quantity=10)
    production.start_order(number=base.number)
    made = production.complete_order(number=base.number, quantity="9.8", location="LAB")
    cream = production.plan_order(item="CREAM", quantity=100)
    production.start_order(number=cream.number)
    pot = _pot_lot(cream)
    done = production.complete_order(
        number=cream.number, quantity=97, location="FG",
        consumed=[{"lot": made.output_lot.code, "quantity": "5"}, {"lot": pot, "quantity": 97}],
        waste=[{"lot": pot, "quantity": "3", "reason": "broken"}])
    shipments.ship(customer="Pharmacie du Centre", lines=[{"item": "CREAM", "quantity": 30}])
    stock.transfer_stock(lot=lots["shea_2"], source="LAB", destination="FG", quantity="1")
    count, _created = counts.open_count(location="FG")
    counts.record_line(number=count.number, lot=done.output_lot.code, quantity=66)
    counts.confirm_count(number=count.number)
    stock.adjust_stock(lot=lots["oil"], location="LAB", quantity="-0.5", reason="scrap")
    lot_costs.correct_lot_cost(lot=lots["shea_2"], unit_cost="10.35", reason="invoice")
    open_order = production.plan_order(item="CREAM", quantity=20)
    production.start_order(number=open_order.number)
    return lots


def _pot_lot(order) -> str:
    from krafte_pwa.models import Pick

    picks = db.session.execute(select(Pick).where(Pick.order_id == order.id)).scalars()
    return next(p.lot.code for p in picks if p.lot.item.sku == "POT-50")


def assert_values_are_the_ledger() -> None:
    assert _values.stored(quantities=True) == _values.from_ledger(quantities=True)
    assert reports._now_values() == reports._balance_values()  # Σ balance × lot cost
    assert stock_now() == stock_in_balances()


def stock_now() -> dict:
    """(item, in WIP) -> quantity now, as the value rows keep it."""
    return {(r.item_id, r.wip): r.quantity for r in db.session.execute(
        select(ValueBalance).where(ValueBalance.period == NOW)).scalars() if r.quantity}


def stock_in_balances() -> dict:
    """(item, in WIP) -> Σ of its balances, read from the balances."""
    rows = db.session.execute(
        select(Balance.item_id, Location.kind, func.sum(Balance.quantity))
        .join(Location, Location.id == Balance.location_id)
        .group_by(Balance.item_id, Location.kind)).all()
    return {(item, kind == "wip"): D(total) for item, kind, total in rows if total}


def test_value_balances_equal_the_ledger_after_a_varied_history(app):
    varied_history()
    assert_values_are_the_ledger()
    rows = db.session.execute(select(ValueBalance)).scalars().all()
    held = [r for r in rows if r.period == NOW]
    assert len(held) >= 4 and all(r.value_high >= 0 for r in held)
    months = {r.period for r in rows if r.period != NOW}
    yesterday = date.today() - timedelta(days=1)
    assert months and months <= {date.today().replace(day=1), yesterday.replace(day=1)}
    value = reports.valuation()
    assert all(getattr(value, c) > 0 for c in reports.CATEGORIES)


def test_a_refused_action_changes_no_value(app):
    lots = face_cream_workshop()
    before = _values.stored()
    with pytest.raises(InsufficientStock):
        stock.adjust_stock(lot=lots["oil"], location="LAB", quantity="-500", reason="gone")
    assert _values.stored() == before
    # nothing noted by the refused action is written by the next one
    stock.adjust_stock(lot=lots["oil"], location="LAB", quantity="-1", reason="spilt")
    assert_values_are_the_ledger()


def test_huge_values_carry_over_exactly(app):
    """Values past 64 bits: high × 10^18 + low, the low part carried on each addition."""
    from krafte_pwa.services import items as item_actions
    from krafte_pwa.services import locations as location_actions
    from tests.factories import receive

    location_actions.create_location(code="STORE", name="Store")
    item_actions.create_item(sku="GOLD", name="Gold", kind="material", unit="g")
    for _ in range(3):
        code = receive("GOLD", "333333333.333333", cost="999999999.99999999")
    stock.adjust_stock(lot=code, location="STORE", quantity="-0.000001", reason="dust")
    assert_values_are_the_ledger()
    with localcontext() as ctx:
        ctx.prec = 80
        expected = (D("999999999.999999") - D("0.000001")) * D("999999999.99999999")
    assert reports.valuation().raw_materials == expected


def _instants(first: date, last: date):
    day = first - timedelta(days=12)
    while day <= last + timedelta(days=2):
        for hour in (0, 9, 10, 11, 23):
            yield datetime.combine(day, time(hour))
        day += timedelta(days=1)


def test_past_valuation_from_month_boundaries_is_exact_at_any_instant(app):
    """A month of a workshop dated back (three calendar months with the receipts before
    it): at every hour that matters the month-boundary valuation equals the ledger's."""
    month = workshop_month()
    assert_values_are_the_ledger()
    for moment in _instants(month["first"], month["last"]):
        auto = reports._past_values(moment)
        forward = reports._past_values(moment, "forward")
        backward = reports._past_values(moment, "backward")
        keys = set(auto) | set(forward) | set(backward)
        assert all(auto.get(k, 0) == forward.get(k, 0) == backward.get(k, 0)
                   for k in keys), moment
    # both sides of history: a month start summed from the first month on, and one taken
    # back from the value now
    for start in (datetime.combine(month["first"], time()),
                  datetime.combine(month["last"] + timedelta(days=1), time())):
        at = reports._value_at_month_start(start)
        ledger = reports._past_values(start, "forward")
        assert {k: v for k, v in at.items() if v} == {k: v for k, v in ledger.items() if v}


def test_a_savepoint_keeps_or_drops_only_its_own_value_changes(app):
    """A dry-run opening stock import inside a larger action rolls back its savepoint:
    its value goes, what the action posted before and after stays; a savepoint released
    keeps its value."""
    from krafte_pwa.services import imports
    from krafte_pwa.services._tx import transaction

    lots = face_cream_workshop()
    with transaction():
        stock.adjust_stock(lot=lots["oil"], location="LAB", quantity="-1", reason="spilt")
        report = imports.import_opening_stock(
            "article;quantité;unité;emplacement;coût unitaire\n"
            "SHEA;4;kg;LAB;9,50\n", dry_run=True)
        assert report.problems == [] and not report.written
        with db.session.begin_nested():
            stock.adjust_stock(lot=lots["oil"], location="LAB", quantity="-0.5",
                               reason="spilt")
        stock.adjust_stock(lot=lots["shea_1"], location="LAB", quantity="-0.25",
                           reason="sample")
    assert_values_are_the_ledger()
    assert reports._now_values() == reports._balance_values()
