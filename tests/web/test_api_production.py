"""Production through the API, on SQLite and PostgreSQL: a full candle batch, recipes,
feasibility, refusals as 4xx JSON, roles (operators see no costs), traces."""

from decimal import Decimal as D

import pytest

from krafte_pwa.extensions import db
from krafte_pwa.models import Location
from tests.factories import candle_workshop, in_days, receive
from tests.production_factories import (
    face_cream_workshop,
    lot_by_code,
    snapshot,
    stock_value,
    wip_on_hand,
)

CANDLE_RECIPE = {
    "item": "CANDLE", "yield_quantity": "1", "labour_minutes": 3, "labour_rate": "24",
    "overhead": "0,5", "overhead_percent": 5,
    "lines": [{"item": "WAX", "quantity": "200", "unit": "g", "loss_percent": 2},
              {"item": "FO-LAV", "quantity": 20, "unit": "ml"},
              {"item": "WICK", "quantity": "1"}, {"item": "JAR", "quantity": 1}],
}


@pytest.fixture
def candles(app, users, client, manager):
    """A candle maker with three wax lots (8 kg expiring in 30 days, 15 kg in 90 days,
    10 kg without expiry), 3 l of fragrance oil, 150 wicks and 120 jars, all received
    through the API; the candle recipe posted by the manager."""
    candle_workshop()
    post = client.post("/api/v1/items", headers=manager,
                       json={"sku": "JAR", "name": "Amber jar", "kind": "material",
                             "unit": "pcs"})
    assert post.status_code == 201, post.json
    lines = [
        {"item": "WAX", "quantity": "8", "unit": "kg", "unit_cost": "4.2",
         "expiry": in_days(30).isoformat(), "supplier_lot": "CS-8"},
        {"item": "WAX", "quantity": "15000", "unit_cost": "0.0045",
         "expiry": in_days(90).isoformat(), "supplier_lot": "CS-15"},
        {"item": "WAX", "quantity": "10000", "unit_cost": "0.004", "supplier_lot": "CS-10"},
        {"item": "FO-LAV", "quantity": "3", "unit": "l", "unit_cost": "85",
         "expiry": in_days(200).isoformat()},
        {"item": "WICK", "quantity": 150, "unit_cost": "0.06"},
        {"item": "JAR", "quantity": 120, "unit_cost": "0.95"},
    ]
    got = client.post("/api/v1/receipts", headers=manager,
                      json={"supplier": "Cires du Sud", "location": "STORE", "lines": lines})
    assert got.status_code == 201, got.json
    recipe = client.post("/api/v1/recipes", headers=manager, json=CANDLE_RECIPE)
    assert recipe.status_code == 201, recipe.json
    assert (recipe.json["item"], recipe.json["version"]) == ("CANDLE", 1)
    return [lot["code"] for lot in got.json["lots"]]


