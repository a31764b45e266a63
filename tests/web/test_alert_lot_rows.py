"""The alert lists' lot rows, as home and the alerts page show them: each value formatted
once in the user's language, the lot's link quoted and its code escaped."""

import re
from datetime import date, timedelta

from krafte_pwa.extensions import db
from krafte_pwa.models import Lot
from krafte_pwa.services import alerts, stock
from tests.factories import candle_workshop, receive

TODAY = date.today()


def _rows(page: str, key: str) -> list[str]:
    """The rows of one list (`key`: its heading's id)."""
    part = page.split(f'<h2 id="{key}">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li>.*?</li>", part)


def _workshop() -> dict[str, str]:
    candle_workshop()
    return {"expired": receive("WAX", "1234.5", expiry=TODAY - timedelta(days=2),
                               today=TODAY - timedelta(days=30)),
            "expiring": receive("WAX", "2", expiry=TODAY + timedelta(days=3)),
            "quarantine": _held(receive("WICK", "7"))}


def _held(code: str) -> str:
    stock.change_lot_status(lot=code, status="quarantine", reason="check")
    return code


def test_alert_rows_in_french_and_english(app, login_as):
    lots = _workshop()
    client = login_as("operator")
    for path in ("/alerts", "/"):
        french = client.get(path, headers={"Accept-Language": "fr"}).get_data(as_text=True)
        [expired] = _rows(french, "expired")
        day = (TODAY - timedelta(days=2)).strftime("%d/%m/%Y")
        assert expired == (f'<li><a href="/l/{lots["expired"]}"><strong class="code">'
                           f'{lots["expired"]}</strong> Soy wax · 1\u202f234,5 g · '
                           f'<span class="fail">{day}</span></a></li>'), path
        [expiring] = _rows(french, "expiring")
        assert "2 g" in expiring and '<span class="">' in expiring
        [held] = _rows(french, "quarantine")
        assert lots["quarantine"] in held and " · " in held and "<span" not in held
        english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        [expired] = _rows(english, "expired")
        assert "1,234.5 g" in expired
        assert (TODAY - timedelta(days=2)).strftime("%b %-d, %Y") in expired


def test_an_alert_row_escapes_the_code_and_quotes_its_link(app, login_as):
    lots = _workshop()
    db.session.execute(db.update(Lot).where(Lot.code == lots["quarantine"])
                       .values(code="Q<b>&1 2"))
    db.session.commit()
    page = login_as("operator").get("/alerts").get_data(as_text=True)
    [held] = _rows(page, "quarantine")
    assert held.startswith('<li><a href="/l/Q%3Cb%3E%261%202"><strong class="code">'
                           "Q&lt;b&gt;&amp;1 2</strong>"), held


def test_the_lists_read_their_lots_as_rows_not_objects(app):
    """A list fills to its limit at a long history: its lots come as plain rows with what
    the lists show, no lot object built or tracked per row."""
    lots = _workshop()
    db.session.remove()
    found = alerts.alerts(limit=30)
    assert [a.lot.code for a in found.expired] == [lots["expired"]]
    assert found.expired[0].lot.item == ("WAX", "Soy wax", "g")
    assert found.quarantine[0].lot.status == "quarantine"
    assert not [o for o in db.session.identity_map.values() if isinstance(o, Lot)]
