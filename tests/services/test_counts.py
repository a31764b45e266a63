"""Stock counts: scan a location, scan lots and enter what was found, see what is
missing, confirm: the differences are posted as COUNT adjustments, once, in one
transaction. Counts resume; counts of different locations do not interfere."""

import threading
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from krafte_pwa.errors import BadQuantity, InvalidTransition, NotFound
from krafte_pwa.extensions import db
from krafte_pwa.models import Movement, MovementKind, StockCount
from krafte_pwa.services import counts, queries, stock
from tests.factories import candle_workshop, receive
from tests.services.test_ledger_concurrency import ledger_sums_equal_balances, run_workers


@pytest.fixture
def shelves(app):
    """A candle maker with three lots on the STORE shelf (wax 8 kg, wax 5 kg, 150 wicks)
    and an oil lot on SHELF that has never been in STORE."""
    candle_workshop()
    return {"wax_1": receive("WAX", "8000", cost="0.0042"),
            "wax_2": receive("WAX", "5000", cost="0.004"),
            "wick": receive("WICK", "150", cost="0.06"),
            "oil": receive("FO-LAV", "500", location="SHELF", cost="0.09")}


def on_hand(code, location="STORE") -> D:
    detail = queries.lot_detail(code)
    return dict((loc.code, q) for loc, q in detail.balances).get(location, D(0))


def count_movements():
    return db.session.execute(
        select(Movement).where(Movement.kind == MovementKind.COUNT).order_by(Movement.id)
    ).scalars().all()


def test_a_count_with_one_missing_lot_and_one_surplus_posts_exactly_two_adjustments(shelves):
    count, resumed = counts.open_count(location="STORE")
    assert not resumed and count.number.startswith("CT-") and count.status == "open"
    counts.record_line(number=count.number, lot=shelves["wax_1"], quantity="8000")  # as expected
    counts.record_line(number=count.number, lot=shelves["wick"], quantity="150")  # as expected
    counts.record_line(number=count.number, lot=shelves["oil"], quantity="0,25", unit="l")
    view = counts.count_view(count.number)
    assert [m.lot.code for m in view.missing] == [shelves["wax_2"]]  # expected, not scanned
    assert {r.lot.code: r.difference for r in view.lines} == {
        shelves["wax_1"]: 0, shelves["wick"]: 0, shelves["oil"]: D(250)}

    done = counts.confirm_count(number=count.number)

    moves = count_movements()
    assert len(done.movements) == 2 and len(moves) == 2
    assert {(m.lot.code, m.location.code, m.quantity, m.reason, m.document) for m in moves} == {
        (shelves["wax_2"], "STORE", D(-5000), "count", count.number),
        (shelves["oil"], "STORE", D(250), "count", count.number)}
    assert on_hand(shelves["wax_2"]) == 0 and on_hand(shelves["oil"]) == 250
    assert on_hand(shelves["oil"], "SHELF") == 500  # the other location is untouched
    assert on_hand(shelves["wax_1"]) == 8000
    posted = counts.count_view(count.number)
    assert posted.count.status == "posted" and posted.count.posted_at is not None
    assert {r.lot.code: (r.line.counted, r.line.expected) for r in posted.lines} == {
        shelves["wax_1"]: (8000, 8000), shelves["wick"]: (150, 150),
        shelves["oil"]: (250, 0), shelves["wax_2"]: (0, 5000)}
    ledger_sums_equal_balances()


def test_expected_is_on_hand_at_confirm_time_and_a_rescan_replaces(shelves):
    count, _ = counts.open_count(location="STORE")
    counts.record_line(number=count.number, lot=shelves["wax_1"], quantity="7000")
    counts.record_line(number=count.number, lot=shelves["wax_1"], quantity="7900")  # rescan
    counts.record_line(number=count.number, lot=shelves["wick"], quantity=0)  # not there
    counts.record_line(number=count.number, lot=shelves["wax_2"], quantity="5000")
    # work goes on while the count is open: 100 g of wax_1 leaves for the shelf
    stock.transfer_stock(lot=shelves["wax_1"], source="STORE", destination="SHELF",
                         quantity="100")
    counts.confirm_count(number=count.number)
    moves = {m.lot.code: m.quantity for m in count_movements()}
    assert moves == {shelves["wick"]: D(-150)}  # 7900 found = 8000 − 100 moved: no difference
    assert on_hand(shelves["wax_1"]) == 7900 and on_hand(shelves["wick"]) == 0


