"""Quantities, amounts and dates are formatted once per value and language: a second
language, or another currency, never gets the first one's text back."""

from datetime import date
from decimal import Decimal

from krafte_pwa import create_app
from krafte_pwa.web.i18n import fmt_date, fmt_money, fmt_quantity


def formatted(app, language: str):
    with app.test_request_context("/", headers={"Accept-Language": language}):
        return (fmt_quantity(Decimal("1234.5"), "g"), fmt_money(Decimal("0.0031"), unit_cost=True),
                fmt_money(Decimal("1234.5")), fmt_date(date(2027, 3, 4)))


def test_each_language_and_currency_its_own_text():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "t",
                      "BASE_URL": "http://krafte.test"})
    english, french = formatted(app, "en"), formatted(app, "fr")
    assert english == ("1,234.5 g", "€0.0031", "€1,234.50", "Mar 4, 2027")
    assert french == ("1\u202f234,5 g", "0,0031\xa0€", "1\u202f234,50\xa0€", "04/03/2027")
    assert formatted(app, "en") == english
    app.config["CURRENCY"] = "USD"
    assert formatted(app, "en")[1:3] == ("$0.0031", "$1,234.50")


def test_page_formats_give_the_filters_text():
    """PageFormats (the locale found once for a page's rows) formats as the filters do."""
    from krafte_pwa.web.i18n import PageFormats

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "t",
                      "BASE_URL": "http://krafte.test"})
    for language in ("en", "fr"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            fmt = PageFormats()
            assert (fmt.quantity(Decimal("1234.5"), "g"), fmt.money(Decimal("0.0031"),
                                                                     unit_cost=True),
                    fmt.money(Decimal("1234.5")), fmt.date(date(2027, 3, 4))) == \
                formatted(app, language)
            assert fmt.quantity(None) == fmt.money(None) == fmt.date(None) == ""