def test_full_candle_batch_by_the_api(client, manager, operator, candles):
    wax_soon, wax_later, wax_never, oil, wick, jar = candles
    value_before = stock_value()
    assert value_before == D("519.1")  # 33.6 + 67.5 + 40 + 255 + 9 + 114

    planned = client.post("/api/v1/production-orders", headers=manager,
                          json={"item": "CANDLE", "quantity": 100})
    assert planned.status_code == 201, planned.json
    order = planned.json
    assert order["number"].startswith("MO-") and len(order["number"]) == 12
    assert order["status"] == "planned"
    needs = {r["item"]: r for r in order["requirements"]}
    assert {k: v["quantity"] for k, v in needs.items()} == {
        "WAX": "20400", "FO-LAV": "2000", "WICK": "100", "JAR": "100"}
    # FEFO: the wax lot expiring first is taken whole, the next one covers the rest
    assert [(s["lot"], s["location"], s["quantity"]) for s in needs["WAX"]["suggested"]] == [
        (wax_soon, "STORE", "8000"), (wax_later, "STORE", "12400")]
    assert needs["WAX"]["suggested"][0]["expiry"] == in_days(30).isoformat()

    # the reservation shows in availability
    wax = client.get("/api/v1/items/WAX", headers=operator).json
    assert (wax["on_hand"], wax["reserved"], wax["available"]) == ("33000", "20400", "12600")

    number = order["number"]
    started = client.post(f"/api/v1/production-orders/{number}/start", headers=operator,
                          json={})
    assert started.status_code == 200, started.json
    assert started.json["status"] == "in_progress" and "costs" not in started.json
    assert client.get(f"/api/v1/locations/{number}", headers=operator).json["contents"]
    wax = client.get("/api/v1/items/WAX", headers=operator).json
    assert (wax["on_hand"], wax["reserved"], wax["available"]) == ("12600", "0", "12600")
    assert wip_on_hand() == D(20400 + 2000 + 100 + 100)

    done = client.post(f"/api/v1/production-orders/{number}/complete", headers=operator,
                       json={"quantity": 98, "location": "SHELF"})
    assert done.status_code == 200, done.json
    assert done.json["status"] == "completed"
    out = done.json["output_lot"]
    assert out["quantity"] == "98" and "unit_cost" not in out  # operators see no costs
    assert out["code"].startswith("P") and out["expiry"] == in_days(30).isoformat()

    # by hand: wax 8000 × 0.0042 + 12400 × 0.0045 = 89.40; oil 2000 × 0.085 = 170;
    # wicks 6; jars 95 → material 360.40. Labour 100 × 3 min at 24/h = 120.
    # Overhead 100 × 0.50 + 5 % of 360.40 = 68.02. Total 548.42 for 98 candles.
    material, labour, overhead = D("360.40"), D("120"), D("68.02")
    expected = (material + labour + overhead) / 98
    seen = client.get(f"/api/v1/production-orders/{number}", headers=manager).json
    unit_cost = D(seen["output_lot"]["unit_cost"])
    assert unit_cost.quantize(D("0.01")) == expected.quantize(D("0.01")) == D("5.60")
    assert unit_cost == expected.quantize(D("0.00000001")) == D("5.59612245")
    actual = seen["costs"]["actual"]
    assert (D(actual["material"]), D(actual["labour"]), D(actual["overhead"])) == (
        material, labour, overhead)
    assert seen["quantity_variance"] == "-2"
    assert D(seen["costs"]["planned"]["quantity"]) == 100

    # on hand, WIP and value are exactly right afterwards
    assert client.get("/api/v1/items/WAX", headers=operator).json["on_hand"] == "12600"
    assert client.get("/api/v1/items/CANDLE", headers=operator).json["on_hand"] == "98"
    for code, left in ((wax_soon, None), (wax_later, "2600"), (wax_never, "10000"),
                       (oil, "1000"), (wick, "50"), (jar, "20")):
        lot = client.get(f"/api/v1/lots/{code}", headers=operator).json
        assert lot.get("quantity") == (left or "0"), code
    assert wip_on_hand() == 0
    assert stock_value("wip") == 0
    consumed_value = material
    assert stock_value("storage") == value_before - consumed_value + 98 * unit_cost
    assert client.get(f"/api/v1/locations/{number}", headers=operator).json["contents"] == []


def test_completing_twice_and_other_transitions_are_refused(client, manager, operator,
                                                             candles):
    number = client.post("/api/v1/production-orders", headers=manager,
                         json={"item": "CANDLE", "quantity": 10}).json["number"]
    url = f"/api/v1/production-orders/{number}"
    early = client.post(url + "/complete", headers=operator,
                        json={"quantity": 10, "location": "SHELF"})
    assert early.status_code == 409 and early.json["error"]["code"] == "invalid_transition"
    assert client.post(url + "/start", headers=operator, json={}).status_code == 200
    assert client.post(url + "/start", headers=operator, json={}).status_code == 409
    assert client.post(url + "/complete", headers=operator,
                       json={"quantity": 10, "location": "SHELF"}).status_code == 200
    before = snapshot()
    again = client.post(url + "/complete", headers=operator,
                        json={"quantity": 10, "location": "SHELF"})
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_transition"
    cancel = client.post(url + "/cancel", headers=manager, json={})
    assert cancel.status_code == 409
    assert snapshot() == before


