"""A location's lots and an item's lots, a page at a time: every lot with stock once, in
a stable order, forward and back; the count capped; the work of a page does not grow with
the lots on the shelf; the item figures the lists show agree with services/availability."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Lot
from krafte_pwa.services import _keyset, item_queries, production, queries, recipes, stock
from krafte_pwa.services.location_queries import location_lots
from tests.conftest import _serve, make_app
from tests.factories import candle_workshop, receive
from tests.statements import selects

TODAY = date.today()


def receive_many(lines: list[dict], location="STORE") -> list[str]:
    result = stock.receive_goods(supplier="Cires du Sud", location=location, lines=lines)
    return [lot.code for lot in result.lots]


def walk(read, per_page: int) -> tuple[list[list[str]], list[list[str]]]:
    """Every page forward from the first, then every page back from the last: lot codes."""
    forward, found = [], read(per_page=per_page)
    assert found.previous is None
    while True:
        forward.append([lot.code for lot, _q in found.rows])
        if found.next is None:
            break
        found = read(after=found.next, per_page=per_page)
    backward = [forward[-1]]
    while found.previous is not None:
        found = read(before=found.previous, per_page=per_page)
        backward.append([lot.code for lot, _q in found.rows])
    return forward, backward[::-1]


def mixed_shelf() -> list[str]:
    """23 lots at STORE over two items, in the order the location page lists them."""
    candle_workshop()
    wax = receive_many([{"item": "WAX", "quantity": str(10 + n)} for n in range(13)])
    wick = receive_many([{"item": "WICK", "quantity": str(1 + n)} for n in range(10)])
    receive("WAX", "5", location="SHELF")  # elsewhere: not listed
    gone = receive("WICK", "3")
    stock.transfer_stock(lot=gone, source="STORE", destination="SHELF", quantity="3")
    lots = {lot.code: lot for lot in db.session.query(Lot)}
    return sorted(wax + wick, key=lambda c: (lots[c].item_id, lots[c].id))


def test_location_pages_list_each_lot_once_in_a_stable_order(app):
    expected = mixed_shelf()
    forward, backward = walk(lambda **kw: location_lots("STORE", **kw)[1], per_page=5)
    assert [len(p) for p in forward] == [5, 5, 5, 5, 3]
    assert sum(forward, []) == expected  # nothing twice, nothing skipped
    assert backward == forward  # the previous pages are the same pages
    _where, first = location_lots("STORE", per_page=5)
    assert first.total == 23
    assert all(q > 0 for _lot, q in first.rows)


def test_a_page_after_a_lot_that_left_the_shelf_still_follows_it(app):
    expected = mixed_shelf()
    _where, first = location_lots("STORE", per_page=5)
    stock.transfer_stock(lot=first.next, source="STORE", destination="SHELF",
                         quantity=str(first.rows[-1][1]))
    _where, second = location_lots("STORE", after=first.next, per_page=5)
    assert [lot.code for lot, _q in second.rows] == expected[5:10]


def test_unknown_cursor_is_a_clear_error(app):
    mixed_shelf()
    from krafte_pwa.errors import NotFound

    with pytest.raises(NotFound):
        location_lots("STORE", after="NO-SUCH-LOT")


def test_item_pages_first_to_use_first_with_and_without_expiry(app):
    candle_workshop()
    lines = [{"item": "WAX", "quantity": "1", "expiry": (TODAY + timedelta(days=d)).isoformat()}
             for d in (30, 10, 30, 400, 10, 20, 90, 30)]
    lines += [{"item": "WAX", "quantity": "2"} for _n in range(5)]  # no expiry: last
    codes = receive_many(lines)
    # a lot in two places is one row, its total
    stock.transfer_stock(lot=codes[0], source="STORE", destination="SHELF", quantity="0.4")
    receive("WICK", "9")
    lots = {lot.code: lot for lot in db.session.query(Lot).filter(Lot.code.in_(codes))}
    expected = sorted(codes, key=lambda c: (lots[c].expiry is None, lots[c].expiry,
                                            lots[c].lot_date, lots[c].id))
    item = queries.item_by_sku("WAX")
    for per_page in (1, 3, 4, 8, 50):
        forward, backward = walk(lambda **kw: item_queries.item_lots(item, **kw), per_page)
        assert sum(forward, []) == expected, per_page
        assert backward == forward, per_page
    found = item_queries.item_lots(item, per_page=50)
    assert found.total == 13 and found.previous is None and found.next is None
    assert {lot.code: q for lot, q in found.rows}[codes[0]] == 1


def test_counts_are_capped(app, monkeypatch):
    mixed_shelf()
    monkeypatch.setattr(_keyset, "CAP", 7)
    _where, found = location_lots("STORE", per_page=5)
    assert found.total == 8  # counted up to the cap and one more: "7+"
    assert item_queries.item_lots(queries.item_by_sku("WICK")).total == 8


def test_item_figures_agree_with_availability(app):
    """On hand, usable, reserved and available per item, from per-item sums, as
    availability computes them lot by lot: quarantine, expired, elsewhere, reserved."""
    candle_workshop()
    receive("WAX", "1000")
    receive("WAX", "400", expiry=TODAY - timedelta(days=1))
    held = receive("WAX", "250", location="SHELF")
    stock.change_lot_status(lot=held, status="quarantine", reason="check")
    both = receive("WICK", "10", expiry=TODAY - timedelta(days=3))
    stock.change_lot_status(lot=both, status="blocked", reason="damp")
    receive("WICK", "30")
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "WAX", "quantity": "100"}, {"item": "WICK", "quantity": 1}])
    production.plan_order(item="CANDLE", quantity=3)
    items = queries.list_items(per_page=50).rows
    mine = item_queries.items_stock(items)
    theirs = queries.items_stock(items)
    for item in items:
        a, b = mine[item.id], theirs[item.id]
        assert (a.on_hand, a.usable, a.reserved, a.available) == (
            b.on_hand, b.usable, b.reserved, b.available), item.sku
    assert mine[queries.item_by_sku("WAX").id].available == 1000 - 300


# ------------------------------------------------------------------ the pages


def test_location_page_next_and_previous(app, login_as):
    candle_workshop()
    codes = receive_many([{"item": "WICK", "quantity": str(n + 1)} for n in range(55)])
    client = login_as("operator")
    first = client.get("/loc/STORE").get_data(as_text=True)
    shown = re.findall(r'href="/l/([^"]+)"', first)
    assert shown == codes[:50] and "55 lots with stock" in first
    after = re.search(r'rel="next" href="([^"]+)"', first).group(1)
    assert 'rel="prev"' not in first
    second = client.get(after).get_data(as_text=True)
    assert re.findall(r'href="/l/([^"]+)"', second) == codes[50:]
    assert 'rel="next"' not in second
    back = re.search(r'rel="prev" href="([^"]+)"', second).group(1)
    assert re.findall(r'href="/l/([^"]+)"', client.get(back).get_data(as_text=True)) == shown


def test_item_page_pages_its_lots_in_french(app, login_as, monkeypatch):
    candle_workshop()
    receive_many([{"item": "WICK", "quantity": "1"} for _n in range(53)])
    monkeypatch.setattr(_keyset, "CAP", 40)
    client = login_as("manager")
    page = client.get("/items/WICK", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert len(re.findall(r'href="/l/', page)) == 50
    assert "Page suivante" in page and "Page précédente" not in page
    assert "lots en stock" in page
    following = re.search(r'rel="next" href="([^"]+)"', page).group(1)
    rest = client.get(following, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert len(re.findall(r'href="/l/', rest)) == 3 and "Page précédente" in rest


# ------------------------------------------------------------------ bounded work


@pytest.fixture
def sqlite_app(sqlite_url):
    yield from _serve(make_app(sqlite_url))


def _steps(read, every: int = 100) -> int:
    """SQLite virtual machine steps (in `every`s) that `read` costs: rows read."""
    raw = db.session.connection().connection.driver_connection
    steps = [0]

    def tick():
        steps[0] += 1
        return 0

    raw.set_progress_handler(tick, every)
    try:
        read()
    finally:
        raw.set_progress_handler(None, 100)
    return steps[0]


def _bulk_lots(item_sku: str, count: int, location="STORE") -> None:
    for start in range(0, count, 100):
        receive_many([{"item": item_sku, "quantity": "1",
                       "expiry": (TODAY + timedelta(days=n % 97)).isoformat()}
                      for n in range(start, min(count, start + 100))], location)


def cost_at_60_and_660(cost) -> tuple[int, int]:
    """`cost()` with 60 lots of WAX on the shelf, then with 660 (PostgreSQL: its
    statistics gathered each time, as autovacuum would)."""
    found = []
    for count in (60, 600):
        _bulk_lots("WAX", count)
        db.session.expunge_all()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
        found.append(cost())
    return found[0], found[1]


def _pages():
    """The shelf's first page and one further on, and the item's first page."""
    location_lots("STORE")
    location_lots("STORE", after=location_lots("STORE", per_page=5)[1].next)
    item_queries.item_lots(queries.item_by_sku("WAX"))


def test_a_page_reads_its_rows_not_the_shelf(sqlite_app, monkeypatch):
    """With 60 lots on the shelf or 660, a page of either list costs about the same: it
    reads its page from an index, not every lot with stock (sorted, then cut)."""
    monkeypatch.setattr(_keyset, "CAP", 20)  # the count reads at most 21 rows
    candle_workshop()
    small, large = cost_at_60_and_660(lambda: _steps(_pages))
    assert large < small * 1.3, (small, large)


def test_a_page_loads_only_its_lots(app):
    candle_workshop()
    _bulk_lots("WAX", 120)
    db.session.expunge_all()
    _where, found = location_lots("STORE")
    lots = [o for o in db.session.identity_map.values() if isinstance(o, Lot)]
    assert len(found.rows) == 50 and len(lots) == 50
    assert not [o for o in db.session.identity_map.values() if isinstance(o, Balance)]


def _rows_read(pages) -> int:
    """PostgreSQL: rows every plan node of the pages' statements produced (EXPLAIN
    ANALYZE of each SELECT they sent, with its parameters)."""
    with selects(with_parameters=True) as sent:
        pages()
    cursor = db.session.connection().connection.driver_connection.cursor()

    def produced(node) -> int:
        return (node["Actual Rows"] * node["Actual Loops"]
                + sum(produced(n) for n in node.get("Plans", [])))

    total = 0
    for statement, parameters in sent:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
        total += produced(cursor.fetchone()[0][0]["Plan"])
    return total


def test_a_page_reads_its_rows_not_the_shelf_on_postgresql(pg_app, monkeypatch):
    """The same on PostgreSQL, in rows the plans produce: 60 lots or 660, about the same."""
    monkeypatch.setattr(_keyset, "CAP", 20)
    candle_workshop()
    small, large = cost_at_60_and_660(lambda: _rows_read(_pages))
    assert large < small * 1.3, (small, large)
