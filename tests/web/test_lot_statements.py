"""Reading or moving a lot through the API reads the lot with its item and supplier in one
statement, and a transfer's answer reuses the lot it moved: a phone's most frequent calls
stay a handful of round trips to the database."""

import re

from krafte_pwa.extensions import db
from krafte_pwa.services import production
from tests.factories import candle_workshop, receive
from tests.production_factories import candle_batch_workshop
from tests.statements import selects


def test_a_lot_read_and_a_transfer_take_few_statements(client, operator):
    candle_workshop()
    code = receive("WAX", "100", supplier="Cires du Sud")
    db.session.remove()
    with selects() as statements:
        read = client.get(f"/api/v1/lots/{code}", headers=operator)
    assert read.status_code == 200 and read.json["item"] == "WAX", read.json
    # the token and its user; the lot with its item, supplier, balances and whether its
    # status ever changed (it did not: no statement for the changes)
    assert len(statements) == 2, statements
    with selects() as statements:
        moved = client.post("/api/v1/transfers", headers={**operator, "Idempotency-Key": "t1"},
                            json={"lot": code, "from": "STORE", "to": "SHELF",
                                  "quantity": "30"})
    assert moved.status_code == 201, moved.json
    # the lot read once, its item and supplier with it
    assert [table for s in statements
            for table in re.findall(r"\bFROM (lot|item|partner)\b", s)] == ["lot"], statements


def test_a_page_view_reads_its_session_and_user_in_one_statement(client, login_as):
    candle_workshop()
    code = receive("WAX", "100")
    db.session.remove()
    login_as("operator")
    with selects() as statements:
        page = client.get(f"/l/{code}")
    assert page.status_code == 200
    assert [table for s in statements
            for table in re.findall(r'\bFROM ("?user"?|user_session)\b', s)] == ["user_session"], \
        statements


def test_a_lot_read_reads_its_status_changes_only_when_it_has_some(client, operator, manager):
    candle_workshop()
    code = receive("WAX", "100", supplier="Cires du Sud")
    receive("WAX", "5")
    answer = client.post(f"/api/v1/lots/{code}/status", headers=manager,
                         json={"status": "quarantine", "reason": "smell check"})
    assert answer.status_code in (200, 201), answer.json
    db.session.remove()
    with selects() as statements:
        read = client.get(f"/api/v1/lots/{code}", headers=operator)
    assert read.status_code == 200, read.json
    assert read.json["status"] == "quarantine" and read.json["status_reason"] == "smell check"
    assert len(statements) == 3, statements
    assert client.get("/api/v1/lots/NOPE", headers=operator).status_code == 404


def test_a_lot_page_reads_the_lot_once_and_each_row_with_what_it_shows(client, login_as):
    """A lot used in production: the trace both ways reuses the lot the page read, and the
    history's rows come with their locations and users (no read per row)."""
    lots = candle_batch_workshop()
    number = production.plan_order(item="CANDLE", quantity=5).number
    production.start_order(number=number)
    production.complete_order(number=number, quantity=5, location="SHELF")
    db.session.remove()
    login_as("operator")
    with selects() as statements:
        page = client.get(f"/l/{lots['wax_soon']}")
    assert page.status_code == 200 and number in page.data.decode()
    lot_reads = [s for s in statements if re.search(r"\bFROM lot\b", s)
                 and "JOIN receipt " not in s]
    # the page's lot, then the lots made from it (forward); backward it has no inputs
    assert len(lot_reads) == 2, lot_reads
    by_key = [s for s in statements if re.search(r"\bWHERE (location|\"user\")\.id = ", s)]
    assert by_key == [], by_key
    assert len(statements) <= 16, statements
