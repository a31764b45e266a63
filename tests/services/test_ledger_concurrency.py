"""Many writers at once: PostgreSQL row locks and SQLite's serialized writers keep the ledger
exact. Takes racing for the same stock never take more than there was, each accepted take
writes exactly its movements, refusals are clean InsufficientStock errors, nobody hangs,
and concurrent receipts never share a lot code or a receipt number.

Each worker thread pushes its own app context, so it has its own session and connection,
as a request in another server thread or process would.
"""

import random
import threading
import time
from collections import Counter
from decimal import Decimal as D

import pytest
from sqlalchemy import event, func, select, text

from krafte_pwa.errors import InsufficientStock
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Location, Lot, Movement, MovementKind, Receipt
from krafte_pwa.services import stock
from tests.conftest import make_app
from tests.factories import candle_workshop, receive

WORKERS = 8
TAKES = 40
JOIN_SECONDS = 120
TAKE_SIZES = [D("0.5"), D(1), D("1.25"), D(2), D("3.333333"), D(5)]


def run_workers(app, count: int, work) -> list[str]:
    """Run work(n) in `count` threads released at once; return unexpected errors."""
    db.session.rollback()  # the test's own transaction must not hold a lock meanwhile
    start = threading.Barrier(count)
    errors: list[str] = []

    def run(n: int):
        with app.app_context():
            try:
                start.wait(timeout=30)
                work(n)
            except Exception as exc:  # reported by the test
                errors.append(f"worker {n}: {exc!r}")
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + JOIN_SECONDS
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    hung = [t.name for t in threads if t.is_alive()]
    assert not hung, f"workers still running after {JOIN_SECONDS} s: {hung}"
    return errors