def test_a_second_open_on_the_same_location_resumes_the_count(shelves):
    first, resumed = counts.open_count(location="STORE")
    counts.record_line(number=first.number, lot=shelves["wick"], quantity="149")
    again, resumed = counts.open_count(location="STORE")
    assert resumed and again.number == first.number
    other, resumed = counts.open_count(location="SHELF")
    assert not resumed and other.number != first.number
    assert [r.line.counted for r in counts.count_view(again.number).lines] == [D(149)]
    counts.cancel_count(number=first.number)
    fresh, resumed = counts.open_count(location="STORE")
    assert not resumed and fresh.number != first.number
    assert counts.count_view(fresh.number).lines == []


def test_closed_counts_refuse_changes_and_cancel_posts_nothing(shelves):
    count, _ = counts.open_count(location="STORE")
    counts.record_line(number=count.number, lot=shelves["wick"], quantity="100")
    counts.cancel_count(number=count.number)
    assert count_movements() == []
    for action in (lambda: counts.record_line(number=count.number, lot=shelves["wick"],
                                              quantity=1),
                   lambda: counts.confirm_count(number=count.number),
                   lambda: counts.cancel_count(number=count.number)):
        with pytest.raises(InvalidTransition):
            action()
        db.session.rollback()
    assert on_hand(shelves["wick"]) == 150


@pytest.mark.parametrize("kwargs,error", [
    ({"lot": "NOPE", "quantity": 1}, NotFound),
    ({"quantity": -1}, BadQuantity),
    ({"quantity": "douze"}, BadQuantity),
    ({"quantity": "1", "unit": "furlongs"}, Exception),
])
def test_bad_lines_are_refused_and_change_nothing(shelves, kwargs, error):
    count, _ = counts.open_count(location="STORE")
    with pytest.raises(error):
        counts.record_line(number=count.number, **{"lot": shelves["wick"], **kwargs})
    db.session.rollback()
    assert counts.count_view(count.number).lines == []


def test_unknown_or_wip_locations_cannot_be_counted(shelves):
    with pytest.raises(NotFound):
        counts.open_count(location="MARS")
    with pytest.raises(NotFound):
        counts.confirm_count(number="CT-2000-0001")


def test_counts_list_pages_and_filters(shelves):
    a, _ = counts.open_count(location="STORE")
    b, _ = counts.open_count(location="SHELF")
    counts.cancel_count(number=b.number)
    assert [c.number for c in counts.list_counts(status="open").rows] == [a.number]
    assert counts.list_counts().total == 2
    assert [c.number for c in counts.list_counts(location="SHELF").rows] == [b.number]


def test_concurrent_counts_of_two_locations_both_succeed(app, shelves):
    """Two people count STORE and SHELF at the same moment, each scanning and confirming;
    both counts post exactly their own differences."""
    plans = {"STORE": [(shelves["wax_1"], "7990"), (shelves["wax_2"], "5000"),
                       (shelves["wick"], "151")],
             "SHELF": [(shelves["oil"], "480")]}
    places = sorted(plans)
    numbers = {}
    errors = run_workers(app, 2, lambda n: _count_location(places[n], plans[places[n]],
                                                           numbers))
    assert errors == []
    db.session.expire_all()
    statuses = db.session.execute(select(StockCount.number, StockCount.status)).all()
    assert sorted(s for _, s in statuses) == ["posted", "posted"] and len(numbers) == 2
    moves = {(m.lot.code, m.location.code): m.quantity for m in count_movements()}
    assert moves == {(shelves["wax_1"], "STORE"): D(-10), (shelves["wick"], "STORE"): D(1),
                     (shelves["oil"], "SHELF"): D(-20)}
    ledger_sums_equal_balances()


def _count_location(location, lines, numbers):
    count, _ = counts.open_count(location=location)
    numbers[location] = count.number
    for code, quantity in lines:
        counts.record_line(number=count.number, lot=code, quantity=quantity)
    counts.confirm_count(number=count.number)


def test_many_people_opening_the_same_location_share_one_count(app, shelves):
    numbers = []
    lock = threading.Lock()

    def work(n):
        count, _ = counts.open_count(location="STORE")
        with lock:
            numbers.append(count.number)

    assert run_workers(app, 6, work) == []
    assert len(set(numbers)) == 1
    assert db.session.execute(select(func.count(StockCount.id))).scalar() == 1
