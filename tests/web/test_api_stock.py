"""API v1 for the foundation calls, on both databases: answers, refusals, idempotency."""

from decimal import Decimal as D

import pytest

from tests.factories import candle_workshop, in_days, receive


@pytest.fixture
def workshop(app, users):
    """A candle maker with wax (g), lavender oil (ml) and wicks, a store and a shelf."""
    candle_workshop()


def post(client, path, headers, json=None, **kw):
    return client.post(path, json=json, headers=headers, **kw)


def error_code(response):
    assert response.is_json, response.data[:200]
    return response.json["error"]["code"]


def test_token_needs_the_right_password(client, users):
    assert client.post("/api/v1/tokens", json={"username": "manager",
                                               "password": "nope"}).status_code == 401
    assert client.post("/api/v1/tokens", data="junk").status_code == 400
    ok = client.post("/api/v1/tokens", json={"username": "manager",
                                             "password": "manager-password"})
    assert ok.status_code == 201 and len(ok.json["token"]) > 30


def test_calls_without_a_token_get_a_401_json_error(client, users):
    for method, path in (("get", "/api/v1/items"), ("get", "/api/v1/lots/X"),
                         ("post", "/api/v1/receipts"), ("post", "/api/v1/transfers")):
        response = getattr(client, method)(path, json={})
        assert response.status_code == 401
        assert error_code(response) == "unauthorized"
    bad = client.get("/api/v1/items", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


def test_create_and_read_items(client, manager, workshop):
    response = post(client, "/api/v1/items", manager, {
        "sku": "JAR", "name": "Amber jar 200 ml", "kind": "material", "unit": "pcs",
        "reorder_point": "100", "reorder_quantity": 500, "gtin": "4006381333931"})
    assert response.status_code == 201
    assert response.json["gtin"] == "04006381333931"
    got = client.get("/api/v1/items/JAR", headers=manager).json
    for key in ("sku", "name", "kind", "unit", "on_hand", "reserved", "available", "on_order",
                "reorder_point"):
        assert key in got
    assert got["on_hand"] == "0" and got["reorder_point"] == "100"
    listed = client.get("/api/v1/items?kind=material&q=jar", headers=manager).json
    assert [i["sku"] for i in listed["items"]] == ["JAR"]
    assert (listed["total"], listed["page"], listed["per_page"]) == (1, 1, 50)


@pytest.mark.parametrize("body,code", [
    ({"sku": "WAX", "name": "again", "kind": "material", "unit": "g"}, "duplicate_sku"),
    ({"sku": "N1", "name": "x", "kind": "gadget", "unit": "g"}, "bad_input"),
    ({"sku": "N2", "name": "x", "kind": "material", "unit": "furlong"}, "bad_input"),
    ({"sku": "N3", "name": "x", "kind": "material", "unit": "g", "gtin": "4006381333932"},
     "invalid_check_digit"),
    ({"sku": "N4", "name": "x", "kind": "material", "unit": "g", "reorder_point": "abc"},
     "bad_quantity"),
    ({"sku": "bad sku!", "name": "x", "kind": "material", "unit": "g"}, "bad_input"),
    ({"name": "x", "kind": "material", "unit": "g"}, "bad_input"),
])
def test_bad_items_are_refused(client, manager, workshop, body, code):
    before = client.get("/api/v1/items", headers=manager).json["total"]
    response = post(client, "/api/v1/items", manager, body)
    assert 400 <= response.status_code < 500
    assert error_code(response) == code
    assert client.get("/api/v1/items", headers=manager).json["total"] == before


def test_operator_is_refused_manager_only_calls(client, operator, workshop):
    code = receive("WAX", "100")
    for path, body in (("/api/v1/items", {"sku": "Z", "name": "z", "kind": "material",
                                          "unit": "g"}),
                       ("/api/v1/locations", {"code": "Z", "name": "z"}),
                       ("/api/v1/adjustments", {"lot": code, "location": "STORE",
                                                "quantity": "-1", "reason": "x"}),
                       (f"/api/v1/lots/{code}/status", {"status": "blocked", "reason": "x"})):
        response = post(client, path, operator, body)
        assert response.status_code == 403, path
        assert error_code(response) == "forbidden"
    assert client.get(f"/api/v1/lots/{code}", headers=operator).json["quantity"] == "100"


def test_operator_answers_carry_no_cost_or_value(client, operator, manager, workshop):
    code = receive("WAX", "100", cost="0.004")
    assert client.get(f"/api/v1/lots/{code}", headers=manager).json["unit_cost"] == "0.004"
    for path in (f"/api/v1/lots/{code}", "/api/v1/lots?item=WAX", "/api/v1/items/WAX",
                 "/api/v1/items", f"/api/v1/lots/{code}/movements", "/api/v1/locations/STORE"):
        text = client.get(path, headers=operator).get_data(as_text=True)
        assert "cost" not in text and "price" not in text and "value" not in text, path
    response = post(client, "/api/v1/receipts", operator, {
        "supplier": "S", "location": "STORE", "lines": [{"item": "WICK", "quantity": 5}]})
    assert response.status_code == 201 and "cost" not in response.get_data(as_text=True)


def test_receipt_answers_number_and_lots_in_line_order(client, manager, workshop):
    response = post(client, "/api/v1/receipts", manager, {
        "supplier": "Cires du Sud", "location": "STORE", "lines": [
            {"item": "WAX", "quantity": "12,5", "unit": "kg", "unit_cost": "4,20",
             "supplier_lot": "CS-9", "expiry": in_days(200).isoformat()},
            {"item": "WICK", "quantity": 250, "unit_cost": 0.06}]})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["number"].startswith("RC-")
    assert [(lot["item"], lot["quantity"]) for lot in body["lots"]] == [("WAX", "12500"),
                                                                         ("WICK", "250")]
    lot = client.get(f"/api/v1/lots/{body['lots'][0]['code']}", headers=manager).json
    assert lot["unit_cost"] == "0.0042" and lot["balances"] == [{"location": "STORE",
                                                                  "quantity": "12500"}]
    assert lot["origin"] == "receipt" and lot["status"] == "released"


@pytest.mark.parametrize("lines,code", [
    ([], "bad_input"),
    ("nope", "bad_input"),
    ([{"item": "NOPE", "quantity": 1}], "unknown_item"),
    ([{"item": "WAX", "quantity": "-5"}], "bad_quantity"),
    ([{"item": "WAX", "quantity": "0"}], "bad_quantity"),
    ([{"item": "WAX", "quantity": "lots"}], "bad_quantity"),
    ([{"item": "WAX", "quantity": 1, "unit": "pcs"}], "unit_mismatch"),
    ([{"item": "WAX", "quantity": 1, "unit": "ml"}], "unit_mismatch"),
    ([{"item": "WAX", "quantity": 1, "expiry": "next week"}], "bad_input"),
    ([{"item": "WAX", "quantity": 1, "unit_cost": "-1"}], "bad_quantity"),
    ([{"item": "WAX", "quantity": 1}, {"item": "WICK"}], "bad_quantity"),
    ([{"item": "WAX", "quantity": "1e400"}], "bad_quantity"),
    ([{"item": "WAX", "quantity": "1e-400"}], "bad_quantity"),
    ([{"item": "WAX", "quantity": "NaN"}], "bad_quantity"),
    ([{"item": "WAX", "quantity": 1, "unit_cost": "1e40"}], "bad_quantity"),
    ([{"item": "WAX", "quantity": True}], "bad_quantity"),
    ([{"item": ["WAX"], "quantity": 1}], "bad_input"),
    ([7], "bad_input"),
])
def test_bad_receipts_change_nothing(client, manager, workshop, lines, code):
    response = post(client, "/api/v1/receipts", manager,
                    {"supplier": "S", "location": "STORE", "lines": lines})
    assert 400 <= response.status_code < 500
    assert error_code(response) == code
    assert client.get("/api/v1/lots?include_empty=1", headers=manager).json["total"] == 0


def test_receipt_to_unknown_location_is_404(client, manager, workshop):
    response = post(client, "/api/v1/receipts", manager,
                    {"location": "NOWHERE", "lines": [{"item": "WAX", "quantity": 1}]})
    assert response.status_code == 404 and error_code(response) == "unknown_location"


def test_transfer_moves_stock_and_refusals_change_nothing(client, operator, workshop):
    code = receive("WAX", "1000")
    response = post(client, "/api/v1/transfers", operator,
                    {"lot": code, "from": "STORE", "to": "SHELF", "quantity": "250,5"})
    assert response.status_code == 201, response.json
    assert response.json["balances"] == [{"location": "SHELF", "quantity": "250.5"},
                                         {"location": "STORE", "quantity": "749.5"}]
    for body, status, err in (
        ({"lot": code, "from": "STORE", "to": "SHELF", "quantity": "749.6"}, 409,
         "insufficient_stock"),
        ({"lot": code, "from": "STORE", "to": "STORE", "quantity": "1"}, 400, "same_location"),
        ({"lot": "NOPE", "from": "STORE", "to": "SHELF", "quantity": "1"}, 404, "unknown_lot"),
        ({"lot": code, "from": "STORE", "to": "MARS", "quantity": "1"}, 404,
         "unknown_location"),
        ({"lot": code, "from": "STORE", "to": "SHELF", "quantity": "-1"}, 400, "bad_quantity"),
        ({"lot": code, "from": "STORE", "to": "SHELF", "quantity": [1]}, 400, "bad_quantity"),
        ({"lot": code, "from": "STORE", "to": "SHELF", "quantity": 1, "unit": "pcs"}, 400,
         "unit_mismatch"),
    ):
        refused = post(client, "/api/v1/transfers", operator, body)
        assert (refused.status_code, error_code(refused)) == (status, err), body
    lot = client.get(f"/api/v1/lots/{code}", headers=operator).json
    assert lot["quantity"] == "1000"
    assert lot["balances"] == [{"location": "SHELF", "quantity": "250.5"},
                               {"location": "STORE", "quantity": "749.5"}]


def test_adjustment_is_signed_and_needs_a_reason(client, manager, workshop):
    code = receive("FO-LAV", "1", unit="l")
    ok = post(client, "/api/v1/adjustments", manager,
              {"lot": code, "location": "STORE", "quantity": "-12,5", "reason": "spill"})
    assert ok.status_code == 201 and ok.json["quantity"] == "987.5"
    for body, err in (({"lot": code, "location": "STORE", "quantity": "-1"}, "bad_input"),
                      ({"lot": code, "location": "STORE", "quantity": "0", "reason": "x"},
                       "bad_quantity"),
                      ({"lot": code, "location": "STORE", "quantity": "-988", "reason": "x"},
                       "insufficient_stock")):
        assert error_code(post(client, "/api/v1/adjustments", manager, body)) == err
    moves = client.get(f"/api/v1/lots/{code}/movements", headers=manager).json["items"]
    assert [(m["kind"], m["quantity"], m["reason"]) for m in moves] == [
        ("adjustment", "-12.5", "spill"), ("receipt", "1000", None)]


def test_lot_status_change(client, manager, workshop):
    code = receive("WAX", "10")
    ok = post(client, f"/api/v1/lots/{code}/status", manager,
              {"status": "quarantine", "reason": "smell"})
    assert ok.status_code == 200 and ok.json["status"] == "quarantine"
    assert error_code(post(client, f"/api/v1/lots/{code}/status", manager,
                           {"status": "quarantine", "reason": "again"})) == "no_change"
    assert error_code(post(client, f"/api/v1/lots/{code}/status", manager,
                           {"status": "lost", "reason": "x"})) == "bad_input"
    assert error_code(post(client, f"/api/v1/lots/{code}/status", manager,
                           {"status": "released"})) == "bad_input"
    listed = client.get("/api/v1/lots?status=quarantine", headers=manager).json
    assert [lot["code"] for lot in listed["items"]] == [code]


def test_lots_list_is_in_fefo_order_with_filters(client, manager, workshop):
    late = receive("WAX", "1", expiry=in_days(60))
    none = receive("WAX", "1")
    soon = receive("WAX", "1", expiry=in_days(5), location="SHELF")
    listed = client.get("/api/v1/lots?item=WAX", headers=manager).json
    assert [lot["code"] for lot in listed["items"]] == [soon, late, none]
    shelf = client.get("/api/v1/lots?location=SHELF", headers=manager).json
    assert [lot["code"] for lot in shelf["items"]] == [soon]
    before = client.get(f"/api/v1/lots?expiring_before={in_days(30)}", headers=manager).json
    assert [lot["code"] for lot in before["items"]] == [soon]
    paged = client.get("/api/v1/lots?item=WAX&per_page=2&page=2", headers=manager).json
    assert [lot["code"] for lot in paged["items"]] == [none] and paged["total"] == 3
    for query in ("page=0", "per_page=100000", "page=x", "status=gone",
                  "expiring_before=tomorrow"):
        response = client.get(f"/api/v1/lots?{query}", headers=manager)
        assert response.status_code == 400, query
    assert client.get("/api/v1/lots?item=NOPE", headers=manager).status_code == 404


def test_locations(client, manager, workshop):
    created = post(client, "/api/v1/locations", manager, {"code": "COLD", "name": "Cold room"})
    assert created.status_code == 201
    assert error_code(post(client, "/api/v1/locations", manager,
                           {"code": "COLD", "name": "again"})) == "duplicate_location"
    code = receive("WAX", "7", location="COLD")
    got = client.get("/api/v1/locations/COLD", headers=manager).json
    assert got["contents"] == [{"lot": code, "item": "WAX", "quantity": "7", "unit": "g",
                                "expiry": None}]
    assert client.get("/api/v1/locations/NOPE", headers=manager).status_code == 404


def test_idempotency_key_replays_the_first_answer_and_changes_nothing(client, manager,
                                                                     workshop):
    body = {"supplier": "S", "location": "STORE", "lines": [{"item": "WAX", "quantity": 5}]}
    headers = {**manager, "Idempotency-Key": "phone-42-1"}
    first = post(client, "/api/v1/receipts", headers, body)
    second = post(client, "/api/v1/receipts", headers, body)
    assert first.status_code == second.status_code == 201
    assert first.json == second.json and second.headers["Idempotent-Replayed"] == "true"
    assert client.get("/api/v1/items/WAX", headers=manager).json["on_hand"] == "5"
    other = post(client, "/api/v1/receipts", headers, {**body, "supplier": "T"})
    assert other.status_code == 409 and error_code(other) == "idempotency_key_reused"
    code = first.json["lots"][0]["code"]
    move = {"lot": code, "from": "STORE", "to": "SHELF", "quantity": "2"}
    moved = [post(client, "/api/v1/transfers", {**manager, "Idempotency-Key": "m1"}, move)
             for _ in range(3)]
    assert {r.status_code for r in moved} == {201}
    assert client.get(f"/api/v1/lots/{code}", headers=manager).json["balances"] == [
        {"location": "SHELF", "quantity": "2"}, {"location": "STORE", "quantity": "3"}]


def test_a_refused_request_with_a_key_can_be_retried(client, manager, workshop):
    code = receive("WAX", "1")
    headers = {**manager, "Idempotency-Key": "retry-1"}
    move = {"lot": code, "from": "STORE", "to": "SHELF", "quantity": "2"}
    assert post(client, "/api/v1/transfers", headers, move).status_code == 409
    post(client, "/api/v1/adjustments", manager,
         {"lot": code, "location": "STORE", "quantity": "1", "reason": "found"})
    assert post(client, "/api/v1/transfers", headers, move).status_code == 201


def test_bad_json_and_unknown_routes_answer_json(client, manager):
    response = client.post("/api/v1/receipts", data="{oops", headers={
        **manager, "Content-Type": "application/json"})
    assert response.status_code == 400 and error_code(response) == "bad_json"
    response = client.post("/api/v1/receipts", json=[1, 2], headers=manager)
    assert error_code(response) == "bad_json"
    assert error_code(client.get("/api/v1/nothing", headers=manager)) == "not_found"
    assert client.delete("/api/v1/items", headers=manager).status_code == 405


def test_cookie_session_api_writes_need_the_csrf_token(app, client, login_as, workshop):
    login_as("manager")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/locations", json={"code": "X1", "name": "x"})
    assert response.status_code == 400 and error_code(response) == "csrf_failed"
    assert client.get("/api/v1/items").status_code == 200


def test_openapi_document_describes_every_call(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    for path in ("/tokens", "/items", "/items/{sku}", "/locations", "/locations/{code}",
                 "/receipts", "/lots", "/lots/{code}", "/lots/{code}/status", "/transfers",
                 "/adjustments"):
        assert path in doc["paths"], path


def test_quantities_travel_as_strings(client, manager, workshop):
    code = receive("WAX", D("0.000001"))
    lot = client.get(f"/api/v1/lots/{code}", headers=manager).json
    assert lot["quantity"] == "0.000001"
    fine = post(client, "/api/v1/receipts", manager, {"location": "STORE", "lines": [
        {"item": "WAX", "quantity": "0.0000001234", "unit": "kg", "unit_cost": "0.123456789"}]})
    assert fine.status_code == 201 and fine.json["lots"][0]["quantity"] == "0.000123"


def test_csv_import_by_api_dry_run_then_write(client, manager, operator, workshop):
    data = "sku;name;kind;unit\nJAR;Pot 50 ml;material;pcs\nBAD;;material;pcs\n"
    refused = client.post("/api/v1/imports/items", data=data.encode(), headers=manager)
    assert refused.status_code == 422
    assert refused.json["problems"] == [{"line": 3, "column": "name",
                                         "reason": "name is required"}]
    good = "sku;name;kind;unit\nJAR;Pot 50 ml;material;pcs\n"
    dry = client.post("/api/v1/imports/items?dry_run=1", data=good, headers=manager)
    assert dry.status_code == 200 and dry.json["written"] is False
    assert client.get("/api/v1/items/JAR", headers=manager).status_code == 404
    done = client.post("/api/v1/imports/items", data=good, headers=manager)
    assert done.status_code == 201 and done.json["created"] == ["JAR"]
    assert client.post("/api/v1/imports/items", data=good, headers=operator).status_code == 403
