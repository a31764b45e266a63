"""FEFO reads the first rows of each item's usable stock, and the checks of what is available
the first rows of each item's stock, on both databases: lots that may not be taken (blocked,
in quarantine, expired, used up, in a WIP location) never take a place among those rows, an
item those rows do not cover is read in full, and the answers are those of a full read."""

from datetime import date
from decimal import Decimal as D

from sqlalchemy import event, select, text

from krafte_pwa.domain.fefo import StockLine
from krafte_pwa.domain.fefo import suggest_picks as domain_picks
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Item, Location, Lot
from krafte_pwa.services import availability as avail
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import production, production_queries, recipes, stock
from krafte_pwa.services._tx import transaction
from tests.factories import candle_workshop, in_days, receive
from tests.statements import selects

TODAY = date.today()


def receive_many(sku: str, lines: list[tuple[str, date | None]], location="STORE") -> list[str]:
    """Lots of one item in one receipt: (quantity, expiry) each; their codes."""
    result = stock.receive_goods(supplier="Mill", location=location, lines=[
        {"item": sku, "quantity": quantity, "unit_cost": "0.01",
         **({"expiry": expiry.isoformat()} if expiry else {})} for quantity, expiry in lines])
    return [lot.code for lot in result.lots]


def item_id(sku: str) -> int:
    return db.session.execute(select(Item.id).where(Item.sku == sku)).scalar()


def full_fefo(sku: str, quantity: D):
    """The domain's FEFO over every balance of the item: what a full read answers."""
    rows = db.session.execute(
        select(Lot.code, Location.code, Balance.quantity, Lot.expiry, Lot.lot_date, Lot.status)
        .join(Lot, Lot.id == Balance.lot_id).join(Location, Location.id == Balance.location_id)
        .where(Balance.item_id == item_id(sku), Location.kind == "storage")).all()
    picks, missing = domain_picks([StockLine(*row) for row in rows], quantity, TODAY)
    return [(p.lot, p.location, p.quantity) for p in picks], missing


def takes_of(plan, sku: str):
    takes, missing = plan[item_id(sku)]
    return [(t.lot.code, t.location.code, t.quantity) for t in takes], missing


def lots_that_may_not_be_taken(sku: str) -> None:
    """More lots than FEFO reads at first, all of them earlier in FEFO order than the good
    ones: expired, blocked, in quarantine, used up, and picked into a production's WIP."""
    many = avail.FEFO_FIRST + 2
    receive_many(sku, [("10", in_days(-1 - n)) for n in range(many)])  # expired
    for status, first in (("blocked", 1), ("quarantine", 1 + many)):
        codes = receive_many(sku, [("10", in_days(first + n)) for n in range(many)])
        with transaction():
            for code in codes:
                stock.change_lot_status(lot=code, status=status, reason="test")
    for code in receive_many(sku, [("10", in_days(3 * many + n)) for n in range(many)]):
        stock.adjust_stock(lot=code, location="STORE", quantity="-10", reason="used up")


def test_fefo_from_the_first_rows_skips_lots_that_may_not_be_taken(app):
    candle_workshop()
    lots_that_may_not_be_taken("WAX")
    soon = receive("WAX", "30", expiry=in_days(300), location="SHELF")
    middle = receive("WAX", "40", expiry=in_days(301))
    later = receive_many("WAX", [("50", in_days(400)), ("60", None)])
    # a production's WIP holds the earliest good lot too: never offered from there
    receive("WICK", "100")
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[{"item": "WAX", "quantity": 5}])
    order = production.plan_order(item="CANDLE", quantity=2)
    production.start_order(number=order.number, picks=[{"lot": soon, "quantity": 10}])
    wax, wick = item_id("WAX"), item_id("WICK")
    db.session.remove()
    with selects() as statements:
        plan = avail.fefo_plan({wax: D(100), wick: D(5)}, TODAY)
    assert takes_of(plan, "WAX") == full_fefo("WAX", D(100))
    assert takes_of(plan, "WAX") == ([(soon, "SHELF", D(20)), (middle, "STORE", D(40)),
                                      (later[0], "STORE", D(40))], D(0))
    assert takes_of(plan, "WICK")[1] == 0
    assert len(statements) == 1  # both items covered by their first rows
    # more than there is: every usable lot, and what lacks
    everything = avail.fefo_plan({item_id("WAX"): D(1000)}, TODAY)
    assert takes_of(everything, "WAX") == full_fefo("WAX", D(1000))
    assert takes_of(everything, "WAX")[1] == D(1000 - 20 - 40 - 50 - 60)


