"""The rows of an item's lot list as its page shows them, each value formatted here once
with the page's locale: a page lists up to fifty lots, and a template would find the
locale, an attribute and a filter again for every value of every row."""

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
