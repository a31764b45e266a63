"""Lots scanned at the station before Start are kept on the server, per order, on SQLite
and PostgreSQL: another device reads them; a new list replaces them; starting or
cancelling the order clears them; bad lists are refused with a 4xx and change nothing."""

from decimal import Decimal as D

from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import StationPick
from krafte_pwa.services import production, stock
from tests.production_factories import candle_batch_workshop


def url(number):
    return f"/api/v1/production-orders/{number}/station-picks"


def planned(app):
    lots = candle_batch_workshop()
    return lots, production.plan_order(item="CANDLE", quantity="10").number


def rows():
    return db.session.execute(select(func.count(StationPick.id))).scalar()


def test_scanned_lots_are_kept_for_another_device_and_replaced(app, client, operator,
                                                               manager):
    lots, number = planned(app)
    assert client.get(url(number), headers=operator).json == {"order": number, "picks": []}
    sent = [{"lot": lots["wick"], "location": "STORE", "quantity": "10", "suggested": True},
            {"lot": lots["wax_later"], "location": "STORE", "quantity": "2000,5"},
            {"lot": lots["wick"], "location": "STORE", "quantity": "3"}]  # scanned twice
    answer = client.put(url(number), headers=operator, json={"picks": sent})
    assert answer.status_code == 200, answer.json
    # Another device (the manager's) reads the same list, in scanning order.
    read = client.get(url(number), headers=manager).json
    assert read == answer.json
    assert [(p["lot"], p["item"], p["unit"], p["location"], p["quantity"], p["suggested"])
            for p in read["picks"]] == [
        (lots["wick"], "WICK", "pcs", "STORE", "10", True),
        (lots["wax_later"], "WAX", "g", "STORE", "2000.5", False)]
    # The station's page carries them too.
    browser = app.test_client()
    browser.post("/login", data={"username": "operator", "password": "operator-password"})
    page = browser.get(f"/station/{number}").get_data(as_text=True)
    assert f'"lot": "{lots["wax_later"]}"' in page and '"quantity": "2000.5"' in page
    # A new list replaces the old one; an empty list clears it.
    replaced = client.put(url(number), headers=operator, json={"picks": [
        {"lot": lots["jar"], "location": "STORE", "quantity": 10}]})
    assert replaced.status_code == 200, replaced.json
    assert [p["lot"] for p in client.get(url(number), headers=operator).json["picks"]] == [
        lots["jar"]]
    assert client.put(url(number), headers=operator, json={"picks": []}).json["picks"] == []
    assert rows() == 0


def test_starting_or_cancelling_clears_them_and_a_started_order_refuses_them(
        app, client, operator, manager):
    lots, number = planned(app)
    scanned = {"picks": [{"lot": lots["wick"], "location": "STORE", "quantity": "10"}]}
    client.put(url(number), headers=operator, json=scanned)
    started = client.post(f"/api/v1/production-orders/{number}/start", headers=operator,
                          json=scanned)
    assert started.status_code == 200, started.json
    assert rows() == 0
    refused = client.put(url(number), headers=operator, json=scanned)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "invalid_transition"
    assert rows() == 0

    other = production.plan_order(item="CANDLE", quantity="5").number
    client.put(url(other), headers=operator, json=scanned)
    assert rows() == 1
    cancelled = client.post(f"/api/v1/production-orders/{other}/cancel", headers=manager)
    assert cancelled.status_code == 200
    assert rows() == 0


def test_bad_lists_are_refused_and_change_nothing(app, client, operator):
    lots, number = planned(app)
    good = {"lot": lots["wick"], "location": "STORE", "quantity": "10"}
    client.put(url(number), headers=operator, json={"picks": [good]})
    stock.change_lot_status(lot=lots["jar"], status="blocked", reason="cracked")
    cases = [
        ({"picks": "wick"}, 400, "bad_input"),
        ({"picks": [good, {**good, "lot": "NOPE"}]}, 404, "unknown_lot"),
        ({"picks": [good, {**good, "lot": lots["jar"]}]}, 409, "lot_blocked"),
        ({"picks": [good, {**good, "lot": lots["wax_soon"], "quantity": "0"}]}, 400,
         "bad_quantity"),
        ({"picks": [good, {**good, "lot": lots["wax_soon"], "location": "NOWHERE"}]}, 404,
         "unknown_location"),
        ({"picks": [{**good, "suggested": "yes"}]}, 400, "bad_input"),
    ]
    for body, status, code in cases:
        answer = client.put(url(number), headers=operator, json=body)
        assert (answer.status_code, answer.json["error"]["code"]) == (status, code), body
        assert "picks[" not in answer.json["error"]["message"]  # a sentence, not a path
    candle = production.plan_order(item="CANDLE", quantity="1")
    assert candle.status == "planned"
    answer = client.put(url(number), headers=operator, json={"picks": [
        {**good, "lot": stock.receive_goods(
            supplier=None, location="STORE",
            lines=[{"item": "CANDLE", "quantity": "1"}]).lots[0].code}]})
    assert answer.json["error"]["code"] == "not_in_recipe"
    assert client.get(url("MO-2000-0001"), headers=operator).status_code == 404
    kept = client.get(url(number), headers=operator).json["picks"]
    assert [(p["lot"], D(p["quantity"])) for p in kept] == [(lots["wick"], D(10))]
