"""The item page's lot list: each row as the user reads it (their language, costs for
managers only), and a page's lots read as plain rows, not objects, in one statement."""

import re
from datetime import date, timedelta

from krafte_pwa.extensions import db
from krafte_pwa.models import Item, Lot
from krafte_pwa.services import item_queries, queries, stock
from tests.factories import candle_workshop, receive
from tests.statements import selects

EXPIRY = date.today() + timedelta(days=40)


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr><td data-label=.*?</tr>", page)


def _two_lots() -> tuple[str, str]:
    candle_workshop()
    good = receive("WAX", "1234.5", expiry=EXPIRY, cost="0.0031")
    held = receive("WAX", "2", expiry=EXPIRY + timedelta(days=1), cost="12")
    stock.change_lot_status(lot=held, status="quarantine", reason="smell check")
    return good, held


def test_rows_in_french_with_status_names_in_french(app, login_as):
    """In French after the page was shown in English (status names are looked up for each
    page, not kept from the language the template was first shown in)."""
    good, held = _two_lots()
    client = login_as("manager")
    english = _rows(client.get("/items/WAX", headers={"Accept-Language": "en"}).get_data(
        as_text=True))
    assert '<span class="status released">released</span>' in english[0]
    page = client.get("/items/WAX", headers={"Accept-Language": "fr"})
    rows = _rows(page.get_data(as_text=True))
    assert len(rows) == 2, rows
    assert f'<a href="/l/{good}">{good}</a>' in rows[0]
    assert EXPIRY.strftime("%d/%m/%Y") in rows[0] and "1\u202f234,5 g" in rows[0]
    assert '<span class="status released">libéré</span>' in rows[0]
    assert "0,0031\xa0€" in rows[0] and 'data-label="Coût unitaire"' in rows[0]
    assert '<span class="status quarantine">quarantaine</span>' in rows[1]


def test_rows_in_english_and_no_costs_for_operators(app, login_as):
    good, _held = _two_lots()
    page = login_as("operator").get("/items/WAX", headers={"Accept-Language": "en"})
    rows = _rows(page.get_data(as_text=True))
    assert '<span class="status released">released</span>' in rows[0]
    assert "1,234.5 g" in rows[0] and EXPIRY.strftime("%b %-d, %Y") in rows[0]
    assert not [r for r in rows if "€" in r or "Unit cost" in r], rows


def test_a_lot_code_is_escaped_and_its_link_quoted(app, login_as):
    candle_workshop()
    code = receive("WAX", "5")
    db.session.execute(db.update(Lot).where(Lot.code == code).values(code="A<b>&1 2"))
    db.session.commit()
    rows = _rows(login_as("operator").get("/items/WAX").get_data(as_text=True))
    assert rows[0].startswith('<tr><td data-label="Lot"><a href="/l/A%3Cb%3E%261%202">'
                              "A&lt;b&gt;&amp;1 2</a>"), rows


def test_a_page_reads_its_lots_as_rows_in_one_statement(app):
    candle_workshop()
    for _n in range(12):
        receive("WAX", "3", expiry=EXPIRY)
    db.session.remove()
    item = queries.item_by_sku("WAX")
    with selects() as statements:
        found = item_queries.item_lots(item)
    assert len(found.rows) == 12 and all(q == 3 for _lot, q in found.rows)
    # the rows as the page shows them, no lot or item object built or tracked
    assert not [o for o in db.session.identity_map.values() if isinstance(o, Lot)]
    assert [o for o in db.session.identity_map.values() if isinstance(o, Item)] == [item]
    assert [s for s in statements if re.search(r"\bFROM (lot|item)\b", s)] == [
        s for s in statements if re.search(r"\bFROM lot\b", s)], statements
    assert len([s for s in statements if re.search(r"\bFROM lot\b", s)]) == 1