@pytest.fixture
def pg_timeouts(pg_app):
    """A lock wait or statement that runs away fails loudly instead of hanging the suite."""

    @event.listens_for(db.engine, "connect")
    def _timeouts(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '10s'")
            cursor.execute("SET statement_timeout = '30s'")
        dbapi_connection.commit()

    assert db.session.execute(text("SHOW lock_timeout")).scalar() == "10s"
    db.session.rollback()
    return pg_app


def ledger_sums_equal_balances():
    db.session.expire_all()
    sums = dict(((lot, loc), qty) for lot, loc, qty in db.session.execute(
        select(Movement.lot_id, Movement.location_id, func.sum(Movement.quantity))
        .group_by(Movement.lot_id, Movement.location_id)))
    balances = dict(((lot, loc), qty) for lot, loc, qty in db.session.execute(
        select(Balance.lot_id, Balance.location_id, Balance.quantity)))
    assert set(sums) <= set(balances)
    for key, quantity in balances.items():
        assert quantity >= 0 and quantity == sums.get(key, D(0)), key


def take_from(lots: list[str], worker: int, takes: int, accepted: list, refused: list):
    """A worker's takes: transfers STORE -> SHELF and negative adjustments at STORE."""
    rng = random.Random(worker)
    for i in range(takes):
        code, quantity = rng.choice(lots), rng.choice(TAKE_SIZES)
        kind = rng.choice(["transfer", "adjust"])
        tag = f"w{worker}-t{i}"
        try:
            if kind == "transfer":
                stock.transfer_stock(lot=code, source="STORE", destination="SHELF",
                                     quantity=quantity)
            else:
                stock.adjust_stock(lot=code, location="STORE", quantity=-quantity, reason=tag)
        except InsufficientStock:
            db.session.rollback()
            refused.append((kind, code, quantity, tag))
        else:
            accepted.append((kind, code, quantity, tag))


def check_takes(lots: dict[str, D], accepted: list, refused: list):
    """Totals, one movement per accepted take, nothing from a refused one."""
    db.session.expire_all()
    ids = {code: lot_id for lot_id, code in db.session.execute(select(Lot.id, Lot.code))}
    places = {code: loc_id for loc_id, code in db.session.execute(
        select(Location.id, Location.code))}

    def balance(code, place):
        value = db.session.get(Balance, (ids[code], places[place]))
        return value.quantity if value else D(0)

    for code, initial in lots.items():
        taken = sum((q for _, c, q, _ in accepted if c == code), D(0))
        moved = sum((q for k, c, q, _ in accepted if c == code and k == "transfer"), D(0))
        assert taken <= initial, f"{code}: took {taken} of {initial}"
        assert balance(code, "STORE") == initial - taken
        assert balance(code, "SHELF") == moved
    # adjustments: one movement each, found by its reason; none for a refused one
    by_reason = Counter(reason for (reason,) in db.session.execute(
        select(Movement.reason).where(Movement.kind == MovementKind.ADJUSTMENT)))
    for kind, code, quantity, tag in accepted:
        if kind == "adjust":
            assert by_reason[tag] == 1, tag
            row = db.session.execute(select(Movement).where(Movement.reason == tag)).scalar_one()
            assert (row.lot_id, row.location_id, row.quantity) == (
                ids[code], places["STORE"], -quantity)
    assert not [tag for kind, _, _, tag in refused if kind == "adjust" and by_reason[tag]]
    # transfers: one document each with exactly one movement out and one in
    documents: dict[str, list] = {}
    for m in db.session.execute(select(Movement).where(
            Movement.kind.in_([MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN]))).scalars():
        documents.setdefault(m.document, []).append(m)
    shapes = Counter()
    for document, moves in documents.items():
        out, into = sorted(moves, key=lambda m: m.kind)  # exactly two, or this fails
        assert (out.kind, out.location_id) == (MovementKind.TRANSFER_OUT, places["STORE"])
        assert (into.kind, into.location_id) == (MovementKind.TRANSFER_IN, places["SHELF"])
        assert out.lot_id == into.lot_id and out.quantity == -into.quantity < 0, document
        shapes[(into.lot_id, into.quantity)] += 1
    assert shapes == Counter((ids[c], q) for k, c, q, _ in accepted if k == "transfer")
    receipts = len(lots)
    total = db.session.execute(select(func.count(Movement.id))).scalar_one()
    assert total == receipts + sum(1 if k == "adjust" else 2 for k, *_ in accepted)
    ledger_sums_equal_balances()


# ---- PostgreSQL: row locks --------------------------------------------------------------


def test_eight_workers_racing_for_the_same_lots_never_take_more_than_there_was(pg_timeouts):
    """A candle maker's three wax lots of 200 g, emptied by eight phones at once."""
    candle_workshop()
    lots = {receive("WAX", "200"): D(200) for _ in range(3)}
    accepted, refused = [], []
    started = time.monotonic()
    errors = run_workers(pg_timeouts, WORKERS, lambda n: take_from(
        list(lots), n, TAKES, accepted, refused))
    elapsed = time.monotonic() - started
    assert not errors, errors[:5]
    assert len(accepted) + len(refused) == WORKERS * TAKES
    assert accepted and refused, "the lots should run out under this demand"
    check_takes(lots, accepted, refused)
    print(f"{len(accepted)} takes accepted, {len(refused)} refused in {elapsed:.1f} s")


def test_concurrent_receipts_never_share_a_lot_code_or_a_receipt_number(pg_timeouts):
    candle_workshop()
    receive("WICK", "1", supplier="Cires du Sud")  # the supplier exists: see the next test
    numbers = run_receipts(pg_timeouts, workers=WORKERS, receipts=8, supplier="Cires du Sud")
    assert len(numbers) == WORKERS * 8


def test_concurrent_first_receipts_from_a_new_supplier_share_it(pg_timeouts):
    candle_workshop()
    run_receipts(pg_timeouts, workers=WORKERS, receipts=2, supplier="Brand New Wax Co")


def run_receipts(app, *, workers: int, receipts: int, supplier: str) -> list[str]:
    """Each worker posts two-line receipts; returns the receipt numbers handed out."""
    numbers: list[str] = []
    codes: list[str] = []
    db.session.expire_all()
    receipts_before = db.session.execute(select(func.count(Receipt.id))).scalar_one()
    lots_before = db.session.execute(select(func.count(Lot.id))).scalar_one()

    def work(n: int):
        rng = random.Random(100 + n)
        for _ in range(receipts):
            result = stock.receive_goods(
                supplier=supplier, location=rng.choice(["STORE", "SHELF"]),
                lines=[{"item": rng.choice(["WAX", "WICK", "FO-LAV"]),
                        "quantity": rng.choice(["1", "2,5", "0.000001"]), "unit_cost": "0.1"}
                       for _ in range(2)])
            numbers.append(result.number)
            codes.extend(lot.code for lot in result.lots)

    errors = run_workers(app, workers, work)
    assert not errors, errors[:5]
    assert len(set(numbers)) == len(numbers), "a receipt number was given twice"
    assert len(set(codes)) == len(codes) == 2 * len(numbers), "a lot code was given twice"
    db.session.expire_all()
    count = db.session.execute(select(func.count(Receipt.id))).scalar_one()
    assert count == receipts_before + len(numbers)
    assert db.session.execute(select(func.count(Lot.id))).scalar_one() == lots_before + len(codes)
    assert set(numbers) <= set(db.session.execute(select(Receipt.number)).scalars())
    ledger_sums_equal_balances()
    return numbers


# ---- SQLite: BEGIN IMMEDIATE and busy_timeout ------------------------------------------


@pytest.fixture
def sqlite_app(sqlite_url):
    """SQLite on a file (WAL), where several connections really write at once."""
    app = make_app(sqlite_url)
    with app.app_context():
        yield app
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def test_sqlite_writer_waits_for_another_writer_instead_of_failing(sqlite_app):
    candle_workshop()
    code = receive("WAX", "10")
    holding, done = threading.Event(), threading.Event()
    hold_seconds = 0.8

    def hold_the_write_lock(n: int):
        if n == 0:
            db.session.execute(select(func.count(Movement.id)))  # BEGIN IMMEDIATE
            holding.set()
            time.sleep(hold_seconds)
            db.session.commit()
            done.set()
        else:
            assert holding.wait(timeout=10)
            started = time.monotonic()
            stock.transfer_stock(lot=code, source="STORE", destination="SHELF", quantity="4")
            waited = time.monotonic() - started
            assert done.is_set(), "the second writer got in while the first held the lock"
            assert waited >= hold_seconds / 2, waited

    errors = run_workers(sqlite_app, 2, hold_the_write_lock)
    assert not errors, errors
    check_takes({code: D(10)}, [("transfer", code, D(4), "-")], [])


def test_sqlite_concurrent_takes_all_commit_or_are_refused_cleanly(sqlite_app):
    candle_workshop()
    lots = {receive("WAX", "25"): D(25) for _ in range(2)}
    accepted, refused = [], []
    errors = run_workers(sqlite_app, 6, lambda n: take_from(list(lots), n, 20, accepted,
                                                            refused))
    assert not errors, errors[:5]  # no "database is locked": writers queued
    assert len(accepted) + len(refused) == 6 * 20
    assert accepted and refused
    check_takes(lots, accepted, refused)


def test_sqlite_concurrent_receipts_never_share_a_lot_code_or_a_receipt_number(sqlite_app):
    candle_workshop()
    # a supplier nobody has received from yet: writers are serialized, so they share it
    numbers = run_receipts(sqlite_app, workers=6, receipts=6, supplier="Brand New Wax Co")
    assert len(numbers) == 36
