"""Quantities and costs that would outgrow what the ledger stores are refused as 4xx with
nothing changed, on SQLite and PostgreSQL: after unit conversion, in a (lot, location)
balance, in an item's total, in a unit cost; reports still answer."""

from decimal import Decimal as D

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from krafte_pwa.domain.numbers import MAX_QUANTITY
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Lot, Movement
from krafte_pwa.models.types import OutOfRange, Quantity
from krafte_pwa.services import _ledger, catalog
from tests.factories import candle_workshop, receive
from tests.production_factories import candle_batch_workshop


@pytest.fixture
def bulk(app, users):
    """Candle workshop plus stearin kept in kg (so tonnes convert up) and a lot of it."""
    candle_workshop()
    catalog.create_item(sku="STEARIN", name="Stearin", kind="material", unit="kg")
    return receive("STEARIN", "10", cost="2")


def balances() -> list[tuple]:
    db.session.rollback()  # read what is committed, not what a refused request left
    return [(b.lot.code, b.location.code, b.quantity) for b in db.session.execute(
        select(Balance).order_by(Balance.lot_id, Balance.location_id)).scalars()]


def movement_count() -> int:
    db.session.rollback()
    return len(db.session.execute(select(Movement.id)).all())


def balance_types() -> set[str]:
    """SQLite keeps whatever type it is given: every balance must still be an integer."""
    if db.engine.dialect.name != "sqlite":
        return {"integer"}
    return {row[0] for row in db.session.execute(
        text("SELECT DISTINCT typeof(quantity) FROM balance"))}


def reports_answer(client, headers):
    for path in ("/api/v1/reports/valuation", "/api/v1/items/STEARIN", "/api/v1/items",
                 "/api/v1/lots?item=STEARIN", "/api/v1/alerts"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.data[:300])


def adjust_store(client, headers, lot, quantity, reason, *, unit=None):
    """POST an adjustment of `lot` at STORE."""
    body = {"lot": lot, "location": "STORE", "quantity": quantity, "reason": reason}
    if unit:
        body["unit"] = unit
    return client.post("/api/v1/adjustments", headers=headers, json=body)


def test_repeated_huge_adjustment_in_tonnes_is_refused(client, manager, bulk):
    before, moves = balances(), movement_count()
    for _attempt in range(3):
        response = adjust_store(client, manager, bulk, "999999999", "typo", unit="t")
        assert response.status_code == 400, response.json
        assert response.json["error"]["code"] == "bad_quantity"
        assert response.json["error"]["details"]["field"] == "quantity"
    assert balances() == before and movement_count() == moves
    assert balance_types() == {"integer"}
    reports_answer(client, manager)


def test_a_balance_never_goes_past_the_maximum(client, manager, bulk):
    """Each adjustment is within the limit once converted; their sum is not."""
    first = adjust_store(client, manager, bulk, "600000", "big", unit="t")
    assert first.status_code in (200, 201), first.json
    before, moves = balances(), movement_count()
    assert before == [(bulk, "STORE", D("600000010"))]
    for _attempt in range(2):
        again = adjust_store(client, manager, bulk, "999999", "again", unit="t")
        assert again.status_code == 400, again.json
        assert again.json["error"]["code"] == "bad_quantity"
        assert again.json["error"]["details"]["maximum"] == "1000000000"
    assert balances() == before and movement_count() == moves
    # up to the maximum exactly is allowed
    exact = MAX_QUANTITY - D("600000010")
    ok = adjust_store(client, manager, bulk, str(exact), "fill")
    assert ok.status_code in (200, 201), ok.json
    assert balances() == [(bulk, "STORE", MAX_QUANTITY)]
    one_more = adjust_store(client, manager, bulk, "0.000001", "one more")
    assert one_more.status_code == 400
    assert balance_types() == {"integer"}
    reports_answer(client, manager)


