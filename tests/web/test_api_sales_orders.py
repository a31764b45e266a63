"""Sales orders through the API on SQLite and PostgreSQL: the contract answers, roles and
prices, partial and whole shipping, cancel, make, refusals that change nothing, the
packing table's lot check."""

from decimal import Decimal as D

import pytest

from tests.production_factories import face_cream_workshop
from tests.sales_factories import holds, soap_shop
from tests.trade_factories import trade_snapshot


@pytest.fixture
def soaps(app, users):
    return soap_shop()


def _create(client, headers, body, status=201):
    answer = client.post("/api/v1/sales-orders", headers=headers, json=body)
    assert answer.status_code == status, answer.json
    return answer.json


def test_create_answers_the_contract_and_reserves(client, manager, operator, soaps):
    order = _create(client, manager, {"customer": "Marché Bio", "email": "a@bio.fr",
                                      "reference": "tel. 12", "lines": [
                                          {"item": "SOAP", "quantity": "150",
                                           "unit_price": "3.5"},
                                          {"item": "BALM", "quantity": 2}]})
    assert order["number"].startswith("SO-") and order["status"] == "confirmed"
    first, second = order["lines"]
    assert (first["item"], first["quantity"], first["reserved"], first["missing"]) == (
        "SOAP", "150", "145", "5")
    assert (second["reserved"], second["missing"], second["shipped"]) == ("2", "0", "0")
    assert first["unit_price"] == "3.5"
    seen = client.get(f"/api/v1/sales-orders/{order['number']}", headers=operator).json
    assert seen["channel"] == "manual" and seen["reference"] == "tel. 12"
    assert "unit_price" not in seen["lines"][0]  # operators see no prices
    item = client.get("/api/v1/items/SOAP", headers=manager).json
    assert item["available"] == "0"


def test_roles_and_refusals_change_nothing(client, manager, operator, soaps):
    before = (trade_snapshot(), holds())
    body = {"customer": "X", "lines": [{"item": "SOAP", "quantity": 1}]}
    assert client.post("/api/v1/sales-orders", headers=operator, json=body).status_code == 403
    for bad, code in (({"customer": "X", "lines": []}, 400),
                      ({"customer": "", "lines": [{"item": "SOAP", "quantity": 1}]}, 400),
                      ({"customer": "X", "lines": [{"item": "NOPE", "quantity": 1}]}, 404),
                      ({"customer": "X", "lines": [{"item": "SOAP", "quantity": "-1"}]}, 400),
                      ({"customer": "X", "email": "no-at", "lines": [
                          {"item": "SOAP", "quantity": 1}]}, 400),
                      ({"customer": "X", "lines": "SOAP"}, 400)):
        answer = client.post("/api/v1/sales-orders", headers=manager, json=bad)
        assert answer.status_code == code, (bad, answer.json)
        assert set(answer.json["error"]) >= {"code", "message"}
    assert client.get("/api/v1/sales-orders/SO-1999-0001", headers=manager).status_code == 404
    assert client.get("/api/v1/sales-orders?status=lost", headers=manager).status_code == 400
    assert (trade_snapshot(), holds()) == before


def test_list_filters_and_pages(client, manager, soaps):
    for name in ("Alpha", "Beta", "Gamma"):
        _create(client, manager, {"customer": name, "lines": [{"item": "BALM", "quantity": 1}]})
    cancelled = _create(client, manager, {"customer": "Delta", "lines": [
        {"item": "BALM", "quantity": 1}]})["number"]
    client.post(f"/api/v1/sales-orders/{cancelled}/cancel", headers=manager)
    page = client.get("/api/v1/sales-orders?status=confirmed&per_page=2", headers=manager).json
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (3, 1, 2, 2)
    assert [o["customer"] for o in page["items"]] == ["Gamma", "Beta"]
    assert client.get("/api/v1/sales-orders?status=cancelled",
                      headers=manager).json["total"] == 1
    assert client.get("/api/v1/sales-orders?channel=manual", headers=manager).json["total"] == 4
    assert client.get("/api/v1/sales-orders?channel=shop", headers=manager).json["total"] == 0