def test_an_item_its_first_rows_do_not_cover_is_read_in_full(app):
    candle_workshop()
    location_actions.create_location(code="BACK", name="Back room")
    count = avail.FEFO_FIRST + 5
    receive_many("WAX", [("7", in_days(30 + n)) for n in range(count)])
    receive_many("WAX", [("3", in_days(30 + n)) for n in range(count)], location="BACK")
    receive("WICK", "500")
    wax, wick = item_id("WAX"), item_id("WICK")
    db.session.remove()
    need = D(10 * (avail.FEFO_FIRST + 2))  # each expiry date: 10 in two lots
    with selects() as statements:
        plan = avail.fefo_plan({wax: need, wick: D(20)}, TODAY)
    assert len(statements) == 2  # the first rows, then WAX in full
    assert takes_of(plan, "WAX") == full_fefo("WAX", need)
    assert len(takes_of(plan, "WAX")[0]) == 2 * (avail.FEFO_FIRST + 2)
    assert takes_of(plan, "WICK")[1] == 0 and sum(t[2] for t in takes_of(plan, "WICK")[0]) == 20
    short = avail.fefo_plan({item_id("WAX"): D(10 * count + 5)}, TODAY)
    assert takes_of(short, "WAX") == full_fefo("WAX", D(10 * count + 5))
    assert takes_of(short, "WAX")[1] == 5


def test_available_up_to_its_cap_is_exact_below_it_and_at_least_the_cap_above(app):
    candle_workshop()
    lots_that_may_not_be_taken("WAX")
    count = avail.AVAILABLE_FIRST + 8
    receive_many("WAX", [("5", in_days(200 + n)) for n in range(count)])
    receive("WICK", "100")
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[{"item": "WAX", "quantity": 10},
                                                                 {"item": "WICK", "quantity": 1}])
    order_id = production.plan_order(item="CANDLE", quantity=3).id  # holds 30 g wax, 3 wicks
    wax, wick = item_id("WAX"), item_id("WICK")
    exact = avail.available([wax, wick], TODAY)
    assert exact == {wax: D(5 * count - 30), wick: D(97)}
    db.session.remove()
    for caps in ({wax: D(1), wick: D(1)}, {wax: D(5 * count - 30), wick: D(97)},
                 {wax: D(5 * count - 29), wick: D(98)}, {wax: D(10_000), wick: D(10_000)}):
        found = avail.available_up_to(caps, TODAY)
        for i, cap in caps.items():
            assert found[i] >= cap if exact[i] >= cap else found[i] == exact[i], (caps, found)
    # another order's reservation is left out when asked, as `available` does
    others = avail.available_up_to({wax: D(10_000)}, TODAY, exclude_order_id=order_id)
    assert others == {wax: D(5 * count)}
    with selects() as sent:  # what is held and the first rows' sums: one statement
        first = avail.available_up_to({wax: D(1), wick: D(1)}, TODAY, exclude_order_id=order_id)
    assert len(sent) == 1, sent
    assert first == {wax: D(5 * avail.AVAILABLE_FIRST), wick: D(100)}


