"""Counts and reports through the API and the pages, on both databases: answers, roles
(operators count but see no values; reports are for managers), CSV downloads that parse
back (UTF-8 with BOM, or semicolons and decimal commas)."""

import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest

from krafte_pwa.services import production, reports
from tests.factories import candle_workshop, receive
from tests.production_factories import candle_batch_workshop


@pytest.fixture
def shop(app, users):
    """A candle maker: wax 8 kg + 5 kg and 150 wicks in STORE, 500 ml of oil on SHELF."""
    candle_workshop()
    return {"wax_1": receive("WAX", "8000", cost="0.0042"),
            "wax_2": receive("WAX", "5000", cost="0.004"),
            "wick": receive("WICK", "150", cost="0.06"),
            "oil": receive("FO-LAV", "500", location="SHELF", cost="0.09")}


def parse_csv(response, sep=","):
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=sep))


# ---------------------------------------------------------------- counts API

def test_a_count_through_the_api(client, operator, manager, shop):
    opened = client.post("/api/v1/counts", json={"location": "STORE"}, headers=operator)
    assert opened.status_code == 201, opened.json
    number = opened.json["number"]
    assert {m["lot"] for m in opened.json["missing"]} == {shop["wax_1"], shop["wax_2"],
                                                           shop["wick"]}
    again = client.post("/api/v1/counts", json={"location": "http://krafte.test/loc/STORE"},
                        headers=operator)
    assert again.status_code == 200 and again.json["number"] == number  # resumed
    for lot, quantity in ((shop["wax_1"], "7999,5"), (shop["wick"], 150),
                          (f"http://krafte.test/l/{shop['oil']}", "20")):
        answer = client.post(f"/api/v1/counts/{number}/lines",
                             json={"lot": lot, "quantity": quantity}, headers=operator)
        assert answer.status_code == 201, answer.json
    view = client.get(f"/api/v1/counts/{number}", headers=operator).json
    assert [m["lot"] for m in view["missing"]] == [shop["wax_2"]]
    lines = {ln["lot"]: ln for ln in view["lines"]}
    assert lines[shop["wax_1"]]["difference"] == "-0.5"
    assert lines[shop["oil"]]["expected"] == "0" and lines[shop["oil"]]["difference"] == "20"
    assert "value_difference" not in lines[shop["wax_1"]]  # operators see no values
    # a lot found where none was expected is beyond any tolerance: a manager confirms
    waits = client.post(f"/api/v1/counts/{number}/confirm", headers=operator)
    assert waits.status_code == 200 and waits.json["status"] == "submitted"
    done = client.post(f"/api/v1/counts/{number}/confirm", headers=manager)
    assert done.status_code == 200 and done.json["status"] == "posted"
    assert sorted((a["lot"], a["quantity"]) for a in done.json["adjustments"]) == sorted([
        (shop["wax_1"], "-0.5"), (shop["wax_2"], "-5000"), (shop["oil"], "20")])
    refused = client.post(f"/api/v1/counts/{number}/lines",
                          json={"lot": shop["wick"], "quantity": 1}, headers=operator)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "invalid_transition"


def test_count_api_refusals_are_4xx_json(client, operator, manager, shop):
    number = client.post("/api/v1/counts", json={"location": "STORE"},
                         headers=operator).json["number"]
    cases = [
        ("/api/v1/counts", {"location": "MARS"}, 404),
        ("/api/v1/counts", {}, 400),
        ("/api/v1/counts", {"location": f"http://krafte.test/l/{shop['wick']}"}, 400),
        (f"/api/v1/counts/{number}/lines", {"lot": shop["wick"], "quantity": "-1"}, 400),
        (f"/api/v1/counts/{number}/lines", {"lot": shop["wick"]}, 400),
        (f"/api/v1/counts/{number}/lines", {"lot": "NOPE", "quantity": 1}, 404),
        (f"/api/v1/counts/{number}/lines", {"lot": 12.5, "quantity": 1}, 400),
        ("/api/v1/counts/CT-1999-0001/confirm", None, 404),
    ]
    for path, body, status in cases:
        answer = client.post(path, json=body, headers=operator)
        assert answer.status_code == status, (path, body, answer.json)
        assert "error" in answer.json
    managed = client.get(f"/api/v1/counts/{number}", headers=manager).json
    assert managed["missing"] and client.get("/api/v1/counts?status=open",
                                             headers=operator).json["total"] == 1


def test_count_confirm_is_idempotent(client, operator, manager, shop):
    number = client.post("/api/v1/counts", json={"location": "STORE"},
                         headers=operator).json["number"]
    key = {**manager, "Idempotency-Key": "confirm-1"}
    first = client.post(f"/api/v1/counts/{number}/confirm", headers=key)
    second = client.post(f"/api/v1/counts/{number}/confirm", headers=key)
    assert first.status_code == second.status_code == 200
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert first.json == second.json and len(first.json["adjustments"]) == 3


