"""Reading plain input values into exact, checked ones, and finding things by code."""

import re
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..domain.numbers import (
    COST_PLACES,
    MAX_QUANTITY,
    MAX_UNIT_COST,
    QUANTITY_PLACES,
    BadNumber,
    fits_scale,
    parse_decimal,
    quantize,
    to_str,
)
from ..domain.units import UnitError
from ..errors import BadInput, BadQuantity, NotFound, UnitMismatch
from ..extensions import db
from ..messages import N_, _, field_name, known
from ..models import Item, Location, Lot, Partner, ProductionOrder
from ._tx import upsert

ZERO = Decimal(0)

# Dates a workshop can mean; beyond them date arithmetic (a day after, a window before)
# would overflow Python's date range.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2999, 12, 31)


def date_in_range(value: date, field: str) -> date:
    """A date (or date-time) between FIRST_DATE and LAST_DATE, or a clear 400."""
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DATE <= day <= LAST_DATE:
        raise BadInput(_("%(field)s must be between %(first)s and %(last)s",
                         field=field_name(field), first=FIRST_DATE.isoformat(),
                         last=LAST_DATE.isoformat()),
                       code="bad_date", details={"field": field})
    return value


def number(value, field: str, *, allow_zero: bool = False, signed: bool = False) -> Decimal:
    if value is None or value == "":
        raise BadQuantity(_("%(field)s is required", field=field_name(field)),
                          details={"field": field})
    try:
        result = parse_decimal(value)
    except BadNumber as exc:
        raise BadQuantity(_("%(field)s: %(problem)s", field=field_name(field), problem=known(exc)),
                          details={"field": field}) from None
    if not signed:
        if result < 0 or (result == 0 and not allow_zero):
            raise BadQuantity(_("%(field)s must be greater than zero", field=field_name(field)),
                              details={"field": field})
    elif result == 0 and not allow_zero:
        raise BadQuantity(_("%(field)s must not be zero", field=field_name(field)),
                          details={"field": field})
    if abs(result) > MAX_QUANTITY:
        raise BadQuantity(_("%(field)s is too large", field=field_name(field)),
                          details={"field": field})
    return result


def base_quantity(item: Item, value, unit: str | None, field: str = "quantity", **kw) -> Decimal:
    """Entered quantity in any unit the item knows -> its base unit, at the stored scale."""
    entered = number(value, field, **kw)
    try:
        # no unit: nothing to convert, and the item's pack units need not be read
        converted = (entered if unit is None or str(unit).strip() == ""
                     else item.units.to_base(entered, unit))
    except UnitError as exc:
        raise UnitMismatch(_("%(field)s: %(problem)s", field=field_name(field), problem=known(exc)),
                           details={"field": field}) from None
    if converted == entered and not fits_scale(entered, QUANTITY_PLACES):
        # Nothing to convert: what was typed is recorded exactly, or refused.
        raise BadQuantity(_("%(field)s has more than %(places)s decimal places",
                            field=field_name(field), places=QUANTITY_PLACES),
                          details={"field": field})
    result = quantize(converted, QUANTITY_PLACES)
    if result == 0 and entered != 0:
        raise BadQuantity(_("%(field)s is too small to record", field=field_name(field)),
                          details={"field": field})
    if abs(result) > MAX_QUANTITY:
        # 999,999,999 t of an item kept in kg: the entered number passed, the amount in
        # the base unit would not fit the ledger's scale for long.
        raise BadQuantity(_("%(field)s is too large: %(quantity)s %(unit)s is more than "
                            "%(maximum)s %(unit)s", field=field_name(field),
                            quantity=to_str(result), unit=item.unit,
                            maximum=to_str(MAX_QUANTITY)),
                          details={"field": field})
    return result


def unit_cost(value, field: str = "unit_cost") -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    result = number(value, field, allow_zero=True)
    if result > MAX_UNIT_COST:
        raise BadQuantity(_("%(field)s is too large", field=field_name(field)),
                          details={"field": field})
    return result


def cost_per_base(item: Item, cost, unit: str | None) -> Decimal:
    """A price per entered unit -> per base unit (8 decimal places)."""
    if unit is None or unit == "" or cost == 0:
        if not fits_scale(cost, COST_PLACES):
            raise BadQuantity(_("unit cost has more than %(places)s decimal places",
                                places=COST_PLACES),
                              details={"field": "unit_cost"})
        return cost
    try:
        base_per_unit = item.units.to_base(Decimal(1), unit)
    except UnitError as exc:
        raise UnitMismatch(known(exc)) from None
    result = quantize(cost / base_per_unit, COST_PLACES)
    if result > MAX_UNIT_COST:
        # 1,000 per mg of an item kept in kg is 10^9 per kg: refused, not overflowed.
        raise BadQuantity(_("unit cost is too large: %(cost)s per %(unit)s is more than "
                            "%(maximum)s", cost=to_str(result), unit=item.unit,
                            maximum=to_str(MAX_UNIT_COST)),
                          details={"field": "unit_cost"})
    return result


def text(value, field: str, *, required: bool = True, max_length: int = 200) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BadInput(_("%(field)s is required", field=field_name(field)),
                           details={"field": field})
        return None
    if not isinstance(value, str | int):
        raise BadInput(_("%(field)s must be text", field=field_name(field)),
                       details={"field": field})
    result = str(value).strip()
    if len(result) > max_length:
        raise BadInput(_("%(field)s is longer than %(max_length)s characters",
                         field=field_name(field), max_length=max_length),
                       details={"field": field})
    return result


