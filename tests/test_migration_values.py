"""The value balances migrations fill value balances, monthly value changes and their
quantities from the ledger already there, exactly (past 64 bits too), on SQLite and PostgreSQL."""

from datetime import date, datetime

import flask_migrate
import pytest
from sqlalchemy import text

from krafte_pwa.extensions import db
from krafte_pwa.models.stock_value import NOW
from krafte_pwa.services import _values, reports
from tests.test_migrations import empty_app, keep_logging  # noqa: F401  (fixtures)

pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")

Q, C = 10 ** 6, 10 ** 8  # stored scales of quantities and unit costs


def _history(conn) -> None:
    now = "2026-01-01 00:00:00"
    conn.execute(text(
        "INSERT INTO location (id, code, name, kind, archived) VALUES "
        "(1, 'STORE', 'Store', 'storage', false), (2, 'MO-1', 'MO-1', 'wip', false)"))
    conn.execute(text(
        "INSERT INTO item (id, sku, name, kind, unit, reorder_point, reorder_quantity, "
        "requires_qc, archived, created_at) VALUES "
        "(1, 'OIL', 'Oil', 'material', 'g', 0, 0, false, false, :now), "
        "(2, 'GOLD', 'Gold', 'material', 'g', 0, 0, false, false, :now), "
        "(3, 'WATER', 'Water', 'material', 'g', 0, 0, false, false, :now)"), {"now": now})
    conn.execute(text(
        "INSERT INTO lot (id, code, item_id, origin, lot_date, status, unit_cost, created_at) "
        "VALUES (1, 'L1', 1, 'receipt', '2026-01-05', 'released', :oil, :now), "
        "(2, 'L2', 2, 'receipt', '2026-02-05', 'released', :gold, :now), "
        "(3, 'L3', 3, 'receipt', '2026-02-05', 'released', 0, :now)"),
        {"now": now, "oil": 7_40000000, "gold": 99999999999999999})
    moves = [  # lot, location, item, quantity, cost, kind, when
        (1, 1, 1, 10 * Q, 7_40000000, 10, "2026-01-05 10:00:00"),
        (1, 1, 1, -4 * Q, 7_40000000, 40, "2026-02-03 10:00:00"),
        (1, 2, 1, 4 * Q, 7_40000000, 41, "2026-02-03 10:00:00"),
        (1, 2, 1, -3 * Q, 7_40000000, 42, "2026-03-10 10:00:00"),
        (2, 1, 2, 999_999_999 * Q, 99999999999999999, 10, "2026-02-05 10:00:00"),
        (2, 1, 2, 999_999_999 * Q, 99999999999999999, 10, "2026-03-05 10:00:00"),
        (3, 1, 3, 5 * Q, 0, 10, "2026-02-05 10:00:00"),  # stock worth nothing
    ]
    for lot, location, item, quantity, cost, kind, when in moves:
        conn.execute(text(
            "INSERT INTO movement (lot_id, location_id, item_id, quantity, unit_cost, kind, "
            "created_at) VALUES (:lot, :location, :item, :quantity, :cost, :kind, :when)"),
            {"lot": lot, "location": location, "item": item, "quantity": quantity,
             "cost": cost, "kind": kind, "when": when})


def test_the_migration_fills_the_values_from_the_ledger(empty_app):  # noqa: F811
    flask_migrate.upgrade(revision="0009")
    with db.engine.begin() as conn:
        _history(conn)
    flask_migrate.upgrade(revision="heads")
    values = _values.stored()
    assert values == _values.from_ledger()
    gold = 2 * 999_999_999 * Q * 99999999999999999  # past 64 bits
    oil = 7_40000000
    assert {k: v for k, v in values.items() if k[0] == NOW} == {
        (NOW, 1, False): 6 * Q * oil, (NOW, 1, True): 1 * Q * oil, (NOW, 2, False): gold}
    assert values[(date(2026, 2, 1), 1, True)] == 4 * Q * oil
    assert values[(date(2026, 3, 1), 1, True)] == -3 * Q * oil
    # the quantities too (0020), with a row for stock worth nothing
    quantities = _values.stored(quantities=True)
    assert quantities == _values.from_ledger(quantities=True)
    assert {k: q for k, (_v, q) in quantities.items() if k[0] == NOW} == {
        (NOW, 1, False): 6 * Q, (NOW, 1, True): 1 * Q, (NOW, 2, False): 2 * 999_999_999 * Q,
        (NOW, 3, False): 5 * Q}
    assert quantities[(date(2026, 3, 1), 1, True)] == (-3 * Q * oil, -3 * Q)
    for bound in (datetime(2026, 2, 4), datetime(2026, 2, 20), datetime(2026, 3, 6),
                  datetime(2026, 3, 31, 23)):
        assert reports._past_values(bound) == reports._past_values(bound, "forward"), bound
    db.session.rollback()
