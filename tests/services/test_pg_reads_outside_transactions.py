"""PostgreSQL with `write_intent` off (web requests): what only reads runs without a
transaction (no BEGIN, no ROLLBACK round trips); from the first write on, the action is
one transaction, rolled back as a whole."""

import psycopg.pq
import pytest
from sqlalchemy import select, text

from krafte_pwa.db_session import _needs_transaction, write_intent
from krafte_pwa.extensions import db
from krafte_pwa.models import Item
from krafte_pwa.services import items
from krafte_pwa.services._tx import transaction

IDLE, INTRANS = psycopg.pq.TransactionStatus.IDLE, psycopg.pq.TransactionStatus.INTRANS


@pytest.fixture
def reading():
    token = write_intent.set(False)
    yield
    write_intent.reset(token)
    db.session.remove()


def _status():
    return db.session.connection().connection.dbapi_connection.info.transaction_status


def test_reads_leave_no_transaction_open(pg_app, reading):
    db.session.execute(select(Item)).all()
    db.session.execute(text("SELECT 1")).all()
    assert _status() == IDLE


def test_the_first_write_begins_the_transaction(pg_app, reading):
    db.session.execute(select(Item)).all()
    items.create_item(sku="A", name="A", kind="material", unit="g")  # commits
    db.session.execute(select(Item)).all()
    assert _status() == IDLE  # the next transaction only reads
    with transaction():
        items.create_item(sku="B", name="B", kind="material", unit="g")
        assert _status() == INTRANS


def test_an_action_that_fails_after_its_first_write_leaves_nothing(pg_app, reading):
    with pytest.raises(RuntimeError), transaction():
        db.session.execute(select(Item)).all()
        items.create_item(sku="GONE", name="Gone", kind="material", unit="g")
        db.session.flush()
        raise RuntimeError("refused after writing")
    db.session.remove()
    assert db.session.execute(select(Item.sku)).scalars().all() == []


def test_locking_reads_and_server_side_cursors_run_in_a_transaction(pg_app, reading):
    items.create_item(sku="A", name="A", kind="material", unit="g")
    db.session.execute(select(Item).with_for_update()).all()
    assert _status() == INTRANS
    db.session.rollback()
    rows = db.session.execute(select(Item.sku).execution_options(yield_per=10)).all()
    assert rows == [("A",)]
    assert _status() == INTRANS


def test_a_connection_given_back_is_no_longer_in_autocommit(pg_app, reading):
    db.session.execute(select(Item)).all()
    db.session.remove()
    raw = db.engine.raw_connection()
    try:
        assert raw.dbapi_connection.autocommit is False
    finally:
        raw.close()


@pytest.mark.parametrize("statement", [
    "UPDATE item SET name = 'x'", "WITH x AS (DELETE FROM item RETURNING id) SELECT 1",
    "SELECT pg_advisory_xact_lock(1)", "SELECT id FROM item FOR SHARE",
    "SELECT nextval('item_id_seq')", "SET LOCAL work_mem = '8MB'",
])
def test_statements_that_write_or_lock_need_a_transaction(statement):
    assert _needs_transaction(statement, None)


def test_plain_reads_need_none():
    assert not _needs_transaction("SELECT item.id, item.updated_at FROM item", None)


def test_a_connection_its_user_set_to_autocommit_stays_so(pg_app, reading):
    items.create_item(sku="A", name="A", kind="material", unit="g")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("UPDATE item SET name = 'renamed'"))
        assert conn.connection.dbapi_connection.autocommit is True
    db.session.remove()
    assert db.session.execute(select(Item.name)).scalar() == "renamed"
