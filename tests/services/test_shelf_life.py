"""Shelf life: a lot received or counted in without an expiry gets date + shelf life; an
output lot capped by an input expiring sooner is announced at the station."""

from datetime import date, timedelta

from sqlalchemy import select

from krafte_pwa.extensions import db
from krafte_pwa.models import Lot
from krafte_pwa.services import imports, production, production_queries, recipes
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services.settings import update_settings
from tests.factories import candle_workshop, receive


def lot(code) -> Lot:
    return db.session.execute(select(Lot).where(Lot.code == code)).scalar_one()


def test_a_receipt_without_expiry_gets_the_shelf_life(app):
    """Shea butter keeps 180 days: received on 2026-03-01, it expires 2026-08-28
    (31 + 30 + 31 + 30 + 31 + 27 days); a given expiry is kept; wicks keep for ever."""
    candle_workshop()
    item_actions.create_item(sku="SHEA", name="Shea butter", kind="material", unit="kg",
                        shelf_life_days=180)
    on = date(2026, 3, 1)
    assert lot(receive("SHEA", "2", today=on)).expiry == date(2026, 8, 28)
    assert lot(receive("SHEA", "2", today=on, expiry="2026-05-01")).expiry == date(2026, 5, 1)
    assert lot(receive("WICK", "10", today=on)).expiry is None


def test_opening_stock_without_expiry_gets_the_shelf_life_from_its_date(app):
    """90 days after 2026-01-10 is 2026-04-10; without a date, today + 90."""
    location_actions.create_location(code="STORE", name="Store")
    item_actions.create_item(sku="MILK", name="Milk powder", kind="material", unit="kg",
                        shelf_life_days=90)
    report = imports.import_opening_stock(
        "item;quantity;location;unit_cost;date;expiry\n"
        "MILK;5;STORE;3;2026-01-10;\n"
        "MILK;5;STORE;3;;\n"
        "MILK;5;STORE;3;2026-01-10;2026-02-01\n")
    assert report.written and not report.problems, report.problems
    assert [lot(code).expiry for code in report.created] == [
        date(2026, 4, 10), date.today() + timedelta(days=90), date(2026, 2, 1)]


def test_the_station_warns_when_an_input_caps_the_output_expiry(app, login_as):
    """Candles keep 730 days, but the wax picked expires in 20 days: the output would
    expire in 20 days, within the 30-day warning window; with a 10-day window, no warning."""
    candle_workshop()
    wax = receive("WAX", "1000", expiry=date.today() + timedelta(days=20))
    receive("WICK", "10")
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "WAX", "quantity": "100"}, {"item": "WICK", "quantity": 1}])
    order = production.plan_order(item="CANDLE", quantity=5)
    production.start_order(number=order.number)
    seen = production_queries.projected_expiry(production_queries.get_order(order.number))
    assert (seen.expiry, seen.capped_by, seen.warn) == (
        date.today() + timedelta(days=20), wax, True)
    page = login_as("operator").get(f"/station/{order.number}").data.decode()
    assert "data-expiry-warning" in page and wax in page
    update_settings({"expiry_warning_days": "10"})
    page = login_as("operator").get(f"/station/{order.number}").data.decode()
    assert "data-expiry-warning" not in page
    done = production.complete_order(number=order.number, quantity=5, location="SHELF")
    assert done.output_lot.expiry == date.today() + timedelta(days=20)
