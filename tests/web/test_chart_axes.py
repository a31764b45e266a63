"""Chart axes write thousands the user's way: 10,000 in English, 10 000 in French."""

import re
from datetime import date
from decimal import Decimal as D

import pytest
from flask_babel import refresh

from krafte_pwa.web.charts import LEFT, line_chart
from krafte_pwa.web.reports import axis_money


def _axis_labels(app, lang: str) -> list[str]:
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        refresh()
        svg = line_chart([date(2026, 1, 1), date(2026, 1, 2)],
                         [("Total", [D("1234.56"), D("9876.5")])], title="t", fmt=axis_money)
    return re.findall(rf'<text x="{LEFT - 5}" [^>]*>([^<]*)</text>', str(svg))


@pytest.mark.parametrize("lang, expected", [
    ("en", ["€0", "€2,500", "€5,000", "€7,500", "€10,000"]),
    ("fr", ["0 €", "2 500 €", "5 000 €", "7 500 €", "10 000 €"]),
])
def test_money_axis_reads_thousands(app, lang, expected):
    labels = [re.sub(r"\s", " ", label) for label in _axis_labels(app, lang)]
    assert sorted(labels, key=lambda t: int(re.sub(r"\D", "", t))) == expected


def test_money_axis_keeps_cents_when_not_whole(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        refresh()
        assert axis_money(D("6.25")) == "€6.25"
        assert axis_money(D("1000")) == "€1,000"