def test_an_idempotent_complete_replayed_answers_the_same_and_makes_one_lot(
        client, manager, operator, candles):
    number = client.post("/api/v1/production-orders", headers=manager,
                         json={"item": "CANDLE", "quantity": 5}).json["number"]
    url = f"/api/v1/production-orders/{number}"
    started = client.post(url + "/start", json={},
                          headers={**operator, "Idempotency-Key": "tablet-41"})
    assert started.status_code == 200 and len(started.json["picks"]) == 4
    key = {**operator, "Idempotency-Key": "tablet-42"}
    first = client.post(url + "/complete", headers=key, json={"quantity": 5,
                                                               "location": "SHELF"})
    before = snapshot()
    replay = client.post(url + "/complete", headers=key, json={"quantity": 5,
                                                                "location": "SHELF"})
    assert first.status_code == replay.status_code == 200
    assert replay.json == first.json and replay.headers["Idempotent-Replayed"] == "true"
    assert snapshot() == before


def test_operators_may_start_and_complete_but_not_plan_cancel_or_edit_recipes(
        client, manager, operator, candles):
    assert client.post("/api/v1/recipes", headers=operator,
                       json=CANDLE_RECIPE).status_code == 403
    assert client.post("/api/v1/production-orders", headers=operator,
                       json={"item": "CANDLE", "quantity": 1}).status_code == 403
    number = client.post("/api/v1/production-orders", headers=manager,
                         json={"item": "CANDLE", "quantity": 1}).json["number"]
    assert client.post(f"/api/v1/production-orders/{number}/cancel",
                       headers=operator).status_code == 403
    seen = client.get(f"/api/v1/production-orders/{number}", headers=operator).json
    assert "costs" not in seen
    recipe = client.get("/api/v1/recipes/CANDLE", headers=operator).json
    assert "cost" not in recipe and "labour_rate" not in recipe
    costed = client.get("/api/v1/recipes/CANDLE", headers=manager).json
    # 204 g wax at the weighted average cost of the wax in stock + oil + wick + jar ...
    assert D(costed["cost"]["per_unit"]) > 0 and costed["labour_rate"] == "24"


def test_operator_cannot_override_an_expired_lot_but_a_manager_can(client, manager,
                                                                    operator, candles):
    old = receive("WAX", "5000", cost="0.001", expiry=in_days(-2))
    number = client.post("/api/v1/production-orders", headers=manager,
                         json={"item": "CANDLE", "quantity": 10}).json["number"]
    url = f"/api/v1/production-orders/{number}/start"
    picks = {"picks": [{"lot": old, "quantity": 2040}]}
    before = snapshot()
    refused = client.post(url, headers=operator, json=picks)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "lot_expired"
    forbidden = client.post(url, headers=operator,
                            json={**picks, "override_reason": "still fine"})
    assert forbidden.status_code == 403
    assert snapshot() == before
    allowed = client.post(url, headers=manager,
                          json={**picks, "override_reason": "tested: wax does not age"})
    assert allowed.status_code == 200, allowed.json
    assert allowed.json["override_reason"] == "tested: wax does not age"
    assert [p["overridden"] for p in allowed.json["picks"] if p["lot"] == old] == [True]
    moves = client.get(f"/api/v1/lots/{old}/movements", headers=manager).json["items"]
    assert {m["reason"] for m in moves if m["kind"] == "pick_out"} == {
        "override: tested: wax does not age"}


