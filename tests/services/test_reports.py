"""Reports: valuation by category now and at a past instant recomputed from the
ledger, the accounting export that reconciles opening to closing, turnover, stock over
time, movement history, order cost variance."""

import time
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from krafte_pwa.errors import BadInput
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Item, Location, Lot
from krafte_pwa.models.types import utcnow
from krafte_pwa.services import counts, production, report_lists, reports, shipments, stock
from tests.production_factories import face_cream_workshop

ZERO = D(0)


def expected_by_category() -> dict[str, D]:
    """Σ on hand × lot unit cost, computed independently of the report: WIP locations are
    work in progress, elsewhere the item's kind decides."""
    result = {c: ZERO for c in reports.CATEGORIES}
    rows = db.session.execute(
        select(Balance.quantity, Lot.unit_cost, Item.kind, Location.kind)
        .join(Lot, Lot.id == Balance.lot_id).join(Item, Item.id == Lot.item_id)
        .join(Location, Location.id == Balance.location_id)).all()
    for quantity, cost, item_kind, location_kind in rows:
        name = "wip" if location_kind == "wip" else {
            "material": "raw_materials", "intermediate": "intermediates",
            "product": "finished_goods"}[item_kind]
        result[name] += quantity * cost
    return result


def instant():
    """A moment strictly between the operations before and after it."""
    time.sleep(0.01)
    moment = utcnow()
    time.sleep(0.01)
    return moment


def values(valuation) -> dict[str, D]:
    return {c: getattr(valuation, c) for c in reports.CATEGORIES}


@pytest.fixture
def factory(app):
    """A cosmetics maker after receipts: base cream made (10 kg), face creams made (100)
    and 30 shipped to a customer, a second face-cream order started (its base and pots in
    WIP), a loss adjusted and a shelf counted. Snapshots at three instants."""
    snaps = {"empty": (instant(), {c: ZERO for c in reports.CATEGORIES})}
    lots = face_cream_workshop()
    snaps["received"] = (instant(), values(reports.valuation()))
    base = production.plan_order(item="BASE", quantity=10)
    production.start_order(number=base.number)
    production.complete_order(number=base.number, quantity="9.8", location="LAB")
    snaps["base_made"] = (instant(), values(reports.valuation()))
    cream = production.plan_order(item="CREAM", quantity=100)
    production.start_order(number=cream.number)
    done = production.complete_order(number=cream.number, quantity=100, location="FG")
    shipments.ship(customer="Pharmacie du Centre", lines=[{"item": "CREAM", "quantity": 30}])
    open_order = production.plan_order(item="CREAM", quantity=40)
    production.start_order(number=open_order.number)
    stock.adjust_stock(lot=lots["oil"], location="LAB", quantity="-0.5", reason="spilt")
    count, _ = counts.open_count(location="FG")
    counts.record_line(number=count.number, lot=done.output_lot.code, quantity=69)
    counts.confirm_count(number=count.number)
    return {"lots": lots, "snaps": snaps, "cream": cream.number, "open": open_order.number}


def test_the_four_categories_sum_exactly_to_stock_on_hand_times_cost_plus_wip(factory):
    value = reports.valuation(currency="EUR")
    expected = expected_by_category()
    assert values(value) == expected
    assert all(expected[c] > 0 for c in reports.CATEGORIES)  # each category is exercised
    assert value.total == sum(expected.values()) and value.currency == "EUR"
    # WIP: what the open order picked (50 g of base per cream × 40, and 40 pots)
    wip = db.session.execute(
        select(Balance.quantity, Lot.unit_cost).join(Lot, Lot.id == Balance.lot_id)
        .join(Location, Location.id == Balance.location_id)
        .where(Location.code == factory["open"])).all()
    assert value.wip == sum((q * c for q, c in wip), ZERO) and len(wip) >= 2


