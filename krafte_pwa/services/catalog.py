"""Catalogue: items (with pack units and density), locations."""

import re
from decimal import Decimal

from sqlalchemy import select

from ..domain.numbers import COST_PLACES, QUANTITY_PLACES, fits_scale, quantize
from ..domain.units import BUILT_IN, UnitError, canonical, convert
from ..errors import BadInput, Conflict
from ..extensions import db
from ..models import ITEM_KINDS, Item, ItemBarcode, Location, PackUnit
from . import _inputs as read
from ._tx import commit

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")


def _code(value, field: str) -> str:
    code = read.text(value, field, max_length=40)
    if not _CODE.match(code):
        raise BadInput(f"{field} may hold letters, digits and . _ / - (at most 40)",
                       details={"field": field})
    return code


def _gtin(value) -> str | None:
    gtin = read.text(value, "gtin", required=False, max_length=14)
    if gtin is None:
        return None
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        raise BadInput("gtin must be 8, 12, 13 or 14 digits", details={"field": "gtin"})
    digits = [int(c) for c in gtin.zfill(14)]
    check = (10 - sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits[:13])) % 10) % 10
    if check != digits[13]:
        raise BadInput("gtin has a wrong check digit", code="invalid_check_digit",
                       details={"field": "gtin"})
    return gtin.zfill(14)


def _optional_quantity(value, field: str) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    result = read.number(value, field, allow_zero=True)
    if not fits_scale(result, QUANTITY_PLACES):
        raise BadInput(f"{field} has too many decimal places", details={"field": field})
    return result


def create_item(**fields) -> Item:
    item = build_item(**fields)
    db.session.add(item)
    commit()
    return item


def build_item(*, sku, name, kind, unit, reorder_point=None, reorder_quantity=None,
               shelf_life_days=None, requires_qc=False, gtin=None, density=None,
               pack_units=None, default_location=None, default_supplier=None,
               sale_price=None, description=None) -> Item:
    """A checked, unsaved item (shared by the form, the API and the CSV import)."""
    sku = _code(sku, "sku")
    name = read.text(name, "name")
    if kind not in ITEM_KINDS:
        raise BadInput(f"kind must be one of {', '.join(ITEM_KINDS)}", details={"field": "kind"})
    unit_name = canonical(read.text(unit, "unit", max_length=12))
    if unit_name not in BUILT_IN:
        raise BadInput(f"unit must be one of {', '.join(BUILT_IN)}", details={"field": "unit"})
    if db.session.execute(select(Item.id).where(Item.sku == sku)).first():
        raise Conflict(f"an item with SKU '{sku}' exists already", code="duplicate_sku")
    item = Item(sku=sku, name=name, kind=kind, unit=unit_name,
                reorder_point=_optional_quantity(reorder_point, "reorder_point"),
                reorder_quantity=_optional_quantity(reorder_quantity, "reorder_quantity"),
                shelf_life_days=_shelf_life(shelf_life_days),
                requires_qc=_flag(requires_qc, "requires_qc"), gtin=_gtin(gtin),
                description=read.text(description, "description", required=False,
                                      max_length=4000))
    if item.gtin and db.session.execute(select(Item.id).where(Item.gtin == item.gtin)).first():
        raise Conflict(f"GTIN {item.gtin} belongs to another item", code="duplicate_gtin")
    if density not in (None, ""):
        item.density = read.number(density, "density").quantize(Decimal(1).scaleb(-COST_PLACES))
    if sale_price not in (None, ""):
        item.sale_price = quantize(read.unit_cost(sale_price, "sale_price"), COST_PLACES)
    if default_location:
        item.default_location = read.location(default_location)
    if default_supplier:
        item.default_supplier = read.partner(default_supplier, supplier=True)
    for pack in pack_units or []:
        item.pack_units.append(_pack_unit(item, pack))
    return item


def _pack_unit(item: Item, pack) -> PackUnit:
    if not isinstance(pack, dict):
        raise BadInput("pack_units must be objects {name, quantity, unit}")
    name = read.text(pack.get("name"), "pack_units.name", max_length=20)
    if canonical(name) in BUILT_IN:
        raise BadInput(f"'{name}' is a built-in unit", details={"field": "pack_units.name"})
    quantity = read.number(pack.get("quantity"), "pack_units.quantity")
    if not fits_scale(quantity, QUANTITY_PLACES):
        raise BadInput("pack_units.quantity has too many decimal places")
    unit = canonical(read.text(pack.get("unit"), "pack_units.unit", max_length=12))
    try:
        convert(quantity, unit, item.unit, item.units)
    except UnitError as exc:
        raise BadInput(f"pack unit {name}: {exc}", code="unit_mismatch") from None
    return PackUnit(name=name, quantity=quantity, unit=unit)


def add_barcode(*, item, code) -> Item:
    the_item = read.item(item)
    code = read.text(code, "code", max_length=64)
    if db.session.execute(select(ItemBarcode.id).where(ItemBarcode.code == code)).first():
        raise Conflict(f"barcode {code} is linked already", code="duplicate_barcode")
    the_item.barcodes.append(ItemBarcode(code=code))
    commit()
    return the_item


def _shelf_life(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        days = int(str(value).strip())
    except ValueError:
        raise BadInput("shelf_life_days must be a whole number of days",
                       details={"field": "shelf_life_days"}) from None
    if not 0 < days <= 36500:
        raise BadInput("shelf_life_days must be between 1 and 36500",
                       details={"field": "shelf_life_days"})
    return days


def _flag(value, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in (None, "", 0, "0", "false", "off", "no"):
        return False
    if value in (1, "1", "true", "on", "yes"):
        return True
    raise BadInput(f"{field} must be true or false", details={"field": field})


def create_location(*, code, name, parent=None) -> Location:
    code = _code(code, "code")
    name = read.text(name, "name", max_length=120)
    if db.session.execute(select(Location.id).where(Location.code == code)).first():
        raise Conflict(f"a location with code '{code}' exists already", code="duplicate_location")
    location = Location(code=code, name=name, kind="storage")
    if parent:
        location.parent = read.location(parent)
    db.session.add(location)
    commit()
    return location