# ---------------------------------------------------------------- count pages

def test_count_pages_scan_location_then_lots_without_javascript(client, login_as, shop):
    login_as("manager")
    started = client.post("/counts/", data={"location": "http://krafte.test/loc/STORE"})
    assert started.status_code == 302
    page_url = started.headers["Location"]
    page = client.get(page_url).get_data(as_text=True)
    assert shop["wax_1"] in page and "Expected here, not scanned" in page
    # a hardware scanner types the lot label and presses Enter: the page asks the quantity
    asked = client.post(page_url + "/lines", data={"lot": f"http://krafte.test/l/{shop['wick']}"})
    assert asked.status_code == 302 and f"lot={shop['wick']}" in asked.headers["Location"]
    form = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'name="quantity"' in form and "autofocus" in form
    saved = client.post(page_url + "/lines", data={"lot": shop["wick"], "quantity": "149,5"})
    assert saved.status_code == 302
    assert "149.5" in client.get(page_url).get_data(as_text=True)
    lines = parse_csv(client.get(page_url + "?format=csv&sep=;"), sep=";")
    assert {r["lot"]: r["counted"] for r in lines}[shop["wick"]] == "149,5"
    client.post(page_url + "/confirm")
    done = client.get(page_url).get_data(as_text=True)
    assert "Count confirmed: 3 adjustments posted." in done and "confirmed" in done
    assert client.get("/counts/").status_code == 200
    listed = parse_csv(client.get("/counts/?format=csv"))
    assert [(r["location"], r["status"]) for r in listed] == [("STORE", "posted")]


def test_count_page_in_french_takes_decimal_commas(client, login_as, shop):
    login_as("operator")
    client.post("/language", data={"locale": "fr", "next": "/counts/"})
    url = client.post("/counts/", data={"location": "SHELF"}).headers["Location"]
    client.post(url + "/lines", data={"lot": shop["oil"], "quantity": "499,5"})
    page = client.get(url).get_data(as_text=True)
    assert "499,5" in page


# ---------------------------------------------------------------- valuation API

def test_valuation_api_for_managers_only(client, manager, operator, shop):
    answer = client.get("/api/v1/reports/valuation", headers=manager)
    assert answer.status_code == 200
    # 8000 × 0.0042 + 5000 × 0.004 + 150 × 0.06 + 500 × 0.09 = 33.6 + 20 + 9 + 45
    assert answer.json == {"raw_materials": "107.6", "intermediates": "0", "wip": "0",
                           "finished_goods": "0", "total": "107.6", "currency": "EUR"}
    assert D(answer.json["total"]) == reports.valuation().total
    past = client.get("/api/v1/reports/valuation?at=2000-01-01", headers=manager)
    assert past.status_code == 200 and past.json["total"] == "0"
    assert client.get("/api/v1/reports/valuation?at=never",
                      headers=manager).status_code == 400
    forbidden = client.get("/api/v1/reports/valuation", headers=operator)
    assert forbidden.status_code == 403 and forbidden.json["error"]["code"] == "forbidden"


def test_movements_and_accounting_api(client, manager, operator, shop):
    moves = client.get("/api/v1/reports/movements?kind=receipt&per_page=2", headers=manager)
    assert moves.status_code == 200 and moves.json["total"] == 4
    assert len(moves.json["items"]) == 2 and moves.json["items"][0]["unit_cost"]
    today = date.today().isoformat()
    books = client.get(f"/api/v1/reports/accounting?since={today}", headers=manager).json
    rows = {r["line"]: r for r in books["rows"]}
    assert rows["receipts"]["total"] == rows["closing_balance"]["total"]
    assert client.get("/api/v1/reports/movements", headers=operator).status_code == 403
    assert client.get("/api/v1/reports/accounting?since=x",
                      headers=manager).status_code == 400


# ---------------------------------------------------------------- report pages and CSV

@pytest.fixture
def made(app, users):
    """A candle batch of 10 made and one of 5 started (WIP)."""
    candle_batch_workshop()
    done = production.plan_order(item="CANDLE", quantity=10)
    production.start_order(number=done.number)
    production.complete_order(number=done.number, quantity=10, location="SHELF")
    started = production.plan_order(item="CANDLE", quantity=5)
    production.start_order(number=started.number)
    return done.number


REPORT_PAGES = ["/reports/", "/reports/movements", "/reports/recipe-costs", "/reports/orders",
                "/reports/turnover", "/reports/stock-level?item=WAX", "/reports/expiring",
                "/reports/accounting"]


