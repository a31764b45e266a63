"""A month of a cosmetics workshop, dated in the past, for the accounting tests."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update

from krafte_pwa.extensions import db
from krafte_pwa.models import Movement, Pick
from krafte_pwa.services import _values as values
from krafte_pwa.services import (
    catalog,
    counts,
    lot_costs,
    production,
    recipes,
    shipments,
    stock,
)
from tests.production_factories import face_cream_workshop


class Clock:
    """Dates what was posted since the last call: movements are always posted "now", so
    the scenario moves them back to the day it tells."""

    def __init__(self):
        self.last = 0

    def at(self, day: date, hour: int = 10) -> None:
        when = datetime.combine(day, time(hour))
        db.session.execute(update(Movement).where(Movement.id > self.last)
                           .values(created_at=when))
        values.rebuild()  # the monthly value changes follow the movements' new dates
        db.session.commit()
        self.last = db.session.execute(select(func.max(Movement.id))).scalar() or 0


def month_bounds(today: date | None = None) -> tuple[date, date]:
    """The first and the last day of last month."""
    first_this = (today or date.today()).replace(day=1)
    last = first_this - timedelta(days=1)
    return last.replace(day=1), last


def _make(clock, sku, quantity, start_day, done_day, *, output=None, location="LAB",
          consumed=None, waste=None):
    order = production.plan_order(item=sku, quantity=quantity)
    production.start_order(number=order.number)
    clock.at(start_day)
    done = production.complete_order(number=order.number, quantity=output or quantity,
                                     location=location, consumed=consumed, waste=waste)
    clock.at(done_day)
    return done.output_lot.code


def workshop_month() -> dict:
    """A cosmetics maker's last month. Before it (the 20th of the month before): shea,
    almond oil, emulsifier, preservative, water and pots received with their costs. In the
    month: day 2 shea bought at 10.50 and almond oil received without a cost (its last
    price, 7.40), labels received with no cost known (0: cost missing); day 5–6 a 10 kg
    base cream batch (2 % loss on shea, overhead 5 a batch) yields 9.5 kg; day 8–9 100 face
    creams planned, 98 made, 2 pots broken (waste); day 12 40 creams shipped; day 14 shea
    moved to a shelf, day 15 counted there 0.1 kg short; day 18 3 pots scrapped; day 20
    the almond oil received on day 2 revalued to 7.90. Today, after the month: more shea."""
    clock = Clock()
    first, last = month_bounds()
    before = first - timedelta(days=11)
    catalog.create_location(code="SHELF", name="Shelf")
    catalog.create_item(sku="LABEL", name="Label", kind="material", unit="pcs")
    lots = face_cream_workshop()
    recipes.save_recipe(item="BASE", yield_quantity=10, lines=[
        {"item": "SHEA", "quantity": "2", "loss_percent": "2"},
        {"item": "OIL-ALM", "quantity": "1.5", "unit": "l"},
        {"item": "EMU", "quantity": "500", "unit": "g"},
        {"item": "PRES", "quantity": "100"},
        {"item": "WATER", "quantity": "6"},
    ], labour_minutes=60, labour_rate=30, overhead="5")
    clock.at(before)
    day = lambda n: first + timedelta(days=n - 1)  # noqa: E731
    received = stock.receive_goods(supplier="Karité Direct", location="LAB", lines=[
        {"item": "SHEA", "quantity": "5", "unit_cost": "10.5"},
        {"item": "OIL-ALM", "quantity": "2"},
        {"item": "LABEL", "quantity": "300"}])
    lots.update(shea_3=received.lots[0].code, oil_2=received.lots[1].code,
                labels=received.lots[2].code)
    clock.at(day(2))
    lots["base"] = _make(clock, "BASE", "10", day(5), day(6), output="9.5")
    order = production.plan_order(item="CREAM", quantity="100")
    production.start_order(number=order.number)
    clock.at(day(8))
    pots = db.session.execute(select(Pick).where(Pick.order_id == order.id)).scalars().all()
    pot_lot = next(p.lot.code for p in pots if p.lot.item.sku == "POT-50")
    done = production.complete_order(number=order.number, quantity="98", location="FG",
                                     consumed=[{"lot": lots["base"], "quantity": "4.9"},
                                               {"lot": pot_lot, "quantity": "98"}],
                                     waste=[{"lot": pot_lot, "quantity": "2",
                                             "reason": "broken"}])
    lots["cream"] = done.output_lot.code
    clock.at(day(9))
    shipments.ship(customer="Pharmacie Centrale", lines=[{"item": "CREAM", "quantity": "40"}])
    clock.at(day(12))
    stock.transfer_stock(lot=lots["shea_3"], source="LAB", destination="SHELF", quantity="2")
    clock.at(day(14))
    count, _created = counts.open_count(location="SHELF")
    counts.record_line(number=count.number, lot=lots["shea_3"], quantity="1.9")
    counts.confirm_count(number=count.number)
    clock.at(day(15))
    stock.adjust_stock(lot=lots["pots"], location="LAB", quantity="-3", reason="scrap")
    clock.at(day(18))
    lot_costs.correct_lot_cost(lot=lots["oil_2"], unit_cost="7.9", reason="invoice")
    clock.at(day(20))
    stock.receive_goods(supplier="Karité Direct", location="LAB",
                        lines=[{"item": "SHEA", "quantity": "1", "unit_cost": "11"}])
    clock.at(date.today(), hour=0)
    return {"first": first, "last": last, "lots": lots}
