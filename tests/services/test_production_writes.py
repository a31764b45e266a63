"""The rows plan, start and complete write (reservations, picks, their settlement,
genealogy, the order's own row, the output lot) are stored as given on both databases,
written by statements built once, without a flush of the unit of work; on PostgreSQL each
many-row write is one statement from arrays, never an executemany (which runs the
statement once per row)."""

from decimal import Decimal as D

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from krafte_pwa.extensions import db
from krafte_pwa.models import Genealogy, Location, Lot, Pick, ProductionOrder, Reservation
from krafte_pwa.services import production
from tests.production_factories import candle_batch_workshop

REASON = 'dropped "twice", \\ chipped'  # quotes and a backslash survive the arrays


def test_plan_start_complete_rows_as_given(app):
    lots = candle_batch_workshop()
    many = []

    def capture(_conn, _cursor, statement, _parameters, _context, executemany):
        if executemany:
            many.append(statement)

    order = production.plan_order(item="CANDLE", quantity=100)
    number, order_id = order.number, order.id
    flushes = []

    def flushed(session, _context):
        flushes.append(session)

    event.listen(db.engine, "before_cursor_execute", capture)
    event.listen(Session, "after_flush", flushed)
    try:
        started = production.start_order(number=number)
        assert (started.status, started.wip_location.code) == ("in_progress", number)
        done = production.complete_order(
            number=number, quantity=97, location="SHELF",
            consumed=[{"lot": lots["wax_soon"], "quantity": 8000},
                      {"lot": lots["wax_later"], "quantity": 12000},
                      {"lot": lots["oil"], "quantity": 2000},
                      {"lot": lots["wick"], "quantity": 100},
                      {"lot": lots["jar"], "quantity": 97}],
            waste=[{"lot": lots["jar"], "quantity": 2, "reason": REASON}])
        assert (done.status, done.output_lot.item.sku, done.output_location.code,
                done.wip_location.archived) == ("completed", "CANDLE", "SHELF", True)
        output = done.output_lot_id
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
        event.remove(Session, "after_flush", flushed)
    db.session.remove()
    assert flushes == []  # start and complete write their rows themselves
    if db.engine.dialect.name == "postgresql":
        assert many == []
    stored = db.session.get(ProductionOrder, order_id)
    assert (stored.status, stored.actual_quantity, stored.output_location.code) == (
        "completed", D(97), "SHELF")
    assert stored.started_at <= stored.completed_at and stored.actual_material_cost > 0
    assert db.session.get(Location, stored.wip_location_id).archived
    assert db.session.get(Lot, output).code == done.output_lot.code
    held = db.session.execute(select(Reservation.position, Reservation.required,
                                     Reservation.quantity)
                              .where(Reservation.order_id == order_id)
                              .order_by(Reservation.position)).all()
    assert held == [(1, D(20400), D(0)), (2, D(2000), D(0)), (3, D(100), D(0)),
                    (4, D(100), D(0))]
    inputs = {code: qty for code, qty in db.session.execute(
        select(Genealogy.input_lot_id, Genealogy.quantity)
        .where(Genealogy.output_lot_id == output)).all()}
    assert sorted(inputs.values()) == [D(97), D(100), D(2000), D(8000), D(12000)]
    picks = db.session.execute(select(Pick).where(Pick.order_id == order_id)
                               .order_by(Pick.id)).scalars().all()
    assert sum(p.quantity for p in picks) == D(20400 + 2000 + 100 + 100)
    assert all(p.consumed + p.wasted + p.returned == p.quantity for p in picks)
    assert sum(p.returned for p in picks) == D(400 + 1)  # the wax left over, one jar
    jar = [p for p in picks if p.wasted]
    assert [(p.wasted, p.waste_reason) for p in jar] == [(D(2), REASON)]