def test_a_transfer_that_would_overflow_the_destination_is_refused(client, manager, bulk):
    lot = receive("STEARIN", "1000000000")
    moved = client.post("/api/v1/transfers", headers=manager,
                        json={"lot": lot, "from": "STORE", "to": "SHELF",
                              "quantity": "600000000"})
    assert moved.status_code in (200, 201), moved.json
    refill = client.post("/api/v1/adjustments", headers=manager, json={
        "lot": lot, "location": "STORE", "quantity": "600000000", "reason": "found"})
    assert refill.status_code in (200, 201), refill.json
    before, moves = balances(), movement_count()
    again = client.post("/api/v1/transfers", headers=manager,
                        json={"lot": lot, "from": "STORE", "to": "SHELF",
                              "quantity": "500", "unit": "kt"})
    # kt is no unit: refused for that; then the same in t
    assert again.status_code == 400
    again = client.post("/api/v1/transfers", headers=manager,
                        json={"lot": lot, "from": "STORE", "to": "SHELF",
                              "quantity": "500000", "unit": "t"})
    assert again.status_code == 400, again.json
    assert again.json["error"]["code"] == "bad_quantity"
    assert balances() == before and movement_count() == moves
    assert balance_types() == {"integer"}
    reports_answer(client, manager)


def test_a_receipt_converted_past_the_maximum_is_refused(client, manager, bulk):
    before, moves = balances(), movement_count()
    lots_before = len(db.session.execute(select(Lot.id)).all())
    response = client.post("/api/v1/receipts", headers=manager, json={
        "supplier": "Cires du Sud", "location": "STORE", "lines": [
            {"item": "STEARIN", "quantity": "5", "unit_cost": "1"},
            {"item": "STEARIN", "quantity": "999999999", "unit": "t", "unit_cost": "1"}]})
    assert response.status_code == 400, response.json
    assert response.json["error"]["code"] == "bad_quantity"
    assert response.json["error"]["details"]["field"] == "lines[1].quantity"
    assert balances() == before and movement_count() == moves
    assert len(db.session.execute(select(Lot.id)).all()) == lots_before


def test_an_item_total_past_its_maximum_is_refused(client, manager, bulk, monkeypatch):
    """Many lots each within the balance limit cannot add up past the item's limit (here
    lowered to 100 kg so the test needs no thousand receipts)."""
    monkeypatch.setattr(_ledger, "MAX_ITEM_STOCK", D(100))
    before, moves = balances(), movement_count()
    response = client.post("/api/v1/receipts", headers=manager, json={
        "supplier": "Cires du Sud", "location": "STORE",
        "lines": [{"item": "STEARIN", "quantity": "40"}, {"item": "STEARIN", "quantity": "51"},
                  {"item": "WAX", "quantity": "10"}]})
    assert response.status_code == 400, response.json
    assert response.json["error"]["code"] == "bad_quantity"
    assert response.json["error"]["details"]["item"] == "STEARIN"
    assert balances() == before and movement_count() == moves
    ok = client.post("/api/v1/receipts", headers=manager, json={
        "supplier": "Cires du Sud", "location": "STORE",
        "lines": [{"item": "STEARIN", "quantity": "40"}, {"item": "STEARIN", "quantity": "50"}]})
    assert ok.status_code == 201, ok.json
    # moving stock around does not grow the total: still allowed at the limit
    moved = client.post("/api/v1/transfers", headers=manager, json={
        "lot": ok.json["lots"][0]["code"], "from": "STORE", "to": "SHELF", "quantity": "40"})
    assert moved.status_code in (200, 201), moved.json
    more = adjust_store(client, manager, bulk, "0.001", "found")
    assert more.status_code == 400 and more.json["error"]["code"] == "bad_quantity"


def test_a_unit_cost_converted_past_the_maximum_is_refused(client, manager, bulk):
    before, moves = balances(), movement_count()
    response = client.post("/api/v1/receipts", headers=manager, json={
        "supplier": "Cires du Sud", "location": "STORE", "lines": [
            {"item": "STEARIN", "quantity": "1", "unit": "mg", "unit_cost": "1001"}]})
    assert response.status_code == 400, response.json
    assert response.json["error"]["code"] == "bad_quantity"
    assert response.json["error"]["details"]["field"] == "unit_cost"
    assert balances() == before and movement_count() == moves