def test_operators_get_403_on_every_report_page(client, login_as, made):
    login_as("operator")
    for url in REPORT_PAGES:
        assert client.get(url).status_code == 403, url
        sep = "&" if "?" in url else "?"
        assert client.get(url + sep + "format=csv").status_code == 403, url


def test_report_pages_render_with_their_charts(client, login_as, made):
    login_as("manager")
    for url in REPORT_PAGES:
        page = client.get(url)
        assert page.status_code == 200, url
    home = client.get("/reports/").get_data(as_text=True)
    assert "<svg" in home and "Work in progress" in home and "polyline" in home
    level = client.get("/reports/stock-level?item=WAX").get_data(as_text=True)
    assert "<svg" in level
    assert client.get("/reports/stock-level?item=NOPE").status_code == 404
    assert client.get("/reports/?at=whenever").status_code == 400
    assert client.get("/reports/movements?kind=teleport").status_code == 400


def test_every_report_csv_parses_back(client, login_as, made):
    login_as("manager")
    value = reports.valuation()
    rows = parse_csv(client.get("/reports/?format=csv"))
    assert {r["category"]: D(r["value"]) for r in rows} == value.as_dict()
    fr = parse_csv(client.get("/reports/?format=csv&sep=;"), sep=";")
    assert {r["category"]: D(r["value"].replace(",", ".")) for r in fr} == value.as_dict()
    moves = parse_csv(client.get("/reports/movements?format=csv"))
    assert sum(D(r["value"]) for r in moves) == value.total  # the whole ledger, valued
    costs = parse_csv(client.get("/reports/recipe-costs?format=csv"))
    assert [r["item"] for r in costs] == ["CANDLE"] and D(costs[0]["unit_cost"]) > 0
    orders = parse_csv(client.get("/reports/orders?format=csv"))
    assert [r["order"] for r in orders] == [made]
    assert D(orders[0]["variance"]) == D(orders[0]["actual_cost"]) - \
        D(orders[0]["planned_unit_cost"]) * 10
    turnover = {r["item"]: r for r in parse_csv(client.get("/reports/turnover?format=csv"))}
    assert D(turnover["WICK"]["out"]) == 10
    level = parse_csv(client.get("/reports/stock-level?item=WICK&format=csv"))
    assert D(level[-1]["quantity"]) == 150 - 10  # 5 of them are in WIP: still stock
    expiring = parse_csv(client.get("/reports/expiring?days=60&format=csv"))
    assert {r["item"] for r in expiring} == {"WAX", "CANDLE"}  # candles capped by the wax
    today = date.today().isoformat()
    books = parse_csv(client.get(f"/reports/accounting?since={today}&format=csv&sep=;"),
                      sep=";")
    closing = next(r for r in books if r["line"] == "closing_balance")
    assert D(closing["total"].replace(",", ".")) == value.total
    assert D(closing["wip"].replace(",", ".")) == value.wip > 0


def test_items_and_lots_csv_exports(client, login_as, shop):
    login_as("operator")
    items = parse_csv(client.get("/items.csv"))
    wax = next(r for r in items if r["sku"] == "WAX")
    assert (wax["on_hand"], wax["available"], wax["unit"]) == ("13000", "13000", "g")
    assert "sale_price" not in wax
    lots = parse_csv(client.get("/lots.csv?item=WAX&sep=;"), sep=";")
    assert [r["code"] for r in lots] == [shop["wax_1"], shop["wax_2"]]
    assert "unit_cost" not in lots[0] and "value" not in lots[0]  # no values for operators
    login_as("manager")
    lots = parse_csv(client.get("/lots.csv?item=WAX&sep=;"), sep=";")
    assert lots[0]["unit_cost"] == "0,0042" and lots[0]["value"] == "33,6"
    assert client.get("/lots.csv?status=lost").status_code == 400


def test_recipes_import_api(client, manager, shop):
    data = "item;yield_quantity;component;quantity;unit\nCANDLE;1;WAX;200;g\nCANDLE;;WICK;1;\n"
    dry = client.post("/api/v1/imports/recipes?dry_run=1", data=data.encode(), headers=manager)
    assert dry.status_code == 200 and dry.json["written"] is False
    done = client.post("/api/v1/imports/recipes", data=data.encode(), headers=manager)
    assert done.status_code == 201 and done.json["created"] == ["CANDLE v1"]
    bad = client.post("/api/v1/imports/recipes", data=b"item,yield_quantity,component,quantity"
                      b"\nCANDLE,1,NOPE,1\n", headers=manager)
    assert bad.status_code == 422 and bad.json["problems"][0]["column"] == "component"
