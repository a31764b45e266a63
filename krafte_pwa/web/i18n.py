"""Locale from the user's preference, else the browser's; number and date formatting."""

from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_currency, parse_pattern
from flask import current_app, request
from flask_babel import get_locale, gettext
from flask_login import current_user
from markupsafe import Markup

from ..domain.numbers import normalize
from ..domain.vocabulary import KIND_BY_NAME, LOT_STATUS_LABELS, ORDER_STATUS_LABELS

LOCALES = ("en", "fr")
# parsed once: long lists format hundreds of quantities per page
QUANTITY_PATTERN = parse_pattern("#,##0.######")


@lru_cache(maxsize=16)
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


def select_locale() -> str:
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale:
        return current_user.locale
    chosen = request.cookies.get("locale") if request else None
    if chosen in LOCALES:
        return chosen
    if request:
        match = request.accept_languages.best_match(LOCALES)
        if match:
            return match
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def fmt_quantity(value, unit: str | None = None) -> str:
    if value is None:
        return ""
    return _formatted_quantity(Decimal(value), unit, str(get_locale()))


@lru_cache(maxsize=4096)
def _formatted_quantity(value: Decimal, unit: str | None, locale: str) -> str:
    text = QUANTITY_PATTERN.apply(normalize(value), _babel_locale(locale))
    return f"{text} {unit}" if unit else text


CENT, TEN_THOUSANDTH = Decimal("0.01"), Decimal("0.0001")


def fmt_money(value, *, unit_cost: bool = False, short: bool = False) -> str:
    """Amounts to the cent; a unit cost below 1 to 4 decimals (0,0031 €), which pages
    need to tell cheap ingredients apart. Exact values stay in the API and the exports.
    `short`: a whole amount without its cents (chart axes: 10,000 € not 10,000.00 €)."""
    if value is None:
        return ""
    return _formatted_money(Decimal(value), unit_cost, short,
                            current_app.config.get("CURRENCY", "EUR"), str(get_locale()))


@lru_cache(maxsize=4096)
def _formatted_money(amount: Decimal, unit_cost: bool, short: bool, currency: str,
                     name: str) -> str:
    """Long lists show many amounts: each is formatted once per locale."""
    locale = _babel_locale(name)
    if short and amount == amount.to_integral_value():
        pattern = locale.currency_formats["standard"].pattern.replace("0.00", "0")
        return format_currency(amount.to_integral_value(), currency, format=pattern,
                               locale=locale, currency_digits=False)
    if unit_cost and abs(amount) < 1:
        pattern = locale.currency_formats["standard"].pattern.replace("0.00", "0.0000")
        return format_currency(amount.quantize(TEN_THOUSANDTH, rounding=ROUND_HALF_UP),
                               currency, format=pattern, locale=locale, currency_digits=False)
    return format_currency(amount.quantize(CENT, rounding=ROUND_HALF_UP), currency,
                           locale=locale)


def fmt_date(value) -> str:
    if value is None:
        return ""
    return _formatted_date(value, str(get_locale()))


@lru_cache(maxsize=4096)
def _formatted_date(value, locale: str) -> str:
    """Lists show the same few expiry dates on many rows: each is formatted once."""
    return babel_format_date(value, "medium" if locale == "en" else "dd/MM/yyyy",
                             locale=_babel_locale(locale))


def fmt_datetime(value) -> Markup:
    """A moment stored in UTC: the date and time in the user's locale, marked so that the
    page's script shows it in the device's own time zone (app.js); UTC without script."""
    if value is None:
        return Markup("")
    locale = _babel_locale(str(get_locale()))
    pattern = "MMM d, y, h:mm a" if str(locale) == "en" else "dd/MM/yyyy HH:mm"
    text = babel_format_datetime(value, pattern,
                                 tzinfo=UTC, locale=locale)
    iso = value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return Markup('<time datetime="%s" data-local>%s UTC</time>') % (iso, text)


def movement_label(kind_name: str) -> str:
    """A movement kind as people say it, in their language."""
    kind = KIND_BY_NAME.get(kind_name)
    return gettext(kind.label) if kind else kind_name


def lot_status_label(status: str) -> str:
    label = LOT_STATUS_LABELS.get(status)
    return gettext(label) if label else status


def order_status_label(status: str) -> str:
    label = ORDER_STATUS_LABELS.get(status)
    return gettext(label) if label else status


class PageFormats:
    """The formatters above with the request's locale (and currency) looked up once: a
    list of fifty rows formats a hundred values, each then only a look-up in their
    caches."""

    def __init__(self):
        self.locale = str(get_locale())
        self.currency = current_app.config.get("CURRENCY", "EUR")

    def quantity(self, value, unit: str | None = None) -> str:
        if value is None:
            return ""
        return _formatted_quantity(Decimal(value), unit, self.locale)

    def money(self, value, *, unit_cost: bool = False) -> str:
        if value is None:
            return ""
        return _formatted_money(Decimal(value), unit_cost, False, self.currency, self.locale)

    def date(self, value) -> str:
        if value is None:
            return ""
        return _formatted_date(value, self.locale)
