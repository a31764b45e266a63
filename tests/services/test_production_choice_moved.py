"""Start chooses its lots before it locks the item rows: when another action takes the
chosen stock in between, start chooses again under the locks and still succeeds, taking
nothing twice. PostgreSQL only: on SQLite the order row's lock already takes the
database's write lock, so nothing can change between the choice and the writes."""

import threading
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from krafte_pwa.errors import InsufficientStock
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Pick
from krafte_pwa.services import availability, production, recipes, stock
from tests.factories import candle_workshop, in_days, receive
from tests.production_factories import candle_batch_workshop


def take_elsewhere(app, lot_code: str, quantity: str) -> None:
    """Another user's adjustment, in its own session and transaction, committed."""
    def run():
        with app.app_context():
            stock.adjust_stock(lot=lot_code, location="STORE", quantity=f"-{quantity}",
                               reason="spilt")
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not thread.is_alive()


def test_start_chooses_again_when_the_chosen_lot_is_taken_before_the_locks(pg_app, monkeypatch):
    lots = candle_batch_workshop()
    order = production.plan_order(item="CANDLE", quantity=10).number
    db.session.remove()
    chosen = availability.fefo_plan
    calls = []

    def choose_then_someone_takes(needs, today):
        found = chosen(needs, today)
        if not calls:  # the first choice, made before the locks: its first wax lot goes
            take_elsewhere(pg_app, lots["wax_soon"], "8000")
        calls.append(needs)
        return found

    monkeypatch.setattr(availability, "fefo_plan", choose_then_someone_takes)
    started = production.start_order(number=order)
    assert len(calls) == 2  # chosen again under the locks
    picked = {p.lot.code: p.quantity for p in started.picks}
    assert lots["wax_soon"] not in picked
    assert picked[lots["wax_later"]] == D(2040)
    negative = db.session.execute(select(func.count()).select_from(Balance)
                                  .where(Balance.quantity < 0)).scalar()
    assert negative == 0
    assert db.session.execute(select(func.count()).select_from(Pick)).scalar() == len(picked)


def test_start_is_refused_when_what_is_left_after_the_other_action_is_short(pg_app, monkeypatch):
    candle_workshop()
    wax = receive("WAX", "300", expiry=in_days(30))
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[{"item": "WAX", "quantity": 100}])
    order = production.plan_order(item="CANDLE", quantity=3).number
    db.session.remove()
    chosen = availability.fefo_plan

    def choose_then_someone_takes(needs, today):
        found = chosen(needs, today)
        take_elsewhere(pg_app, wax, "100")
        return found

    monkeypatch.setattr(availability, "fefo_plan", choose_then_someone_takes)
    with pytest.raises(InsufficientStock):
        production.start_order(number=order)
    db.session.rollback()
    left = db.session.execute(select(Balance.quantity).join(Balance.lot)
                              .where(Balance.quantity > 0)).scalars().all()
    assert sum(left, D(0)) == D(200)  # only the other action took stock: nothing picked


def test_start_chooses_again_when_a_chosen_lot_is_quarantined_before_the_locks(
        pg_app, monkeypatch):
    lots = candle_batch_workshop()
    order = production.plan_order(item="CANDLE", quantity=10).number
    db.session.remove()
    chosen = availability.fefo_plan
    calls = []

    def quarantine(code):
        with pg_app.app_context():
            stock.change_lot_status(lot=code, status="quarantine", reason="smell check")
            db.session.remove()

    def choose_then_someone_quarantines(needs, today):
        found = chosen(needs, today)
        if not calls:  # the lot chosen first is quarantined by another user meanwhile
            thread = threading.Thread(target=quarantine, args=(lots["wax_soon"],))
            thread.start()
            thread.join(30)
        calls.append(needs)
        return found

    monkeypatch.setattr(availability, "fefo_plan", choose_then_someone_quarantines)
    started = production.start_order(number=order)
    assert len(calls) == 2  # the lots read again under the locks, chosen again
    picked = {p.lot.code: p.lot.status for p in started.picks}
    assert lots["wax_soon"] not in picked and set(picked.values()) == {"released"}
