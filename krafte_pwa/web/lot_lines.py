"""The rows of the lot lists pages show (an item's lots, the alert lists), each value
formatted here once with the page's locale: a page lists up to fifty lots a list, and a
template would find the locale, an attribute and a filter again for every value of every
row."""

from typing import NamedTuple
from urllib.parse import quote

from flask import url_for

from .i18n import PageFormats, lot_status_label


class LotLine(NamedTuple):
    href: str  # the lot's page
    code: str
    expiry: str
    status: str  # as stored: the status's CSS class
    status_name: str  # in words, in the user's language
    quantity: str  # with the item's unit
    unit_cost: str  # empty unless the user sees costs


def item_lot_lines(rows, unit: str, *, costs: bool) -> list[LotLine]:
    """`rows`: (lot, quantity) of services.item_queries.item_lots."""
    fmt = PageFormats()
    link = url_for("stock.lot", code="-")[:-1]  # each row's link: this and its code
    names: dict[str, str] = {}
    lines = []
    for lot, quantity in rows:
        status = lot.status
        name = names.get(status)
        if name is None:
            name = names[status] = lot_status_label(status)
        lines.append(LotLine(link + quote(lot.code, safe="/"), lot.code, fmt.date(lot.expiry),
                             status, name, fmt.quantity(quantity, unit),
                             fmt.money(lot.unit_cost, unit_cost=True) if costs else ""))
    return lines


class AlertLine(NamedTuple):
    href: str  # the lot's page
    code: str
    item: str  # the item's name
    quantity: str  # with the item's unit
    expiry: str  # empty when the lot has none


ALERT_LISTS = ("expired", "expiring", "quarantine", "cost_missing")


def alert_lot_lines(found, shown: int) -> dict[str, list[AlertLine]]:
    """The first `shown` rows of each lot list of `found` (services.alerts.Alerts)."""
    fmt = PageFormats()
    link = url_for("stock.lot", code="-")[:-1]
    return {key: [AlertLine(link + quote(a.lot.code, safe="/"), a.lot.code, a.lot.item.name,
                            fmt.quantity(a.quantity, a.lot.item.unit), fmt.date(a.lot.expiry))
                  for a in getattr(found, key)[:shown]]
            for key in ALERT_LISTS}
