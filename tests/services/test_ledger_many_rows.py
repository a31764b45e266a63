"""The ledger's many-row writes (executemany on SQLite, one statement from arrays on
PostgreSQL): several postings to one balance in one call, takes refused as a whole, and
on PostgreSQL one statement text whatever the number of rows."""

import re
from decimal import Decimal as D

import pytest
from sqlalchemy import event, func, select

from krafte_pwa.errors import InsufficientStock
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Location, Lot, Movement, MovementKind
from krafte_pwa.services._ledger import Posting, post
from krafte_pwa.services._tx import transaction
from krafte_pwa.services._values import from_ledger, stored
from tests.factories import candle_workshop, receive

LEDGER = re.compile(r"(SELECT balance\.lot_id|UPDATE balance|INSERT INTO (balance|movement|"
                    r"value_balance))\b")


def _lot(code: str) -> Lot:
    return db.session.execute(select(Lot).where(Lot.code == code)).scalar_one()


def _place(code: str) -> int:
    return db.session.execute(select(Location.id).where(Location.code == code)).scalar_one()


def _balances() -> dict:
    return {(b.lot_id, b.location_id): b.quantity
            for b in db.session.execute(select(Balance)).scalars()}


def test_several_additions_to_one_balance_in_one_post(app):
    candle_workshop()
    wax = _lot(receive("WAX", "100", cost="0.004"))
    store, shelf = _place("STORE"), _place("SHELF")
    with transaction():
        post([Posting(wax, store, D(-60), MovementKind.TRANSFER_OUT, "T1"),
              Posting(wax, shelf, D(25), MovementKind.TRANSFER_IN, "T1"),
              Posting(wax, shelf, D("35.5"), MovementKind.TRANSFER_IN, "T1"),
              Posting(wax, store, D("0.5"), MovementKind.ADJUSTMENT, "T1", "found")], None)
        wax_id = wax.id
    db.session.remove()
    assert _balances() == {(wax_id, store): D("40.5"), (wax_id, shelf): D("60.5")}
    kinds = db.session.execute(select(Movement.kind, Movement.quantity, Movement.reason)
                               .order_by(Movement.id)).all()
    assert kinds[1:] == [(MovementKind.TRANSFER_OUT, D(-60), None),
                         (MovementKind.TRANSFER_IN, D(25), None),
                         (MovementKind.TRANSFER_IN, D("35.5"), None),
                         (MovementKind.ADJUSTMENT, D("0.5"), "found")]
    assert stored() == from_ledger()


def test_a_take_short_anywhere_refuses_the_whole_post(app):
    candle_workshop()
    wax, wick = _lot(receive("WAX", "100")), _lot(receive("WICK", "3"))
    store, shelf = _place("STORE"), _place("SHELF")
    before = (_balances(), db.session.execute(select(func.count(Movement.id))).scalar())
    with pytest.raises(InsufficientStock), transaction():
        post([Posting(wax, store, D(-10), MovementKind.TRANSFER_OUT, "T2"),
              Posting(wax, shelf, D(10), MovementKind.TRANSFER_IN, "T2"),
              Posting(wick, store, D(-4), MovementKind.TRANSFER_OUT, "T2"),
              Posting(wick, shelf, D(4), MovementKind.TRANSFER_IN, "T2")], None)
    db.session.remove()
    assert (_balances(), db.session.execute(select(func.count(Movement.id))).scalar()) == before


def test_postgresql_writes_keep_one_text_whatever_the_number_of_rows(pg_app):
    candle_workshop()
    lots = [_lot(receive("WAX", "10")) for _ in range(5)]
    store, shelf = _place("STORE"), _place("SHELF")
    texts = []

    def capture(_conn, _cursor, statement, _parameters, _context, executemany):
        if LEDGER.match(statement):
            assert not executemany, statement
            texts.append(statement)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        for some in (lots[:1], lots[1:]):
            with transaction():
                post([p for lot in some for p in (
                    Posting(lot, store, D(-2), MovementKind.TRANSFER_OUT, "T"),
                    Posting(lot, shelf, D(2), MovementKind.TRANSFER_IN, "T"))], None)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    half = len(texts) // 2
    assert len(texts) == 8 and texts[:half] == texts[half:], texts  # lock, take, add, moves
    db.session.remove()
    assert sorted(_balances().values()) == [D(2)] * 5 + [D(8)] * 5


def test_reasons_and_documents_come_back_as_written(app):
    """User text goes into the arrays' text form: quotes, backslashes, commas, braces,
    the word NULL and accents come back unchanged."""
    candle_workshop()
    wax = _lot(receive("WAX", "10"))
    store = _place("STORE")
    reasons = ['dit "sec"', "back\\slash", "a, {b}", "NULL", "", "été  ", None]
    with transaction():
        post([Posting(wax, store, D(1), MovementKind.ADJUSTMENT, f'D"{n}', reason)
              for n, reason in enumerate(reasons)], None)
    db.session.remove()
    written = db.session.execute(select(Movement.document, Movement.reason)
                                 .where(Movement.kind == MovementKind.ADJUSTMENT)
                                 .order_by(Movement.id)).all()
    assert written == [(f'D"{n}', reason) for n, reason in enumerate(reasons)]