def test_a_planned_orders_suggestions_read_again_keep_other_orders_holds(app):
    """An order's page reads its suggestions again: what it may use is what is available
    beyond other orders' holds, exact whenever that is less than it requires."""
    candle_workshop()
    count = avail.AVAILABLE_FIRST + 8
    receive_many("WAX", [("5", in_days(200 + n)) for n in range(count)])
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[{"item": "WAX", "quantity": 10}])
    production.plan_order(item="CANDLE", quantity=count // 2 - 3)  # holds all but 30 g
    second = production.plan_order(item="CANDLE", quantity=5)  # needs 50 g: 30 g are free
    first_look = [(r.reserved, r.missing, sum(t.quantity for t in r.suggested))
                  for r in production_queries.requirements(second)]
    number = second.number
    db.session.remove()
    order = production_queries.get_order(number)
    assert order.suggestions is None  # read again, not planning's own
    again = [(r.reserved, r.missing, sum(t.quantity for t in r.suggested))
             for r in production_queries.requirements(order)]
    assert again == first_look == [(D(30), D(20), D(30))]


def test_postgresql_reads_the_lot_of_each_balance_with_stock_by_its_key(pg_app):
    """Whatever the statistics, the first rows of an item read the lot of each of its
    balances with stock by the lot's key: never a scan of lots (a hash join) nor a walk of
    every lot from the first (a merge join), which read lots of the whole history. With a
    thousand lots in stock among ten thousand, the planner would otherwise choose those."""
    candle_workshop()
    for sku, first in (("WAX", 1_000_000), ("WICK", 2_000_000)):
        params = {"item": item_id(sku), "first": first, "last": first + 4_999,
                  "store": db.session.execute(select(Location.id)
                                              .where(Location.code == "STORE")).scalar()}
        db.session.execute(text(
            "INSERT INTO lot (id, code, item_id, origin, lot_date, expiry, status, unit_cost, "
            "created_at) SELECT g, 'H' || g, :item, 'receipt', CURRENT_DATE - 1, "
            "CURRENT_DATE + (g % 300), 'released', 0, now() "
            "FROM generate_series(:first, :last) g"), params)
        db.session.execute(text(  # one lot in five in stock
            "INSERT INTO balance (lot_id, location_id, item_id, quantity, expiry, "
            "lot_date) SELECT g, :store, :item, CASE WHEN g % 5 = 0 THEN 1000000 ELSE 0 END, "
            "CURRENT_DATE + (g % 300), CURRENT_DATE - 1 FROM generate_series(:first, :last) g"),
            params)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    wax, wick = item_id("WAX"), item_id("WICK")
    db.session.remove()
    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        avail.fefo_plan({wax: D(3), wick: D(10)}, TODAY)
        avail.available_up_to({wax: D(3), wick: D(10)}, TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    with db.engine.connect() as conn:
        for statement, parameters in captured:
            if "FROM lot" not in statement and "JOIN lot" not in statement:
                continue
            plan = [r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters)]
            lot_reads = [line.strip() for line in plan if " on lot" in line]
            assert lot_reads and all(line.startswith("->  Index Scan using pk_lot on lot")
                                     for line in lot_reads), plan
            assert not [line for line in plan if "Merge Join" in line], plan


def test_more_items_than_branches_are_read_in_full_with_the_same_answers(app, monkeypatch):
    candle_workshop()
    lots_that_may_not_be_taken("WAX")
    receive_many("WAX", [("5", in_days(200 + n)) for n in range(avail.AVAILABLE_FIRST + 4)])
    receive_many("WICK", [("3", None) for _n in range(5)])
    wax, wick = item_id("WAX"), item_id("WICK")
    needs = {wax: D(42), wick: D(100)}
    by_branches = avail.fefo_plan(needs, TODAY)
    caps = {wax: D(1), wick: D(100)}
    available = avail.available_up_to(caps, TODAY)
    monkeypatch.setattr(avail, "FEFO_BRANCHES", 1)
    with selects() as statements:
        in_full = avail.fefo_plan(needs, TODAY)
    assert len(statements) == 1
    for sku in ("WAX", "WICK"):
        assert takes_of(in_full, sku) == takes_of(by_branches, sku)
    assert takes_of(in_full, "WAX") == full_fefo("WAX", D(42))
    assert takes_of(in_full, "WICK")[1] == D(85)
    assert avail.available_up_to(caps, TODAY) == avail.available([wax, wick], TODAY)
    assert available[wick] == D(15) and available[wax] >= 1
