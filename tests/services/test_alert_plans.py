"""The alert reads go through indexes on PostgreSQL at a realistic size: with a long history
of used-up lots (balances at zero, expiry dates in the past and in the coming weeks, some at
a zero cost, some blocked), no alert statement scans the lots or the balances or walks the
lots by expiry, and the answers ignore that history."""

from sqlalchemy import select, text

from krafte_pwa.extensions import db
from krafte_pwa.models import Item, Location
from krafte_pwa.services import alerts
from tests.factories import candle_workshop, in_days, receive
from tests.services.test_availability_plans import selects

USED_UP = 30_000
IN_STOCK = 3_000  # lots with stock, expiring long after the warning window


def used_up_history(sku: str) -> None:
    """Used-up lots of one item at the store, expiring from 300 days ago to 60 days ahead;
    one in 50 at a zero cost, one in 100 blocked."""
    item_id = db.session.execute(select(Item.id).where(Item.sku == sku)).scalar()
    store = db.session.execute(select(Location.id).where(Location.code == "STORE")).scalar()
    params = {"item": item_id, "store": store, "first": 1_000_000,
              "last": 1_000_000 + USED_UP, "start": in_days(-300)}
    db.session.execute(text(
        "INSERT INTO lot (id, code, item_id, origin, lot_date, expiry, status, unit_cost, "
        "created_at) SELECT g, 'U' || g, :item, 'receipt', DATE '2024-01-01', "
        "CAST(:start AS DATE) + (g % 360), "
        "CASE WHEN g % 100 = 0 THEN 'blocked' ELSE 'released' END, "
        "CASE WHEN g % 50 = 0 THEN 0 ELSE 100 END, now() "
        "FROM generate_series(:first, :last) g"), params)
    db.session.execute(text(
        "INSERT INTO balance (lot_id, location_id, item_id, quantity, expiry) "
        "SELECT id, :store, :item, 0, expiry FROM lot WHERE id >= :first"), params)
    db.session.execute(text(
        "INSERT INTO lot (id, code, item_id, origin, lot_date, expiry, status, unit_cost, "
        "created_at) SELECT g, 'S' || g, :item, 'receipt', DATE '2026-01-01', "
        "CAST(:start AS DATE) + 500 + (g % 300), 'released', 100, now() "
        "FROM generate_series(:last + 1, :last + :stock) g"), {**params, "stock": IN_STOCK})
    db.session.execute(text(
        "INSERT INTO balance (lot_id, location_id, item_id, quantity, expiry) "
        "SELECT id, :store, :item, 1000000, expiry FROM lot WHERE id > :last"), params)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def balance_rows_read(plan: dict) -> int:
    """Rows the plan read from the balances (over every loop), from EXPLAIN ANALYZE."""
    own = (plan["Actual Rows"] * plan["Actual Loops"]
           if plan.get("Relation Name") == "balance" else 0)
    return own + sum(balance_rows_read(child) for child in plan.get("Plans", []))


def test_alert_reads_use_indexes_whatever_the_history(pg_app):
    candle_workshop()
    soon = receive("WAX", "300", expiry=in_days(10))
    gone = receive("WAX", "100", expiry=in_days(-2))
    used_up_history("WAX")
    db.session.remove()
    with selects() as statements:
        found = alerts.alerts(limit=5, costs=True)
    assert [a.lot.code for a in found.expiring] == [soon]  # not the lots of later
    assert [a.lot.code for a in found.expired] == [gone]
    assert found.totals == {"low_stock": 1, "expiring": 1, "expired": 1, "quarantine": 0,
                            "cost_missing": 2}  # both received at no cost, no price known
    db.session.rollback()
    with db.engine.connect() as conn:
        plans = ["\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + st, params))
                 for st, params in statements]
    scans = [p for p in plans if "Seq Scan on lot" in p or "Seq Scan on balance" in p]
    assert plans and not scans, scans
    # the lists (and their counts) read the few balances they list, not every balance
    # with stock: the 3,000 lots expiring later are not read
    lists = [(st, params) for st, params in statements if st.lstrip().startswith(
        "SELECT lot.code")]
    with db.engine.connect() as conn:
        read = [balance_rows_read(conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + st, params).scalar()[0]["Plan"])
            for st, params in lists]
    assert len(lists) == 4 and max(read) < 100, read