def test_valuation_at_a_past_instant_equals_what_it_was_then(factory):
    for name, (moment, then) in factory["snaps"].items():
        at = moment.isoformat()
        for strategy in ("auto", "forward", "backward"):
            assert values(reports.valuation(at, strategy=strategy)) == then, (name, strategy)
    # a time zone is honoured: the same instant written in Paris time
    moment, then = factory["snaps"]["base_made"]
    paris = (moment + timedelta(hours=2)).isoformat() + "+02:00"
    assert values(reports.valuation(paris)) == then
    # a date is that day's closing stock: today = now; before the first movement = nothing
    assert values(reports.valuation(date.today().isoformat())) == expected_by_category()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert reports.valuation(yesterday).total == 0


def test_the_ledger_and_the_balances_agree_on_value_now(factory):
    far = (utcnow() + timedelta(seconds=1)).isoformat()
    assert values(reports.valuation(far)) == expected_by_category()
    forward = reports._past_values(utcnow() + timedelta(seconds=1), "forward")
    assert {c: reports.to_money(forward.get(c, 0)) for c in reports.CATEGORIES} == \
        expected_by_category()


@pytest.mark.parametrize("at", ["yesterday", "2026-13-01", "12/03/2026", "2026-01-01T25:00"])
def test_a_bad_instant_is_a_clear_error(app, at):
    with pytest.raises(BadInput):
        reports.valuation(at)


def test_accounting_opening_plus_changes_is_closing(factory):
    today = date.today().isoformat()
    result = reports.accounting(today, today)
    assert result.opening.total == 0
    total = {c: sum((getattr(v, c) for v in result.lines.values()), ZERO)
             for c in reports.CATEGORIES}
    assert total == values(result.closing) == expected_by_category()
    lines = result.lines
    assert lines["receipts"].raw_materials > 0 and lines["receipts"].total == \
        lines["receipts"].raw_materials
    assert lines["production_issues"].total == 0  # stock moved into WIP and back, no value lost
    assert lines["production_consumption"].wip < 0 and lines["production_output"].total > 0
    assert lines["shipments"].finished_goods < 0
    assert result.cost_of_goods_sold == -lines["shipments"].total > 0
    assert lines["adjustments"].raw_materials < 0 and lines["counts"].finished_goods < 0
    # the same period one day later starts where this one ended
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    later = reports.accounting(tomorrow, tomorrow)
    assert values(later.opening) == values(later.closing) == values(result.closing)


def test_cost_of_goods_sold_is_the_shipped_lots_cost(factory):
    from krafte_pwa.models import ShipmentLot

    today = date.today().isoformat()
    shipped = sum((s.quantity * s.unit_cost for s in db.session.query(ShipmentLot)), ZERO)
    assert reports.accounting(today, today).cost_of_goods_sold == shipped > 0


def test_order_costs_show_actual_against_planned(factory):
    page = report_lists.order_costs()
    assert page.total == 2
    cream = next(o for o in page.rows if o.order.number == factory["cream"])
    assert cream.actual.quantity == 100 and cream.quantity_variance == 0
    assert cream.variance == cream.actual.total - cream.planned.per_unit * 100
    base = next(o for o in page.rows if o.order.item.sku == "BASE")
    assert base.quantity_variance == D("-0.2")


def test_turnover_and_stock_series_walk_back_from_the_balances(factory):
    today = date.today()
    rows = {t.item.sku: t for t in report_lists.turnover(today - timedelta(days=9), today)}
    cream = rows["CREAM"]
    assert cream.out == 30 and cream.on_hand == 69  # shipped 30; counted 69 of 70
    assert cream.average == D("6.9")  # 69 today, nothing the nine days before
    assert cream.turnover == D("4.35") and cream.days_of_stock == D("2.3")
    shea = rows["SHEA"]
    assert shea.out == 2  # consumed by the base-cream batch
    series = report_lists.stock_series("CREAM", today - timedelta(days=2), today)
    assert series == [(today - timedelta(days=2), 0), (today - timedelta(days=1), 0),
                      (today, 69)]


