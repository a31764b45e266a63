"""Accounting through the API: settings for admins, the journal and its files
for managers (FEC, Xero, QuickBooks, CSV read back by validators), closed periods frozen;
operators see none of it."""

import csv
import io
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest

from krafte_pwa.services import stock
from tests.accounting_factories import workshop_month

FEC_FIELDS = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum",
              "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib",
              "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise",
              "Idevise"]


@pytest.fixture
def admin(client, users):
    answer = client.post("/api/v1/tokens", json={"username": "admin",
                                                 "password": "admin-password"})
    return {"Authorization": "Bearer " + answer.json["token"]}


@pytest.fixture
def month(app):
    return workshop_month()


def _period(month) -> str:
    return f"from={month['first'].isoformat()}&to={month['last'].isoformat()}"


def read_fec(content: bytes, first: date, last: date) -> list[dict]:
    """The checks an accountant's import makes: names and order of the 18 fields, tabs,
    dates, decimal comma, entries numbered without gaps, each entry balanced."""
    text = content.decode("iso-8859-15")
    lines = text.split("\r\n")
    assert lines[-1] == "" and all(lines[:-1])
    rows = [line.split("\t") for line in lines[:-1]]
    assert rows[0] == FEC_FIELDS
    entries: dict[int, list] = defaultdict(list)
    order = []
    for row in rows[1:]:
        assert len(row) == 18, row
        record = dict(zip(FEC_FIELDS, row, strict=True))
        for field in ("EcritureDate", "PieceDate", "ValidDate"):
            assert re.fullmatch(r"\d{8}", record[field])
            assert first <= datetime.strptime(record[field], "%Y%m%d").date() <= last
        for field in ("Debit", "Credit"):
            assert re.fullmatch(r"\d+,\d{2}", record[field]), record[field]
        assert record["JournalCode"] and record["JournalLib"] and record["CompteNum"]
        assert record["CompteLib"] and record["PieceRef"] and record["EcritureLib"]
        number = int(record["EcritureNum"])
        if not order or order[-1] != number:
            assert number not in entries, "an entry's lines are together"
            order.append(number)
        entries[number].append(record)
    assert order == list(range(1, len(order) + 1))
    for number, records in entries.items():
        debit = sum(D(r["Debit"].replace(",", ".")) for r in records)
        credit = sum(D(r["Credit"].replace(",", ".")) for r in records)
        assert debit == credit > 0, number
        assert len({r["EcritureDate"] for r in records}) == 1
    return [dict(zip(FEC_FIELDS, row, strict=True)) for row in rows[1:]]


def read_csv(content: bytes, header: list[str]) -> list[dict]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows[0] == header
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def read_xero(content: bytes) -> list[dict]:
    rows = read_csv(content, ["*Narration", "*Date", "Description", "*AccountCode",
                              "*TaxRate", "*Amount", "TrackingName1", "TrackingOption1",
                              "TrackingName2", "TrackingOption2"])
    journals: dict[tuple, D] = defaultdict(D)
    for row in rows:
        datetime.strptime(row["*Date"], "%d/%m/%Y")
        assert row["*AccountCode"] and row["*TaxRate"] and row["*Narration"]
        assert re.fullmatch(r"-?\d+\.\d{2}", row["*Amount"])
        journals[(row["*Narration"], row["*Date"])] += D(row["*Amount"])
    assert journals and all(total == 0 for total in journals.values())
    return rows


def read_quickbooks(content: bytes) -> list[dict]:
    rows = read_csv(content, ["Journal No", "Journal Date", "Account Name", "Debits",
                              "Credits", "Description", "Name"])
    balance: dict[str, D] = defaultdict(D)
    dates: dict[str, set] = defaultdict(set)
    for row in rows:
        datetime.strptime(row["Journal Date"], "%m/%d/%Y")
        assert row["Account Name"] and bool(row["Debits"]) != bool(row["Credits"])
        balance[row["Journal No"]] += D(row["Debits"] or 0) - D(row["Credits"] or 0)
        dates[row["Journal No"]].add(row["Journal Date"])
    assert balance and all(total == 0 for total in balance.values())
    assert all(len(d) == 1 for d in dates.values())
    return rows