def test_largest_lots_at_the_largest_cost_still_value_exactly(client, manager, bulk):
    """Values are quantity x cost summed past 64 bits: reports answer, exactly."""
    for _n in range(3):
        response = client.post("/api/v1/receipts", headers=manager, json={
            "supplier": "Cires du Sud", "location": "STORE", "lines": [
                {"item": "STEARIN", "quantity": "1000000000", "unit_cost": "1000000000"}]})
        assert response.status_code == 201, response.json
    valuation = client.get("/api/v1/reports/valuation", headers=manager)
    assert valuation.status_code == 200, valuation.data[:300]
    assert D(valuation.json["raw_materials"]) == 3 * D(10) ** 18 + 20
    reports_answer(client, manager)


def test_pages_after_huge_stock(client, login_as, bulk):
    receive("STEARIN", "1000000000", cost="1000000000")
    receive("STEARIN", "1000000000", cost="999999999.99999999")
    login_as("manager")
    for path in ("/reports/", "/reports/movements", "/reports/turnover", "/reports/expiring",
                 "/reports/accounting", "/reports/stock-level?item=STEARIN", "/items.csv",
                 "/lots.csv", "/reports/?format=csv", "/items/STEARIN", "/items/"):
        response = client.get(path)
        body = response.get_data()  # a CSV download streams: read it all
        response.close()
        assert response.status_code == 200, (path, body[:300])


def test_a_production_output_past_the_item_maximum_is_refused(client, manager, app, users,
                                                             monkeypatch):
    lots = candle_batch_workshop()
    receive("CANDLE", "60")
    planned = client.post("/api/v1/production-orders", headers=manager,
                          json={"item": "CANDLE", "quantity": "50"})
    assert planned.status_code == 201, planned.json
    number = planned.json["number"]
    started = client.post(f"/api/v1/production-orders/{number}/start", headers=manager, json={})
    assert started.status_code == 200, started.json
    huge = client.post(f"/api/v1/production-orders/{number}/complete", headers=manager,
                       json={"quantity": "999999999", "unit": "dozen", "location": "STORE"})
    assert huge.status_code == 400 and huge.json["error"]["code"] == "bad_quantity"
    monkeypatch.setattr(_ledger, "MAX_ITEM_STOCK", D(100))
    before, moves = balances(), movement_count()
    done = client.post(f"/api/v1/production-orders/{number}/complete", headers=manager,
                       json={"quantity": "50", "location": "STORE"})
    assert done.status_code == 400, done.json
    assert done.json["error"]["code"] == "bad_quantity"
    assert balances() == before and movement_count() == moves
    assert client.get(f"/api/v1/production-orders/{number}",
                      headers=manager).json["status"] == "in_progress"
    monkeypatch.setattr(_ledger, "MAX_ITEM_STOCK", D(110))
    done = client.post(f"/api/v1/production-orders/{number}/complete", headers=manager,
                       json={"quantity": "50", "location": "STORE"})
    assert done.status_code == 200, done.json
    assert lots  # the workshop's lots were all there


def test_scaled_columns_refuse_what_64_bits_cannot_hold():
    kind = Quantity()
    assert kind.process_bind_param(D("9223372036854.775807"), None) == 2 ** 63 - 1
    assert kind.process_bind_param(D("-9223372036854.775808"), None) == -(2 ** 63)
    with pytest.raises(OutOfRange):
        kind.process_bind_param(D("9223372036854.775808"), None)
    with pytest.raises(OutOfRange):
        kind.process_bind_param(D("1E+30"), None)


def test_a_value_too_large_for_its_column_is_a_4xx(app):
    """Should a service ever let one through, the answer is a clear 4xx, not a 500."""
    with app.test_request_context("/api/v1/adjustments", method="POST"):
        wrapped = StatementError("too large", "INSERT", {}, OutOfRange("1E+20 is too large"))
        response = app.make_response(app.handle_user_exception(wrapped))
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_quantity"