def test_ship_partly_then_wholly_and_cancel(client, manager, operator, soaps):
    number = _create(client, manager, {"customer": "Marché Bio", "lines": [
        {"item": "SOAP", "quantity": 30}]})["number"]
    part = client.post(f"/api/v1/sales-orders/{number}/ship", headers=operator,
                       json={"lines": [{"item": "SOAP", "quantity": 10,
                                        "lot": soaps["never"]}]})
    assert part.status_code == 201, part.json
    assert part.json["lines"] == [{"item": "SOAP", "lot": soaps["never"], "quantity": "10"}]
    detail = client.get(f"/api/v1/sales-orders/{number}", headers=manager).json
    assert detail["status"] == "partial" and detail["lines"][0]["shipped"] == "10"
    assert detail["lines"][0]["reserved"] == "20"
    too_much = client.post(f"/api/v1/sales-orders/{number}/ship", headers=operator,
                           json={"lines": [{"item": "SOAP", "quantity": 21}]})
    assert too_much.status_code == 409 and too_much.json["error"]["code"] == "more_than_ordered"
    rest = client.post(f"/api/v1/sales-orders/{number}/ship", headers=operator)
    assert rest.status_code == 201, rest.json
    assert rest.json["lines"] == [{"item": "SOAP", "lot": soaps["soon"], "quantity": "20"}]
    assert client.get(f"/api/v1/sales-orders/{number}",
                      headers=manager).json["status"] == "shipped"
    shipment = client.get(f"/api/v1/shipments/{rest.json['number']}", headers=manager).json
    assert shipment["customer"] == "Marché Bio" and shipment["lines"][0]["cost"] == "24"
    refused = client.post(f"/api/v1/sales-orders/{number}/cancel", headers=manager)
    assert refused.status_code == 409


def test_cancel_releases_and_replays(client, manager, soaps):
    number = _create(client, manager, {"customer": "A", "lines": [
        {"item": "SOAP", "quantity": 100}]})["number"]
    assert client.get("/api/v1/items/SOAP", headers=manager).json["available"] == "45"
    for _ in range(2):
        answer = client.post(f"/api/v1/sales-orders/{number}/cancel", headers=manager)
        assert answer.status_code == 200 and answer.json == {"number": number,
                                                             "status": "cancelled"}
    assert holds() == []
    assert client.get("/api/v1/items/SOAP", headers=manager).json["available"] == "145"


def test_idempotent_create(client, manager, soaps):
    headers = {**manager, "Idempotency-Key": "so-1"}
    body = {"customer": "A", "lines": [{"item": "BALM", "quantity": 3}]}
    first = client.post("/api/v1/sales-orders", headers=headers, json=body)
    again = client.post("/api/v1/sales-orders", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert first.json["number"] == again.json["number"]
    assert client.get("/api/v1/sales-orders", headers=manager).json["total"] == 1
    assert sum(h[2] for h in holds()) == D(3)


def test_pick_check_at_the_packing_table(client, manager, operator, soaps):
    number = _create(client, manager, {"customer": "A", "lines": [
        {"item": "SOAP", "quantity": 30}]})["number"]
    url = f"/api/v1/sales-orders/{number}/pick-check"
    reserved = client.post(url, headers=operator, json={"payload": soaps["soon"]})
    assert reserved.status_code == 200, reserved.json
    assert (reserved.json["warning"], reserved.json["suggested"]) == (None, "30")
    assert reserved.json["accepted"] is True
    label = client.post(url, headers=operator,
                        json={"payload": f"http://krafte.test/l/{soaps['later']}",
                              "packed": {soaps["soon"]: "25"}})
    assert label.json["warning"] and label.json["suggested"] == "5"
    for payload, code in ((soaps["expired"], "lot_expired"),
                          (soaps["quarantined"], "lot_quarantined"),
                          (soaps["balm"], "not_on_order"), ("SHOP", "not_a_lot")):
        answer = client.post(url, headers=operator, json={"payload": payload})
        assert answer.status_code == 200 and answer.json["accepted"] is False
        assert answer.json["code"] == code and answer.json["message"]
    unknown = client.post(url, headers=operator, json={"payload": "NO-SUCH-LOT"})
    assert unknown.status_code == 404
    bad = client.post(url, headers=operator, json={"payload": soaps["soon"], "packed": [1]})
    assert bad.status_code == 400


def test_make_plans_intermediates_first(client, manager, users):
    face_cream_workshop()
    number = _create(client, manager, {"customer": "Pharmacie", "lines": [
        {"item": "CREAM", "quantity": 100, "unit_price": "12"}]})["number"]
    made = client.post(f"/api/v1/sales-orders/{number}/make", headers=manager)
    assert made.status_code == 201, made.json
    # 100 creams need 5 kg of base cream, of which none is in stock
    assert [(o["item"], o["quantity"]) for o in made.json["production_orders"]] == [
        ("BASE", "5"), ("CREAM", "100")]
    again = client.post(f"/api/v1/sales-orders/{number}/make", headers=manager)
    assert again.status_code == 409 and again.json["error"]["code"] == "nothing_to_make"
