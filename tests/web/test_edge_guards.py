"""Input no database or date arithmetic can take is a 400 with a clear code and changes
nothing: NUL bytes and lone surrogates anywhere, deeply nested JSON, page
numbers and dates out of range, bad Idempotency-Keys. On both databases."""

import pytest

from krafte_pwa.extensions import db
from krafte_pwa.models import Location
from tests.factories import candle_workshop


def _locations() -> int:
    return db.session.query(Location).count()


def _refused(response, code: str, status: int = 400):
    assert response.status_code == status, response.data
    assert response.json["error"]["code"] == code, response.json
    assert response.json["error"]["message"]


@pytest.mark.parametrize("raw", [
    '{"code": "A\\u0000B", "name": "Store"}',  # NUL in a value
    '{"code": "AB", "name": "Store \\ud800"}',  # a lone surrogate
    '{"code": "AB", "name": "Store", "\\u0000": 1}',  # NUL in a key
    '{"code": "AB", "name": "Store", "parent": ["\\udfff"]}',  # deeper, low surrogate
])
def test_nul_and_lone_surrogates_in_json_are_refused(client, manager, raw):
    before = _locations()
    response = client.post("/api/v1/locations", data=raw, headers=manager,
                           content_type="application/json")
    _refused(response, "bad_text")
    assert _locations() == before


def test_nul_in_the_query_string_path_and_form_is_refused(client, manager, users):
    _refused(client.get("/api/v1/items?q=wax%00", headers=manager), "bad_text")
    _refused(client.get("/api/v1/items/WAX%00X", headers=manager), "bad_text")
    _refused(client.get("/api/v1/lots?status=%00", headers=manager), "bad_text")
    page = client.post("/login", data={"username": "manager\x00", "password": "x"})
    assert page.status_code == 400
    assert b"NUL" in page.data


def test_deeply_nested_json_is_refused_before_any_view(client, manager):
    before = _locations()
    for raw in ("[" * 100_000 + "]" * 100_000,
                '{"code": "AB", "name": "Store", "x": ' + "[" * 40 + "]" * 40 + "}",
                '{"code": "AB", "name": ' + '{"a": ' * 33 + "1" + "}" * 33 + "}"):
        response = client.post("/api/v1/locations", data=raw, headers=manager,
                               content_type="application/json")
        _refused(response, "bad_json")
    assert _locations() == before
    shallow = '{"code": "AB", "name": "Store", "x": ' + "[" * 20 + "]" * 20 + "}"
    assert client.post("/api/v1/locations", data=shallow, headers=manager,
                       content_type="application/json").status_code == 201


@pytest.mark.parametrize("query", ["page=99999999999999999999", "page=1000001",
                                   "per_page=-1", "page=abc", "per_page=100000000000000000000",
                                   "page=0"])
def test_page_numbers_out_of_range_are_refused(client, manager, query):
    for path in ("/api/v1/items", "/api/v1/lots", "/api/v1/counts", "/api/v1/shipments",
                 "/api/v1/production-orders", "/api/v1/purchase-orders",
                 "/api/v1/reports/movements"):
        response = client.get(f"{path}?{query}", headers=manager)
        assert response.status_code == 400, (path, response.data)
        assert response.json["error"]["code"] == "bad_input"


def test_the_last_page_allowed_is_an_empty_page(client, manager):
    response = client.get("/api/v1/items?page=1000000&per_page=500", headers=manager)
    assert response.status_code == 200
    assert response.json["items"] == [] and response.json["page"] == 1000000


@pytest.mark.parametrize("path", [
    "/api/v1/reports/valuation?at=9999-12-31",
    "/api/v1/reports/valuation?at=9999-12-31T23:59:59.999999",
    "/api/v1/reports/movements?until=9999-12-31",
    "/api/v1/reports/movements?since=0001-01-01T00:00:00%2B05:00",
    "/api/v1/reports/accounting?since=0001-01-01&until=9999-12-31",
    "/api/v1/lots?expiring_before=9999-12-31",
    "/api/v1/lots?expiring_before=0001-01-01",
])
def test_dates_out_of_range_are_refused(client, manager, path):
    _refused(client.get(path, headers=manager), "bad_date")


def test_dates_out_of_range_in_a_body_are_refused(client, manager):
    candle_workshop()
    db.session.commit()
    for expiry in ("9999-12-31", "0001-01-01"):
        response = client.post("/api/v1/receipts", headers=manager, json={
            "supplier": "Cires", "location": "STORE",
            "lines": [{"item": "WAX", "quantity": "1", "expiry": expiry}]})
        _refused(response, "bad_date")
    assert client.get("/api/v1/lots", headers=manager).json["total"] == 0


def test_report_pages_refuse_dates_out_of_range(login_as):
    client = login_as("manager")
    for path in ("/reports/movements?until=9999-12-31", "/reports/orders?until=9999-12-31"):
        assert client.get(path).status_code == 400, path


@pytest.mark.parametrize("key", ["k" * 201, "abc\x01def", "clé-é"])
def test_bad_idempotency_keys_are_a_400(client, manager, key):
    before = _locations()
    response = client.post("/api/v1/locations", json={"code": "AB", "name": "Store"},
                           headers={**manager, "Idempotency-Key": key})
    _refused(response, "bad_idempotency_key")
    assert _locations() == before


def test_a_good_idempotency_key_still_replays(client, manager):
    headers = {**manager, "Idempotency-Key": "k" * 200}
    first = client.post("/api/v1/locations", json={"code": "AB", "name": "Store"},
                        headers=headers)
    again = client.post("/api/v1/locations", json={"code": "AB", "name": "Store"},
                        headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _locations() == 1


def test_csv_imports_refuse_nul_and_broken_csv(client, manager):
    for data in (b"sku,name,kind,unit\nWAX,Soy\x00wax,material,g\n",
                 b"sku,name,kind,unit\nWAX,Soy wax,material,g\n"
                 b"LONG,\"" + b"x" * 140_000 + b"\",material,g\n"):
        response = client.post("/api/v1/imports/items", data=data, headers=manager,
                               content_type="text/csv")
        _refused(response, "not_csv")
    assert client.get("/api/v1/items", headers=manager).json["total"] == 0
    # A line break alone inside a field (old Mac files) is a line break, not a 500.
    data = b"sku,name,kind,unit\rWAX,Soy wax,material,g\rWICK,Wick\r,material,pcs\n"
    response = client.post("/api/v1/imports/items?dry_run=1", data=data, headers=manager,
                           content_type="text/csv")
    assert response.status_code in (200, 422), response.data


def test_a_form_part_without_a_name_is_not_a_500(client, manager):
    body = (b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n"
            b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n"
            b"sku,name,kind,unit\n\r\n--b--\r\n")
    response = client.post("/api/v1/imports/items", data=body, headers=manager,
                           content_type="multipart/form-data; boundary=b")
    assert response.status_code == 201, response.data  # a header alone: nothing to import


def test_a_recipe_version_beyond_any_integer_is_not_found(client, manager):
    from tests.production_factories import candle_batch_workshop

    candle_batch_workshop()
    db.session.commit()
    for version in ("99999999999999999999", "-99999999999999999999", "0"):
        response = client.get(f"/api/v1/recipes/CANDLE?version={version}", headers=manager)
        _refused(response, "no_recipe", 404)
    assert client.get("/api/v1/recipes/CANDLE?version=1", headers=manager).status_code == 200