def iso_date(value, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return date_in_range(value, field)
    try:
        parsed = date.fromisoformat(str(value).strip())
    except ValueError:
        raise BadInput(_("%(field)s must be a date like 2026-12-31", field=field_name(field)),
                       details={"field": field}) from None
    return date_in_range(parsed, field)


def item(sku) -> Item:
    sku = text(sku, "item")
    found = db.session.execute(select(Item).where(Item.sku == sku)).scalar()
    if found is None:
        raise NotFound(_("no item with SKU '%(sku)s'", sku=sku), code="unknown_item",
                       details={"field": "item"})
    return found


def fetch(column, value, field: str, missing: str, code: str, *, max_length: int = 20,
          for_update: bool = False, key_share: bool = True, with_field: bool = False,
          options=()):
    """The row whose `column` (a document's number, a lot's code …) is the given text, or
    NotFound with `missing` (a msgid; %(number)s or %(code)s is the text) and `code`.
    for_update: the row locked and read afresh (FOR NO KEY UPDATE; FOR UPDATE when not
    key_share). with_field: the refusal names `field`."""
    value = text(value, field, max_length=max_length)
    query = select(column.class_).where(column == value).options(*options)
    if for_update:
        query = query.with_for_update(key_share=key_share) \
            .execution_options(populate_existing=True)
    found = db.session.execute(query).scalar()
    if found is None:
        raise NotFound(_(missing, number=value, code=value), code=code,
                       details={"field": field} if with_field else None)
    return found


def lot(code, *, for_update: bool = False, options=()) -> Lot:
    return fetch(Lot.code, code, "lot", N_("no lot with code '%(code)s'"), "unknown_lot",
                 max_length=200, for_update=for_update, key_share=False, with_field=True,
                 options=options)


def lot_with_item(code) -> Lot:
    """A lot with its item and supplier in the same statement (what a lot's page, its API
    answer and a move of it show)."""
    return lot(code, options=(joinedload(Lot.item), joinedload(Lot.supplier)))


def order(number, *, for_update: bool = False) -> ProductionOrder:
    return fetch(ProductionOrder.number, number, "number",
                 N_("no production order '%(number)s'"), "unknown_order",
                 for_update=for_update)


def location(code, *, storage_only: bool = True) -> Location:
    code = text(code, "location")
    found = db.session.execute(select(Location).where(Location.code == code)).scalar()
    if found is None or (storage_only and found.kind != "storage"):
        raise NotFound(_("no location with code '%(code)s'", code=code), code="unknown_location",
                       details={"field": "location"})
    return found


def partner(name, *, supplier: bool = False, customer: bool = False) -> Partner | None:
    """Partners are referenced by name; an unknown name creates one."""
    name = text(name, "partner", required=False, max_length=120)
    if name is None:
        return None
    found = db.session.execute(
        select(Partner).where(func.lower(Partner.name) == name.lower())
    ).scalar()
    if found is None:
        # Two first receipts from a new supplier at once: one inserts, both then read it.
        table = Partner.__table__
        db.session.execute(upsert(table).values(name=name, is_supplier=False, is_customer=False)
                           .on_conflict_do_nothing(index_elements=[table.c.name]))
        found = db.session.execute(select(Partner).where(Partner.name == name)).scalar_one()
    found.is_supplier = found.is_supplier or supplier
    found.is_customer = found.is_customer or customer
    return found


def scaled(value, field: str, places: int, *, allow_zero: bool = True,
           default: Decimal = ZERO, maximum: Decimal | None = None) -> Decimal:
    if value is None or value == "":
        return default
    result = number(value, field, allow_zero=allow_zero)
    if not fits_scale(result, places):
        raise BadQuantity(_("%(field)s has more than %(places)s decimal places",
                            field=field_name(field), places=places),
                          details={"field": field})
    if maximum is not None and result > maximum:
        raise BadQuantity(_("%(field)s must be at most %(maximum)s", field=field_name(field),
                            maximum=maximum), details={"field": field})
    return result


def quantity_field(value, field: str, *, allow_zero: bool = True) -> Decimal:
    return scaled(value, field, QUANTITY_PLACES, allow_zero=allow_zero)


def object_list(value, field: str, *, required: bool = False, limit: int = 500) -> list[dict]:
    if value is None:
        if required:
            raise BadInput(_("%(field)s is required", field=field_name(field)),
                           details={"field": field})
        return []
    if not isinstance(value, list):
        raise BadInput(_("%(field)s must be a list", field=field_name(field)),
                       details={"field": field})
    if len(value) > limit:
        raise BadInput(_("%(field)s has more than %(limit)s entries", field=field_name(field),
                         limit=limit), details={"field": field})
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise BadInput(_("%(field)s must be an object",
                             field=field_name(f"{field}[{index}]")), details={"field": field})
    return value


# No "/": codes are path segments of pages and of the label URLs (/items/<sku>, /loc/<code>).
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def code(value, field: str) -> str:
    found = text(value, field, max_length=40)
    if not CODE.match(found):
        raise BadInput(_("%(field)s may hold letters, digits and . _ - (at most 40)",
                         field=field_name(field)), details={"field": field})
    return found


def flag(value, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in (None, "", 0, "0", "false", "off", "no"):
        return False
    if value in (1, "1", "true", "on", "yes"):
        return True
    raise BadInput(_("%(field)s must be true or false", field=field_name(field)),
                   details={"field": field})


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
