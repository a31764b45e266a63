"""Real concurrency on PostgreSQL: two orders started at once compete for the last lots.
One wins, the other is refused cleanly, nothing is consumed twice."""

import threading
from decimal import Decimal as D

from sqlalchemy import func, select

from krafte_pwa.errors import InsufficientStock, InvalidTransition, KrafteError
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Location, Lot, Pick, ProductionOrder
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import production, recipes
from tests.factories import receive


def at_once(app, calls):
    """Run each call in its own thread and app context (own session, own connection),
    released together; returns what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results[index] = call()
            except KrafteError as exc:
                db.session.rollback()
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a start hung: deadlock?"
    db.session.remove()
    return results


def soap_workshop():
    """A soap maker: a bar takes 100 g of oil and 1 wrapper."""
    location_actions.create_location(code="STORE", name="Store")
    item_actions.create_item(sku="OIL", name="Olive oil", kind="material", unit="g")
    item_actions.create_item(sku="WRAP", name="Wrapper", kind="material", unit="pcs")
    item_actions.create_item(sku="SOAP", name="Soap bar", kind="product", unit="pcs")
    recipes.save_recipe(item="SOAP", yield_quantity=1, lines=[
        {"item": "OIL", "quantity": 100}, {"item": "WRAP", "quantity": 1}])


def storage_total(sku) -> D:
    return db.session.execute(
        select(func.coalesce(func.sum(Balance.quantity), 0))
        .join(Lot, Lot.id == Balance.lot_id).join(Location, Location.id == Balance.location_id)
        .where(Location.kind == "storage", Lot.item.has(sku=sku))).scalar()


def wip_total() -> D:
    return db.session.execute(
        select(func.coalesce(func.sum(Balance.quantity), 0))
        .join(Location, Location.id == Balance.location_id)
        .where(Location.kind == "wip")).scalar()


def test_two_starts_racing_for_the_last_lots_one_wins_one_is_refused(pg_app):
    soap_workshop()
    for _round in range(4):
        # both planned while the shelf was empty: neither holds a reservation
        a = production.plan_order(item="SOAP", quantity=10).number
        b = production.plan_order(item="SOAP", quantity=10).number
        receive("OIL", "600", cost="0.01")
        receive("OIL", "400", cost="0.012")  # the last lots: enough for one order
        receive("WRAP", "10", cost="0.1")
        results = at_once(pg_app, [lambda n=a: production.start_order(number=n).number,
                                   lambda n=b: production.start_order(number=n).number])
        won = [r for r in results if isinstance(r, str)]
        lost = [r for r in results if isinstance(r, Exception)]
        assert len(won) == 1 and len(lost) == 1, results
        assert isinstance(lost[0], InsufficientStock)
        loser = b if won == [a] else a
        orders = {o.number: o for o in db.session.execute(select(ProductionOrder)).scalars()}
        assert orders[won[0]].status == "in_progress"
        assert orders[loser].status == "planned" and orders[loser].wip_location_id is None
        assert db.session.execute(select(func.count(Pick.id))
                                  .where(Pick.order_id == orders[loser].id)).scalar() == 0
        assert storage_total("OIL") == 0 and storage_total("WRAP") == 0
        assert wip_total() == D(1000 + 10)
        production.complete_order(number=won[0], quantity=10, location="STORE")
        production.cancel_order(number=loser)
        assert wip_total() == 0


def test_two_starts_picking_the_same_lot_one_wins_nothing_is_taken_twice(pg_app):
    soap_workshop()
    first = receive("OIL", "1000", cost="0.01")
    receive("OIL", "1000", cost="0.02")
    receive("WRAP", "20", cost="0.1")
    a = production.plan_order(item="SOAP", quantity=10).number
    b = production.plan_order(item="SOAP", quantity=10).number
    picks = [{"lot": first, "quantity": 1000}]
    results = at_once(pg_app, [
        lambda: production.start_order(number=a, picks=picks).number,
        lambda: production.start_order(number=b, picks=picks).number])
    assert sorted(type(r).__name__ for r in results) == ["InsufficientStock", "str"], results
    lot = db.session.execute(select(Lot).where(Lot.code == first)).scalar_one()
    in_store = db.session.execute(select(func.sum(Balance.quantity)).join(Location)
                                  .where(Balance.lot_id == lot.id,
                                         Location.kind == "storage")).scalar()
    assert in_store == 0 and wip_total() == D(1000 + 10)


def test_completing_the_same_order_twice_at_once_makes_one_lot(pg_app):
    soap_workshop()
    receive("OIL", "1000", cost="0.01")
    receive("WRAP", "10", cost="0.1")
    number = production.plan_order(item="SOAP", quantity=10).number
    production.start_order(number=number)
    results = at_once(pg_app, [
        lambda: production.complete_order(number=number, quantity=10,
                                          location="STORE").output_lot.code,
        lambda: production.complete_order(number=number, quantity=9,
                                          location="STORE").output_lot.code])
    assert sum(isinstance(r, str) for r in results) == 1, results
    assert sum(isinstance(r, InvalidTransition) for r in results) == 1
    made = db.session.execute(select(func.count(Lot.id)).where(Lot.origin == "production"))
    assert made.scalar() == 1 and wip_total() == 0
    assert storage_total("OIL") == 0