def test_bad_input_is_a_4xx_never_a_500(client, manager, operator, candles):
    posts = [
        ("/api/v1/recipes", {"item": "WAX", "yield_quantity": 1,
                             "lines": [{"item": "WICK", "quantity": 1}]}),
        ("/api/v1/recipes", {"item": "CANDLE", "yield_quantity": 0, "lines": []}),
        ("/api/v1/recipes", {"item": "CANDLE", "yield_quantity": 1, "lines": "wax"}),
        ("/api/v1/recipes", {"item": "CANDLE", "yield_quantity": 1,
                             "lines": [{"item": "WICK", "quantity": "0.0000001"}]}),
        ("/api/v1/recipes", {"item": "CANDLE", "yield_quantity": 1,
                             "lines": [{"item": "WICK", "quantity": 1, "unit": "kg"}]}),
        ("/api/v1/recipes", {"item": "CANDLE", "yield_quantity": 1,
                             "lines": [{"item": "CANDLE", "quantity": 1}]}),
        ("/api/v1/recipes", {"item": "CANDLE", "yield_quantity": 1, "labour_rate": "x",
                             "lines": [{"item": "WICK", "quantity": 1}]}),
        ("/api/v1/production-orders", {"item": "CANDLE", "quantity": "-3"}),
        ("/api/v1/production-orders", {"item": "WAX", "quantity": "3"}),
        ("/api/v1/production-orders", {"item": "NOPE", "quantity": "3"}),
        ("/api/v1/production-orders", [1, 2]),
        ("/api/v1/production-orders/MO-1999-0001/start", {}),
    ]
    for url, payload in posts:
        got = client.post(url, headers=manager, json=payload)
        assert 400 <= got.status_code < 500, (url, payload, got.json)
        assert got.json["error"]["code"]
    number = client.post("/api/v1/production-orders", headers=manager,
                         json={"item": "CANDLE", "quantity": 2}).json["number"]
    url = f"/api/v1/production-orders/{number}"
    for picks in ("wax", [1], [{"lot": "NOPE", "quantity": 1}],
                  [{"lot": candles[4], "quantity": "abc"}],
                  [{"lot": candles[4], "quantity": 1, "location": "MARS"}]):
        got = client.post(url + "/start", headers=operator, json={"picks": picks})
        assert 400 <= got.status_code < 500, (picks, got.json)
    assert client.post(url + "/start", headers=operator, json={}).status_code == 200
    for payload in ({"quantity": 0, "location": "SHELF"}, {"quantity": 2},
                    {"quantity": 2, "location": "SHELF", "consumed": [{"lot": candles[5],
                                                                       "quantity": 99}]},
                    {"quantity": 2, "location": "SHELF", "consumed": [{"lot": candles[2],
                                                                       "quantity": 1}]},
                    {"quantity": 2, "location": "SHELF",
                     "waste": [{"lot": candles[0], "quantity": 1}]}):
        got = client.post(url + "/complete", headers=operator, json=payload)
        assert 400 <= got.status_code < 500, (payload, got.json)
    for query in ("", "?quantity=abc", "?quantity=-1"):
        got = client.get("/api/v1/items/CANDLE/feasibility" + query, headers=manager)
        assert got.status_code == 400, got.json
    assert client.get("/api/v1/items/WAX/feasibility?quantity=1",
                      headers=manager).status_code == 404
    assert client.get(f"/api/v1/lots/{candles[0]}/trace?direction=up",
                      headers=manager).status_code == 400