def test_movement_history_filters(factory, users):
    f = report_lists.MovementFilters
    everything = report_lists.movement_history(f())
    assert everything.total == len(list(report_lists.movement_rows(f())))
    shipped = report_lists.movement_history(f(kind="shipment"))
    assert shipped.total >= 1 and all(r.kind == 50 for r in shipped.rows)
    by_lot = report_lists.movement_history(f(lot=factory["lots"]["oil"], kind="adjustment"))
    assert [(r.quantity, r.reason) for r in by_lot.rows] == [(D("-0.5"), "spilt")]
    assert report_lists.movement_history(f(location="FG", item="CREAM")).total == 3
    today = date.today().isoformat()
    assert report_lists.movement_history(f(since=today, until=today)).total == everything.total
    assert report_lists.movement_history(f(until="2000-01-01")).total == 0
    with pytest.raises(BadInput):
        report_lists.movement_history(f(kind="teleport"))


def test_expiring_soon_lists_lots_with_stock_in_expiry_order(factory):
    rows = report_lists.expiring(130)
    # shea_1 (120 days) went whole into the base cream; the creams' expiry is capped by it
    assert [(r.item.sku, r.days_left) for r in rows] == [("BASE", 90), ("CREAM", 90)]
    assert rows[0].on_hand == D("9.8") - 5  # 5 kg went into the creams made; WIP counts
    rows = report_lists.expiring(200)
    assert [r.lot.code for r in rows if r.item.sku == "OIL-ALM"] == [factory["lots"]["oil"]]
    assert report_lists.expiring(0) == []


def test_huge_amounts_stay_exact(app):
    """A billion units at almost a billion each: SQLite cannot sum the split products in
    64 bits and the value is summed per lot cost instead; PostgreSQL sums NUMERIC."""
    from krafte_pwa.services import items as item_actions
    from krafte_pwa.services import locations as location_actions
    from tests.factories import receive

    location_actions.create_location(code="STORE", name="Store")
    item_actions.create_item(sku="GOLD", name="Gold", kind="material", unit="g")
    item_actions.create_item(sku="DUST", name="Dust", kind="product", unit="g")
    receive("GOLD", "999999999.5", cost="999999999.12345678")
    receive("DUST", "0.000001", cost="0.00000001")
    value = reports.valuation()
    assert value.raw_materials == D("999999999.5") * D("999999999.12345678")
    assert value.finished_goods == D("0.00000000000001")
    assert value.total == D("999999998623456780.43827161000001")  # no rounding anywhere
    assert values(reports.valuation(strategy="forward")) == values(value)
    later = (utcnow() + timedelta(seconds=1)).isoformat()
    for strategy in ("forward", "backward"):
        assert values(reports.valuation(later, strategy=strategy)) == values(value)


def test_a_sum_too_large_for_64_bits_stays_exact(app):
    """Each split product fits in 64 bits but their sum does not: SQLite raises "integer
    overflow" and the value is summed per lot cost instead."""
    from krafte_pwa.services import items as item_actions
    from krafte_pwa.services import locations as location_actions
    from tests.factories import receive

    location_actions.create_location(code="STORE", name="Store")
    item_actions.create_item(sku="SAND", name="Sand", kind="material", unit="g")
    for _ in range(3):
        receive("SAND", "1000000000", cost="0.4")
    assert reports.valuation().raw_materials == D(1200000000)
    assert reports.valuation(strategy="forward").raw_materials == D(1200000000)
    today = date.today().isoformat()
    assert reports.accounting(today, today).lines["receipts"].total == D(1200000000)


def test_valuation_series_walks_back_to_each_days_closing(factory):
    today = date.today()
    series = reports.valuation_series(today - timedelta(days=2), today)
    assert [d for d, _ in series] == [today - timedelta(days=n) for n in (2, 1, 0)]
    assert [v.total for _, v in series[:2]] == [0, 0]
    assert values(series[-1][1]) == expected_by_category()
    long = reports.valuation_series(today - timedelta(days=400), today, points=30)
    assert len(long) == 30 and long[0][0] == today - timedelta(days=400) and \
        long[-1][0] == today
    with pytest.raises(BadInput):
        reports.valuation_series(today, today - timedelta(days=1))
