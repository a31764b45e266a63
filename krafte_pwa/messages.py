"""User-facing messages of refusals, in the user's language.

Services raise errors whose message a person reads (a flash on a page, the reason of a
refused action in the offline queue, an API answer). They write it in English with named
placeholders and pass it through `_`, so the catalogue can translate it; the values are
filled in after translation. Outside a request (CLI, tests without one) it is English.

    raise NotFound(_("no lot with code '%(code)s'", code=code), code="unknown_lot")

A literal % in a message with values is written %%. `field_name` gives the words for a
field identifier: in English its words (`reorder_point`: "reorder point"), in French the
catalogue's (entries "field:reorder_point"). A path into a list (`lines[0].quantity`, as
the API's `details.field` keeps it) reads as a place and a field: "Line 1: quantity".

Within a request each of these returns a `Text`: the sentence, which can be made again in
another language (`again()` under `flask_babel.force_locale`), so an API refusal can carry
its reason in every language of the app. `ngettext` gives a sentence that follows a count,
`amount` a quantity written the user's way.
`numbered_rows` names a form's lines by the numbers the user saw (blank lines skipped).
"""

import re
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context


class Text(str):
    """A sentence in the user's language that knows how to make itself again (`again`)."""

    remake: Callable[[], str]


def _text(value: str, remake: Callable[[], str]) -> Text:
    text = Text(value)
    text.remake = remake
    return text


def again(value):
    """`value` made again in the current locale: a `Text` (and the `Text`s in it); any other
    value as it is."""
    return value.remake() if isinstance(value, Text) else value


def _again_all(values: dict) -> dict:
    return {name: again(value) for name, value in values.items()}


def _(message: str, **values) -> str:
    if has_request_context():
        from flask_babel import gettext

        return _text(gettext(message, **values), lambda: _(message, **_again_all(values)))
    return message % values if values else message


def ngettext(singular: str, plural: str, num: int, **values) -> str:
    """A sentence that follows a count (`%(num)d`), in the user's language and its plural
    rule."""
    if has_request_context():
        from flask_babel import ngettext as babel_ngettext

        return _text(babel_ngettext(singular, plural, num, **values),
                     lambda: ngettext(singular, plural, num, **_again_all(values)))
    return (singular if num == 1 else plural) % {"num": num, **values}


def day(value) -> str:
    """A date in a sentence: in the user's locale (31/12/2026, Dec 31, 2026); ISO outside a
    request."""
    if not has_request_context():
        return value.isoformat()
    from flask_babel import format_date, get_locale

    text = format_date(value, "medium" if str(get_locale()) == "en" else "dd/MM/yyyy")
    return _text(text, lambda: day(value))


def amount(value) -> str:
    """A quantity in a sentence: in the user's locale (1,500.5, 1 500,5); plain outside a
    request (1500.5)."""
    from decimal import Decimal

    from .domain.numbers import normalize, to_str

    if not has_request_context():
        return to_str(Decimal(value))
    from flask_babel import format_decimal

    return _text(format_decimal(normalize(Decimal(value)), "#,##0.######"),
                 lambda: amount(value))


def _request_row_numbers() -> dict:
    """The numbers `web.form_rows.form_rows(..., name=)` recorded for this request."""
    if not has_request_context():
        return {}
    from flask import g

    return g.get("row_numbers") or {}


# The numbers the user saw for a list's lines, by the list's name, while a form is read.
_ROW_NUMBERS: ContextVar[dict | None] = ContextVar("row_numbers", default=None)


@contextmanager
def numbered_rows(**numbers: list[int]):
    """`with numbered_rows(lines=[1, 3]):` lines[1] is named "line 3" (the form's second
    line was left blank and not sent)."""
    token = _ROW_NUMBERS.set(numbers)
    try:
        yield
    finally:
        _ROW_NUMBERS.reset(token)


def field_name(field: str, english: str | None = None) -> str:
    """The field as a sentence names it: translated, or in English `english` or the
    identifier's words; a path into a list names its place first ("Line 2, lot 1: quantity")."""
    text = _field_words(field, english)
    if not has_request_context():
        return text
    numbers = _ROW_NUMBERS.get()

    def remake():
        token = _ROW_NUMBERS.set(numbers)
        try:
            return field_name(field, english)
        finally:
            _ROW_NUMBERS.reset(token)

    return _text(text, remake)


def _field_words(field: str, english: str | None) -> str:
    if "[" in field:
        return _path_name(field)
    label = FIELD_NAMES.get(field)
    if label is None:
        return english or field
    text = _(label)
    return text if text != label else (english or ENGLISH_WORDS.get(field)
                                       or field.replace("_", " "))


_INDEXED = re.compile(r"^(\w+)\[(\d+)\]$")


def _path_name(path: str) -> str:
    where, leaf = _place(path)
    if leaf is None:
        return where
    return _("%(place)s: %(field)s", place=where, field=field_name(leaf))