def test_exports_read_back(client, manager, admin, month):
    assert client.put("/api/v1/accounting/settings", headers=admin,
                      json={"siren": "123456789"}).status_code == 200
    journal = client.get(f"/api/v1/accounting/journal?{_period(month)}", headers=manager)
    assert journal.status_code == 200, journal.json
    entries = journal.json["entries"]
    lines = sum(len(e["lines"]) for e in entries)
    fec = client.get(f"/api/v1/accounting/export?format=fec&{_period(month)}", headers=manager)
    assert fec.status_code == 200
    disposition = fec.headers["Content-Disposition"]
    assert f'filename="123456789FEC{month["last"].strftime("%Y%m%d")}.txt"' in disposition
    assert "Content-Length" not in fec.headers  # streamed, as it is written
    records = read_fec(fec.data, month["first"], month["last"])
    assert len(records) == lines
    assert {r["CompteLib"] for r in records if r["CompteNum"] == "31"} == {
        "Stock de matières premières"}  # the FEC speaks French
    xero = read_xero(client.get(f"/api/v1/accounting/export?format=xero&{_period(month)}",
                                headers=manager).data)
    assert len(xero) == lines
    quickbooks = read_quickbooks(client.get(
        f"/api/v1/accounting/export?format=quickbooks&{_period(month)}", headers=manager).data)
    assert len(quickbooks) == lines
    plain = client.get(f"/api/v1/accounting/export?format=csv&{_period(month)}",
                       headers=manager)
    rows = read_csv(plain.data, ["number", "date", "journal", "label", "document", "account",
                                 "account_label", "debit", "credit", "currency"])
    assert sum(D(r["debit"]) for r in rows) == sum(D(r["credit"]) for r in rows) > 0
    bad = client.get(f"/api/v1/accounting/export?format=pdf&{_period(month)}", headers=manager)
    assert bad.status_code == 400
    bad = client.get("/api/v1/accounting/journal?from=2026-13-01", headers=manager)
    assert bad.status_code == 400


def test_operators_and_managers_see_what_their_role_allows(client, manager, operator, admin):
    for path in ("/api/v1/accounting/journal", "/api/v1/accounting/export?format=csv",
                 "/api/v1/accounting/settings", "/api/v1/accounting/periods"):
        assert client.get(path, headers=operator).status_code == 403
    assert client.get("/api/v1/accounting/settings", headers=manager).status_code == 403
    assert client.put("/api/v1/accounting/settings", headers=manager,
                      json={"method": "periodic"}).status_code == 403
    settings = client.get("/api/v1/accounting/settings", headers=admin).json
    assert settings["method"] == "perpetual" and settings["accounts"]["raw_materials"] == "31"
    bad = client.put("/api/v1/accounting/settings", headers=admin,
                     json={"accounts": {"raw_materials": ""}})
    assert bad.status_code == 400
    assert client.get("/api/v1/accounting/settings", headers=admin).json == settings


def test_closed_period_is_frozen(client, manager, admin, month):
    last_month = month["first"].strftime("%Y-%m")
    before = client.get(f"/api/v1/accounting/journal?{_period(month)}", headers=manager).json
    assert client.post("/api/v1/accounting/periods", headers=manager,
                       json={"month": last_month}).status_code == 403
    this_month = date.today().strftime("%Y-%m")
    refused = client.post("/api/v1/accounting/periods", headers=admin,
                          json={"month": this_month})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "period_not_ended"
    closed = client.post("/api/v1/accounting/periods", headers=admin,
                         json={"month": last_month})
    assert closed.status_code == 201, closed.json
    again = client.post("/api/v1/accounting/periods", headers=admin, json={"month": last_month})
    assert again.status_code == 409 and again.json["error"]["code"] == "period_closed"
    older = (month["first"] - timedelta(days=1)).strftime("%Y-%m")
    assert client.post("/api/v1/accounting/periods", headers=admin,
                       json={"month": older}).status_code == 409
    # later changes: another account map, another method, a correction made today
    assert client.put("/api/v1/accounting/settings", headers=admin, json={
        "method": "periodic", "accounts": {"raw_materials": "310"}}).status_code == 200
    stock.adjust_stock(lot=month["lots"]["shea_3"], location="LAB", quantity="-0.5",
                       reason="found spoiled")
    after = client.get(f"/api/v1/accounting/journal?{_period(month)}", headers=manager).json
    assert after["entries"] == before["entries"]
    # the open month starts from the frozen balances, in the new map
    today = client.get(f"/api/v1/accounting/journal?from={date.today().replace(day=1)}",
                       headers=manager).json
    assert today["method"] == "periodic"
    raw = [ln for e in today["entries"] for ln in e["lines"] if ln["account"] == "310"]
    assert raw and not any(ln["account"] == "31" for e in today["entries"]
                           for ln in e["lines"])
    assert not any("closed period" in e["label"] for e in today["entries"])
    periods = client.get("/api/v1/accounting/periods", headers=manager).json["items"]
    assert [p["month"] for p in periods] == [last_month]


def test_openapi_describes_accounting_calls(client):
    doc = client.get("/api/v1/openapi.json").json
    for path in ("/accounting/settings", "/accounting/journal", "/accounting/export",
                 "/accounting/periods", "/lots/{code}/cost"):
        assert path in doc["paths"], path
    assert "put" in doc["paths"]["/accounting/settings"]