def test_complete_with_waste_and_returns_and_cancel_returns_wip(client, manager, operator,
                                                                candles):
    wax_soon, wax_later = candles[0], candles[1]
    number = client.post("/api/v1/production-orders", headers=manager,
                         json={"item": "CANDLE", "quantity": 10}).json["number"]
    url = f"/api/v1/production-orders/{number}"
    picks = [{"lot": wax_later, "quantity": "2500"}, {"lot": candles[3], "quantity": 200},
             {"lot": candles[4]}, {"lot": candles[5], "quantity": 10}]
    started = client.post(url + "/start", headers=operator, json={"picks": picks})
    assert started.status_code == 200, started.json
    assert {p["lot"]: p["quantity"] for p in started.json["picks"]}[candles[4]] == "10"
    done = client.post(url + "/complete", headers=operator, json={
        "quantity": 9, "location": "SHELF",
        "consumed": [{"lot": wax_later, "quantity": 1900}, {"lot": candles[3], "quantity": 180},
                     {"lot": candles[4], "quantity": 9}, {"lot": candles[5], "quantity": 9}],
        "waste": [{"lot": wax_later, "quantity": 100, "reason": "spilt"},
                  {"lot": candles[5], "quantity": 1, "reason": "cracked jar"}]})
    assert done.status_code == 200, done.json
    picks = {p["lot"]: p for p in done.json["picks"]}
    assert (picks[wax_later]["consumed"], picks[wax_later]["wasted"],
            picks[wax_later]["returned"]) == ("1900", "100", "500")
    assert picks[candles[5]]["waste_reason"] == "cracked jar"
    assert client.get(f"/api/v1/lots/{wax_later}", headers=manager).json["quantity"] == \
        str(15000 - 1900 - 100)
    assert client.get(f"/api/v1/lots/{wax_soon}", headers=manager).json["quantity"] == "8000"
    assert wip_on_hand() == 0

    other = client.post("/api/v1/production-orders", headers=manager,
                        json={"item": "CANDLE", "quantity": 4}).json["number"]
    assert client.post(f"/api/v1/production-orders/{other}/start", headers=operator,
                       json={}).status_code == 200
    assert wip_on_hand() == D(816 + 80 + 4 + 4)
    value = stock_value()
    cancelled = client.post(f"/api/v1/production-orders/{other}/cancel", headers=manager,
                            json={"reason": "machine down"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert wip_on_hand() == 0 and stock_value() == value
    assert client.get("/api/v1/items/WAX", headers=manager).json["reserved"] == "0"
    assert db.session.query(Location).filter_by(code=other).one().archived


def test_cancel_of_a_planned_order_releases_its_reservation(client, manager, candles):
    number = client.post("/api/v1/production-orders", headers=manager,
                         json={"item": "CANDLE", "quantity": 50}).json["number"]
    assert client.get("/api/v1/items/JAR", headers=manager).json["reserved"] == "50"
    assert client.post(f"/api/v1/production-orders/{number}/cancel",
                       headers=manager).status_code == 200
    assert client.get("/api/v1/items/JAR", headers=manager).json["reserved"] == "0"
    listed = client.get("/api/v1/production-orders?status=cancelled", headers=manager).json
    assert [o["number"] for o in listed["items"]] == [number] and listed["total"] == 1
    assert client.get("/api/v1/production-orders?status=nope",
                      headers=manager).status_code == 400


def test_planning_never_fails_for_shortage_and_shows_it(client, manager, candles):
    got = client.post("/api/v1/production-orders", headers=manager,
                      json={"item": "CANDLE", "quantity": 200})
    assert got.status_code == 201
    needs = {r["item"]: r for r in got.json["requirements"]}
    assert (needs["JAR"]["quantity"], needs["JAR"]["reserved"], needs["JAR"]["missing"]) == (
        "200", "120", "80")
    assert sum(D(s["quantity"]) for s in needs["WAX"]["suggested"]) == 33000


def test_feasibility_and_traces_two_levels_by_the_api(client, manager, app, users):
    lots = face_cream_workshop()
    got = client.get("/api/v1/items/CREAM/feasibility?quantity=500", headers=manager).json
    assert got["feasible"] is False and got["max_quantity"] == "400"
    assert got["shortages"] == [{"item": "EMU", "unit": "kg", "required": "1.25",
                                 "available": "1", "missing": "0.25"}]
    assert got["to_produce"] == [{"item": "BASE", "unit": "kg", "quantity": "25"}]
    base, base_lot, cream, cream_lot = make_base_then_cream(client, manager)
    back = client.get(f"/api/v1/lots/{cream_lot['code']}/trace?direction=backward",
                      headers=manager).json
    assert back["order"] == cream and back["quantity"] == "100"
    via = {c["lot"]: c for c in back["children"]}[base_lot["code"]]
    assert via["order"] == base and via["quantity"] == "5"
    shea = {c["lot"]: c for c in via["children"]}[lots["shea_1"]]
    assert shea["receipts"][0]["supplier"] == "Karité Direct"
    assert shea["quantity"] == "2" and shea["children"] == []
    forward = client.get(f"/api/v1/lots/{lots['shea_1']}/trace?direction=forward",
                         headers=manager).json
    assert [c["lot"] for c in forward["children"]] == [base_lot["code"]]
    assert [c["lot"] for c in forward["children"][0]["children"]] == [cream_lot["code"]]
    assert forward["children"][0]["children"][0]["order"] == cream
    assert lot_by_code(cream_lot["code"]).expiry == lot_by_code(base_lot["code"]).expiry


def test_openapi_paths_describe_every_production_route(app):
    import json
    import re

    from krafte_pwa.web.api import openapi_production

    paths = openapi_production.paths()
    ours = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if view.__module__.endswith(("web.api.production", "web.api.station")):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                ours.add((path, method.lower()))
    documented = {(p, m) for p, ops in paths.items() for m in ops}
    assert ours == documented
    refs = set(re.findall(r'"#/components/schemas/(\w+)"', json.dumps(paths)))
    assert refs <= set(openapi_production.schemas()) | {"Error"}


def test_a_second_order_shows_what_the_first_one_reserved_as_missing(client, manager,
                                                                     candles, login_as):
    """120 jars: the first order of 100 candles holds 100; the second of 50 can count on
    the 20 left, so 30 are missing. Wax (33 kg, 204 g a candle: 20.4 + 10.2 kg), oil
    (3 l: 2 + 1 l) and wicks (150: 100 + 50) suffice for both."""
    first = client.post("/api/v1/production-orders", headers=manager,
                        json={"item": "CANDLE", "quantity": 100}).json
    assert {r["item"]: r["missing"] for r in first["requirements"]} == {
        "WAX": "0", "FO-LAV": "0", "WICK": "0", "JAR": "0"}
    second = client.post("/api/v1/production-orders", headers=manager,
                         json={"item": "CANDLE", "quantity": 50})
    assert second.status_code == 201
    needs = {r["item"]: r for r in second.json["requirements"]}
    assert (needs["JAR"]["quantity"], needs["JAR"]["reserved"], needs["JAR"]["missing"]) == (
        "50", "20", "30")
    assert sum(D(s["quantity"]) for s in needs["JAR"]["suggested"]) == 20
    assert [needs[s]["missing"] for s in ("WAX", "FO-LAV", "WICK")] == ["0", "0", "0"]
    assert sum(D(s["quantity"]) for s in needs["WAX"]["suggested"]) == 10200
    # the first order still counts on its own reservation
    again = client.get(f"/api/v1/production-orders/{first['number']}", headers=manager).json
    assert {r["item"]: r["missing"] for r in again["requirements"]}["JAR"] == "0"
    page = login_as("manager").get(f"/production/orders/{second.json['number']}")
    text = page.data.decode()
    assert "Missing once the reservations of other orders are kept:" in text
    assert "JAR 30" in text


def test_actual_labour_minutes_cost_the_output_and_the_variance(client, manager, operator,
                                                                candles, login_as):
    """10 candles planned: materials 2.04 kg wax at 4.2 (8.568) + 0.2 l oil at 85 (17)
    + 10 wicks at 0.06 (0.6) + 10 jars at 0.95 (9.5) = 35.668; labour 10 × 3 min at 24/h
    = 12; overhead 10 × 0.5 + 5 % of 35.668 = 6.7834; planned 54.4514, 5.44514 each.
    8 made in 45 minutes: labour 45 × 24 / 60 = 18, total 60.4514, 7.556425 each.
    Variance against the planned cost of 8 (43.56112): 16.89028 in all (38.77 %),
    materials 35.668 − 28.5344 = 7.1336, labour 18 − 9.6 = 8.4, overhead
    6.7834 − 5.42672 = 1.35668."""
    number = client.post("/api/v1/production-orders", headers=manager,
                         json={"item": "CANDLE", "quantity": 10}).json["number"]
    assert client.post(f"/api/v1/production-orders/{number}/start", headers=operator,
                       json={}).status_code == 200
    bad = client.post(f"/api/v1/production-orders/{number}/complete", headers=operator,
                      json={"quantity": 8, "location": "STORE", "labour_minutes": "-5"})
    assert bad.status_code == 400 and bad.json["error"]["code"] == "bad_quantity"
    done = client.post(f"/api/v1/production-orders/{number}/complete", headers=operator,
                       json={"quantity": 8, "location": "STORE", "labour_minutes": "45"})
    assert done.status_code == 200, done.json
    seen = client.get(f"/api/v1/production-orders/{number}", headers=manager).json
    assert D(seen["output_lot"]["unit_cost"]) == D("7.556425")
    costs = seen["costs"]
    assert [D(costs["planned"][k]) for k in ("material", "labour", "overhead", "total")] == [
        D("35.668"), D("12"), D("6.7834"), D("54.4514")]
    assert [D(costs["actual"][k]) for k in ("material", "labour", "overhead", "total")] == [
        D("35.668"), D("18"), D("6.7834"), D("60.4514")]
    assert D(costs["variance"]) == D("16.89028")
    detail = costs["variance_detail"]
    assert [D(detail[k]) for k in ("material", "labour", "overhead", "percent")] == [
        D("7.1336"), D("8.4"), D("1.35668"), D("38.77")]
    assert seen["quantity_variance"] == "-2"
    page = login_as("manager")
    report = page.get("/reports/orders?format=csv").data.decode().splitlines()
    header, row = report[0].split(","), report[1].split(",")
    got = dict(zip(header, row, strict=True))
    assert D(got["variance"]) == D("16.89028") and D(got["variance_percent"]) == D("38.77")
    text = page.get(f"/production/orders/{number}").data.decode()
    assert "Minutes worked on the whole order" not in text  # completed: no form
    assert "38.77" in text or "38,77" in text


def test_without_labour_minutes_the_recipe_minutes_are_used(client, manager, operator,
                                                            candles):
    """10 planned, 10 made, no minutes given: the recipe's 3 min each at 24/h = 12."""
    number = client.post("/api/v1/production-orders", headers=manager,
                         json={"item": "CANDLE", "quantity": 10}).json["number"]
    client.post(f"/api/v1/production-orders/{number}/start", headers=operator, json={})
    done = client.post(f"/api/v1/production-orders/{number}/complete", headers=operator,
                       json={"quantity": 10, "location": "STORE", "labour_minutes": ""})
    assert done.status_code == 200, done.json
    seen = client.get(f"/api/v1/production-orders/{number}", headers=manager).json
    assert D(seen["costs"]["actual"]["labour"]) == 12 and D(seen["costs"]["variance"]) == 0


def test_trace_nodes_carry_quantities_in_their_own_unit(client, manager, app, users):
    """10 kg of base cream planned (2 kg of shea lot 1 in it), 9.8 kg made; 100 creams
    (pcs) made from 5 kg of it. Forward from the shea: the base lot shows the 9.8 kg made
    and the 2 kg of shea used; the cream lot its 100 pcs and the 5 kg of base used —
    never 5 "pcs". Backward, each input shows what of it went in, in its unit."""
    lots = face_cream_workshop()
    base, base_lot, cream, cream_lot = make_base_then_cream(client, manager)
    forward = client.get(f"/api/v1/lots/{lots['shea_1']}/trace?direction=forward",
                         headers=manager).json
    assert (forward["unit"], forward["quantity"]) == ("kg", "2")
    made = forward["children"][0]
    assert (made["lot"], made["unit"], made["quantity"]) == (base_lot["code"], "kg", "9.8")
    assert made["used"] == {"quantity": "2", "unit": "kg"}
    top = made["children"][0]
    assert (top["lot"], top["unit"], top["quantity"]) == (cream_lot["code"], "pcs", "100")
    assert top["used"] == {"quantity": "5", "unit": "kg"}
    back = client.get(f"/api/v1/lots/{cream_lot['code']}/trace", headers=manager).json
    via = {c["lot"]: c for c in back["children"]}
    assert (via[base_lot["code"]]["unit"], via[base_lot["code"]]["quantity"]) == ("kg", "5")
    assert "used" not in via[base_lot["code"]]


def make_base_then_cream(client, headers):
    """10 kg of base planned, 9.8 kg made in LAB; then 100 creams made from it in FG.
    Returns (base order, base output lot, cream order, cream output lot)."""
    def made(item, quantity, output, location):
        number = client.post("/api/v1/production-orders", headers=headers,
                             json={"item": item, "quantity": quantity}).json["number"]
        client.post(f"/api/v1/production-orders/{number}/start", headers=headers, json={})
        lot = client.post(f"/api/v1/production-orders/{number}/complete", headers=headers,
                          json={"quantity": output, "location": location}).json["output_lot"]
        return number, lot

    return (*made("BASE", 10, "9.8", "LAB"), *made("CREAM", 100, 100, "FG"))
