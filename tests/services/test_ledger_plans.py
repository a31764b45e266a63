"""Posting reads the balances it changes through an index: a receipt or a transfer never
scans the balances of the whole history (on SQLite such a scan ran inside the write lock,
about 90 ms at a year's history, and every other writer queued behind it)."""

from contextlib import contextmanager

from sqlalchemy import event

from krafte_pwa.extensions import db
from krafte_pwa.services import stock
from tests.factories import candle_workshop, receive


@contextmanager
def balance_reads():
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "FROM balance" in statement:
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)


def full_scans(statements) -> list[str]:
    """The plans that read every balance: SQLite's `SCAN balance` (with or without an
    index, it visits every row), PostgreSQL's `Seq Scan on balance` with sequential scans
    priced out (a small test table would otherwise be scanned whatever the indexes)."""
    found = []
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if not sqlite:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for statement, params in statements:
            rows = conn.exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ")
                                        + statement, params).all()
            plan = "\n".join(str(row[-1] if sqlite else row[0]) for row in rows)
            if ("SCAN balance" if sqlite else "Seq Scan on balance") in plan:
                found.append(statement + "\n" + plan)
    return found


def test_a_receipt_and_a_transfer_read_their_balances_by_key(app):
    candle_workshop()
    for n in range(30):  # some history of other lots
        receive("WAX", str(n + 1))
    db.session.remove()
    with balance_reads() as statements:
        received = stock.receive_goods(supplier="Hive", location="STORE", lines=[
            {"item": "WAX", "quantity": "40"}, {"item": "WICK", "quantity": "5"}])
        code = received.lots[0].code
        stock.transfer_stock(lot=code, source="STORE", destination="SHELF", quantity="15")
    locked = [s for s, _p in statements if "balance.lot_id" in s]
    assert locked, statements  # the posting's reads of the balances it changes
    assert full_scans(statements) == []
