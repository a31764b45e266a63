"""Each balance row keeps a copy of its lot's FEFO key (expiry, lot date) and status:
written by every action that writes balances, and rewritten in the same transaction when a
lot's expiry, date or status changes. On PostgreSQL, FEFO reads an item's first rows in
that order from an index, touching those rows and their lots, not every lot of the item's
stock."""

import re
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import event, select, text

from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Item, Location, Lot
from krafte_pwa.services import availability as avail
from krafte_pwa.services import imports, production, recipes, stock
from krafte_pwa.services._tx import transaction
from tests.factories import candle_workshop, in_days, receive

TODAY = date.today()


def copies_that_differ() -> list:
    """Balance rows whose copies are not their lot's expiry, date and status (none
    expected)."""
    rows = db.session.execute(select(Lot.code, Lot.expiry, Lot.lot_date, Lot.status,
                                     Balance.expiry, Balance.lot_date, Balance.lot_status)
                              .join(Balance, Balance.lot_id == Lot.id))
    return [row for row in rows if tuple(row[1:4]) != tuple(row[4:])]


def balance_count() -> int:
    return len(db.session.execute(select(Balance.lot_id)).all())


def lot(code: str) -> Lot:
    return db.session.execute(select(Lot).where(Lot.code == code)).scalar_one()


def test_every_action_that_writes_balances_copies_the_lots_key(app):
    candle_workshop()
    early = receive("WAX", "500", expiry=in_days(40))
    receive("WAX", "500")  # no expiry
    receive("WICK", "100", expiry=in_days(900))
    stock.transfer_stock(lot=early, source="STORE", destination="SHELF", quantity="100")
    imports.import_opening_stock("article;quantité;unité;emplacement;péremption\n"
                                 "WAX;200;g;STORE;31/12/2030\nWICK;5;pcs;SHELF;\n")
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "WAX", "quantity": 100}, {"item": "WICK", "quantity": 1}])
    order = production.plan_order(item="CANDLE", quantity=3)
    production.start_order(number=order.number)  # balances in the production's WIP
    made = production.complete_order(number=order.number, quantity=3, location="STORE")
    output = lot(made.output_lot.code)
    assert output.expiry == in_days(40)  # capped by the wax it was made from
    assert balance_count() >= 8
    assert copies_that_differ() == []
    stock.change_lot_status(lot=early, status="quarantine", reason="check")
    stock.change_lot_status(lot=output.code, status="blocked", reason="smell")
    assert {lot(early).status, lot(output.code).status} == {"quarantine", "blocked"}
    assert copies_that_differ() == []
    stock.change_lot_status(lot=early, status="released", reason="checked")
    assert copies_that_differ() == []


def test_a_lot_redated_redates_its_balances_in_the_same_transaction(app):
    candle_workshop()
    first = receive("WAX", "30", expiry=in_days(10))
    second = receive("WAX", "30", expiry=in_days(20), location="SHELF")
    stock.transfer_stock(lot=second, source="SHELF", destination="STORE", quantity="10")
    wax = db.session.execute(select(Item.id).where(Item.sku == "WAX")).scalar()
    with pytest.raises(RuntimeError), transaction():
        lot(second).expiry = in_days(5)
        db.session.flush()
        assert copies_that_differ() == []
        raise RuntimeError("the action fails: nothing of it stays")
    assert lot(second).expiry == in_days(20) and copies_that_differ() == []
    with transaction():
        lot(second).expiry = in_days(5)
        lot(first).expiry, lot(first).lot_date = None, TODAY - timedelta(days=3)
    db.session.remove()
    assert copies_that_differ() == []
    takes, missing = avail.fefo_takes(wax, D(40), TODAY)
    assert [(t.lot.code, t.location.code, t.quantity) for t in takes] == [
        (second, "SHELF", D(20)), (second, "STORE", D(10)), (first, "STORE", D(10))]
    assert missing == 0


def stock_of_a_thousand_lots_among_five_thousand(sku: str, first: int) -> None:
    """5,000 lots of one item (balances with their copies), one in five in stock."""
    params = {"item": db.session.execute(select(Item.id).where(Item.sku == sku)).scalar(),
              "first": first, "last": first + 4_999,
              "store": db.session.execute(select(Location.id)
                                          .where(Location.code == "STORE")).scalar()}
    db.session.execute(text(
        "INSERT INTO lot (id, code, item_id, origin, lot_date, expiry, status, unit_cost, "
        "created_at) SELECT g, 'H' || g, :item, 'receipt', CURRENT_DATE - (g % 400), "
        "CASE WHEN g % 7 = 0 THEN NULL ELSE CURRENT_DATE + (g % 900) END, 'released', 0, "
        "now() FROM generate_series(:first, :last) g"), params)
    db.session.execute(text(
        "INSERT INTO balance (lot_id, location_id, item_id, quantity, expiry, lot_date) "
        "SELECT lot.id, :store, :item, CASE WHEN lot.id % 5 = 0 THEN 1000000 ELSE 0 END, "
        "lot.expiry, lot.lot_date FROM lot WHERE lot.id BETWEEN :first AND :last"), params)


def buffers(plan: list[str]) -> int:
    """Shared buffers the whole statement touched (its top node's count)."""
    found = [re.search(r"Buffers: shared ([^\n]*)", line) for line in plan]
    first = next(m.group(1) for m in found if m)
    return sum(int(n) for n in re.findall(r"=(\d+)", first))


def test_postgresql_fefo_reads_the_first_rows_from_the_index(pg_app):
    """A thousand lots in stock per item: FEFO reads each item's first rows from
    ix_balance_item_fefo (one subquery run per item) and their lots by key, a few hundred
    buffers for two items (reading every in-stock lot to sort them touched thousands)."""
    candle_workshop()
    stock_of_a_thousand_lots_among_five_thousand("WAX", 1_000_000)
    stock_of_a_thousand_lots_among_five_thousand("WICK", 2_000_000)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    wax, wick = (db.session.execute(select(Item.id).where(Item.sku == sku)).scalar()
                 for sku in ("WAX", "WICK"))
    db.session.remove()
    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        plan = avail.fefo_plan({wax: D(3), wick: D(10)}, TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert len(captured) == 1 and all(plan[i][1] == 0 for i in (wax, wick))
    with db.engine.connect() as conn:
        statement, parameters = captured[0]
        explained = [r[0] for r in conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)]
    text_plan = "\n".join(explained)
    balance_reads = [line for line in explained if re.search(r"Scan .* on balance\b", line)]
    assert len(balance_reads) == 1 and "using ix_balance_item_fefo" in balance_reads[0], \
        text_plan
    assert not re.search(r"Seq Scan on (balance|lot)\b", text_plan), text_plan
    # for each of the two items its first rows (and a tie), not its thousand in stock
    assert re.search(r"actual time=\S+ rows=1[67] loops=2", balance_reads[0]), text_plan
    assert buffers(explained) < 400, text_plan
