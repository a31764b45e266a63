"""Alerts that do not grow with stock, on SQLite and PostgreSQL: each list is read through
an index with a limit, its total counted only up to a cap ("1,000+" past it, in English
and French), low stock's usable quantities equal availability's, and a lot's balances
follow it when it is re-dated."""

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Item, Lot
from krafte_pwa.services import alerts, production, recipes, stock
from krafte_pwa.services import availability as avail
from krafte_pwa.web import pages
from tests.factories import candle_workshop, in_days, receive


@pytest.fixture
def lots(app, users):
    """Six wax lots expiring in 1 to 6 days (the second also partly on the shelf), one used
    up, two expired, a wick lot in quarantine."""
    candle_workshop()
    soon = [receive("WAX", "100", expiry=in_days(n)) for n in range(1, 7)]
    stock.transfer_stock(lot=soon[1], source="STORE", destination="SHELF", quantity="40")
    used = receive("WAX", "50", expiry=in_days(2))
    stock.adjust_stock(lot=used, location="STORE", quantity="-50", reason="spilt")
    expired = [receive("WAX", "10", expiry=in_days(-n)) for n in (3, 1)]
    held = receive("WICK", "20")
    stock.change_lot_status(lot=held, status="quarantine", reason="check")
    db.session.remove()
    return {"soon": soon, "used": used, "expired": expired, "held": held}


def test_lists_are_limited_and_totals_counted_up_to_the_cap(lots, monkeypatch):
    found = alerts.alerts(limit=4)
    assert [(a.lot.code, a.quantity, a.days_left) for a in found.expiring] == [
        (code, D(100), n) for n, code in enumerate(lots["soon"][:4], start=1)]
    assert found.totals["expiring"] == 6  # the used-up lot is not counted
    assert [a.lot.code for a in found.expired] == lots["expired"]  # oldest first
    assert [a.lot.code for a in found.quarantine] == [lots["held"]]
    assert (found.totals["expired"], found.totals["quarantine"]) == (2, 1)
    everything = alerts.alerts()
    assert [a.lot.code for a in everything.expiring] == lots["soon"]
    monkeypatch.setattr(alerts, "CAP", 3)
    capped = alerts.alerts(limit=2)
    assert len(capped.expiring) == 2
    assert capped.totals["expiring"] == 4  # counted up to CAP + 1: more than 3
    assert (capped.totals["expired"], capped.totals["quarantine"]) == (2, 1)


def test_pages_show_a_capped_total_in_english_and_french(client, login_as, lots,
                                                         monkeypatch):
    monkeypatch.setattr(alerts, "CAP", 3)
    monkeypatch.setattr(pages, "SHOWN", 2)
    monkeypatch.setattr(pages, "LISTED", 2)
    login_as("operator")
    home = client.get("/").get_data(as_text=True)
    assert "<span>3+</span>" in home and "(2 shown of 3+)" in home
    assert lots["soon"][1] in home and lots["soon"][2] not in home
    listed = client.get("/alerts").get_data(as_text=True)
    assert "(2 shown of 3+)" in listed and "See all" not in listed
    client.post("/language", data={"locale": "fr", "next": "/"})
    french = client.get("/alerts").get_data(as_text=True)
    assert "plus de 3" in french and "affichage : 2 sur plus de 3" in french


def test_low_stock_counts_what_availability_counts(app, users):
    """Quarantined and expired lots, stock in an order's WIP and reservations: low stock's
    usable stock and availability agree, item by item."""
    candle_workshop()
    receive("WAX", "3000", expiry=in_days(90))
    receive("WAX", "500", location="SHELF")
    receive("WAX", "700", expiry=in_days(-1))
    held = receive("WAX", "900")
    stock.change_lot_status(lot=held, status="quarantine", reason="check")
    receive("WICK", "40")
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "WAX", "quantity": "200"}, {"item": "WICK", "quantity": 1}])
    started = production.plan_order(item="CANDLE", quantity=5).number
    production.start_order(number=started)  # 1000 g of wax and 5 wicks into WIP
    production.plan_order(item="CANDLE", quantity=3)  # holds 600 g and 3 wicks
    db.session.remove()
    ids = db.session.execute(select(Item.id)).scalars().all()
    today = date.today()
    free = avail.available(ids, today)
    wax = db.session.execute(select(Item).where(Item.sku == "WAX")).scalar()
    low = {a.item.sku: a.available for a in alerts.low_stock(today)}
    assert low == {"WAX": free[wax.id]} and low["WAX"] == D(3000 + 500 - 1000 - 600)


def test_a_re_dated_lot_moves_between_the_expiry_lists(lots):
    code = lots["soon"][0]
    lot = db.session.execute(select(Lot).where(Lot.code == code)).scalar()
    lot.expiry = in_days(-5)
    db.session.commit()
    assert set(db.session.execute(select(Balance.expiry).where(
        Balance.lot_id == lot.id)).scalars()) == {in_days(-5)}
    found = alerts.alerts()
    assert code in [a.lot.code for a in found.expired]
    assert code not in [a.lot.code for a in found.expiring]


def test_low_stock_on_order_never_counts_an_over_received_line_below_zero(
        client, users, manager, operator):
    """150 wicks received against a line of 100: that line is done, not -50; the other
    line's 50 are still on order, as on the item's page."""
    candle_workshop()
    wick = db.session.execute(select(Item).where(Item.sku == "WICK")).scalar_one()
    wick.reorder_point = D(1000)
    db.session.commit()
    number = client.post("/api/v1/purchase-orders", headers=manager, json={
        "supplier": "Mèches & Co", "lines": [{"item": "WICK", "quantity": 100},
                                             {"item": "WICK", "quantity": 50}]}).json["number"]
    assert client.post(f"/api/v1/purchase-orders/{number}/order",
                       headers=manager).status_code == 200
    received = client.post("/api/v1/receipts", headers=operator, json={
        "location": "STORE", "purchase_order": number,
        "lines": [{"line": 1, "quantity": 150}]})
    assert received.status_code == 201, received.json
    db.session.remove()
    low = {a.item.sku: (a.available, a.on_order) for a in alerts.low_stock(date.today())}
    assert low["WICK"] == (D(150), D(50))
    assert client.get("/api/v1/items/WICK", headers=operator).json["on_order"] == "50"