def _place(path: str) -> tuple[str, str | None]:
    """("Line 2, lot 1", "quantity") for lines[1].lots[0].quantity."""
    places, leaf = [], None
    for part in path.split("."):
        indexed = _INDEXED.match(part)
        if indexed:
            place = PLACES.get(indexed[1], PLACES["entries"])
            places.append(_(place, n=_row_number(indexed[1], int(indexed[2]))))
        else:
            leaf = part
    where = ", ".join(places)
    return where[:1].upper() + where[1:], leaf


def _row_number(name: str, index: int) -> int:
    numbers = (_ROW_NUMBERS.get() or _request_row_numbers()).get(name)
    return numbers[index] if numbers and 0 <= index < len(numbers) else index + 1


def without_place(message: str, path: str | None) -> str:
    """The message without the place its field path put first ("Line 2: quantity …" ->
    "quantity …"), where the reader already sees the place (an import's row and column)."""
    if not path or "[" not in path:
        return message
    where, _leaf = _place(path)
    start = _("%(place)s: %(field)s", place=where, field="")
    return message[len(start):] if message.startswith(start) else message


def known(message) -> str:
    """A sentence of a pure-Python module (domain, labels, scan: English, no Flask) in the
    user's language: an `errors.TextError` (its msgid, marked with N_, and its values), or
    a fixed sentence the catalogue has; any other text as it is."""
    template = getattr(message, "template", None)
    if template is not None:
        return _(template, **message.values)
    return _(str(message))


def N_(message: str) -> str:  # marks a string for the catalogue; translated later
    return message


# A place in a list, by the list's name in a field path (lines[0] is "line 1").
PLACES = {
    "lines": N_("line %(n)s"),
    "picks": N_("pick %(n)s"),
    "lots": N_("lot %(n)s"),
    "consumed": N_("consumed lot %(n)s"),
    "waste": N_("waste line %(n)s"),
    "pack_units": N_("pack unit %(n)s"),
    "entries": N_("entry %(n)s"),
}

# English words where the identifier's own, underscores aside, are not the usual ones.
ENGLISH_WORDS = {"sku": "SKU", "gtin": "GTIN", "line": "order line", "po_line": "order line"}

# "field:<identifier>" in the catalogue; English says the identifier's words.
FIELD_NAMES = {
    "quantity": N_("field:quantity"),
    "unit": N_("field:unit"),
    "unit_cost": N_("field:unit_cost"),
    "expiry": N_("field:expiry"),
    "location": N_("field:location"),
    "item": N_("field:item"),
    "lot": N_("field:lot"),
    "supplier": N_("field:supplier"),
    "supplier_lot": N_("field:supplier_lot"),
    "reason": N_("field:reason"),
    "status": N_("field:status"),
    "name": N_("field:name"),
    "sku": N_("field:sku"),
    "kind": N_("field:kind"),
    "reorder_point": N_("field:reorder_point"),
    "reorder_quantity": N_("field:reorder_quantity"),
    "shelf_life_days": N_("field:shelf_life_days"),
    "gtin": N_("field:gtin"),
    "density": N_("field:density"),
    "sale_price": N_("field:sale_price"),
    "standard_cost": N_("field:standard_cost"),
    "description": N_("field:description"),
    "default_location": N_("field:default_location"),
    "default_supplier": N_("field:default_supplier"),
    "yield_quantity": N_("field:yield_quantity"),
    "loss_percent": N_("field:loss_percent"),
    "labour_minutes": N_("field:labour_minutes"),
    "labour_rate": N_("field:labour_rate"),
    "overhead": N_("field:overhead"),
    "overhead_percent": N_("field:overhead_percent"),
    "customer": N_("field:customer"),
    "code": N_("field:code"),
    "username": N_("field:username"),
    "password": N_("field:password"),
    "role": N_("field:role"),
    "date": N_("field:date"),
    "lines": N_("field:lines"),
    "from": N_("field:from"),
    "to": N_("field:to"),
    "parent": N_("field:parent"),
    "price": N_("field:price"),
    "expected_date": N_("field:expected_date"),
    "note": N_("field:note"),
    "payload": N_("field:payload"),
    "days": N_("field:days"),
    "copies": N_("field:copies"),
    "start": N_("field:start"),
    "columns": N_("field:columns"),
    "rows": N_("field:rows"),
    "label_width": N_("field:label_width"),
    "label_height": N_("field:label_height"),
    "margin_left": N_("field:margin_left"),
    "margin_top": N_("field:margin_top"),
    "gap_x": N_("field:gap_x"),
    "gap_y": N_("field:gap_y"),
    "since": N_("field:since"),
    "until": N_("field:until"),
    "at": N_("field:at"),
    "requires_qc": N_("field:requires_qc"),
    "archived": N_("field:archived"),
    "yield_unit": N_("field:yield_unit"),
    "instructions": N_("field:instructions"),
    "number": N_("field:number"),
    "expiring_before": N_("field:expiring_before"),
    "partner": N_("field:partner"),
    "line": N_("field:line"),
    "po_line": N_("field:po_line"),
}
