"""Availability, FEFO and the alert lists read only the balances that hold stock: on
PostgreSQL, with a long history of used-up lots (balances at zero), their plans never scan
the lots table, and the answers ignore the zero balances."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal as D

from sqlalchemy import event, select, text

from krafte_pwa.extensions import db
from krafte_pwa.models import Item, Location
from krafte_pwa.services import alerts, queries
from krafte_pwa.services import availability as avail
from tests.factories import candle_workshop, in_days, receive

USED_UP = 20_000


def history_of_used_up_lots(sku: str) -> None:
    """Many used-up lots of one item at the store: a zero balance each, no stock."""
    item_id = db.session.execute(select(Item.id).where(Item.sku == sku)).scalar()
    store = db.session.execute(select(Location.id).where(Location.code == "STORE")).scalar()
    params = {"item": item_id, "store": store, "first": 1_000_000, "last": 1_000_000 + USED_UP}
    db.session.execute(text(
        "INSERT INTO lot (id, code, item_id, origin, lot_date, expiry, status, unit_cost, "
        "created_at) SELECT g, 'U' || g, :item, 'receipt', DATE '2024-01-01', "
        "DATE '2025-01-01', 'released', 0, now() FROM generate_series(:first, :last) g"),
        params)
    db.session.execute(text(
        "INSERT INTO balance (lot_id, location_id, item_id, quantity, expiry, lot_date) "
        "SELECT g, :store, :item, 0, DATE '2025-01-01', DATE '2024-01-01' "
        "FROM generate_series(:first, :last) g"), params)
    db.session.commit()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")


@contextmanager
def selects():
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)


def plans(statements) -> list[str]:
    """The plans with sequential scans priced out: on a small test database the planner's
    choice also follows statistics that other tests leave behind, so what is checked is that
    an index can serve every read (a scan of lots still shows when none can)."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # this transaction only
        return ["\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + st, params))
                for st, params in statements]


def test_availability_fefo_and_alerts_skip_the_used_up_lots(pg_app):
    candle_workshop()
    soon = receive("WAX", "300", expiry=in_days(20))
    later = receive("WAX", "500", expiry=in_days(90))
    receive("WAX", "200", location="SHELF")
    history_of_used_up_lots("WAX")
    wax = queries.item_by_sku("WAX")
    db.session.remove()
    with selects() as statements:
        stock = avail.availability([wax.id], date.today())[wax.id]
        takes, missing = avail.fefo_plan({wax.id: D(600)}, date.today())[wax.id]
        item = queries.item_stock(wax)
        found_alerts = alerts.alerts(limit=5, costs=True)
    assert found_alerts.totals["expired"] == 0 and found_alerts.totals["low_stock"] == 1
    assert (stock.on_hand, stock.available, item.available) == (D(1000), D(1000), D(1000))
    assert [(t.lot.code, t.quantity) for t in takes] == [(soon, 300), (later, 300)]
    assert missing == 0
    found = plans(statements)
    assert found and not [p for p in found if "Seq Scan on lot" in p], found
