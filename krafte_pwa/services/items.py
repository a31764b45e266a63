"""Items: create (with pack units and density), edit, barcodes, archive; what still uses one."""

from decimal import Decimal

from sqlalchemy import func, or_, select

from ..domain.numbers import COST_PLACES, QUANTITY_PLACES, fits_scale, quantize, to_str
from ..domain.order_states import OPEN_STATUSES
from ..domain.units import BUILT_IN, ItemUnits, UnitError, canonical, convert
from ..errors import BadInput, Conflict
from ..extensions import db
from ..messages import _, field_name, known
from ..models import (
    ITEM_KINDS,
    Balance,
    Item,
    ItemBarcode,
    PackUnit,
    Partner,
    ProductionOrder,
    PurchaseOrder,
    PurchaseOrderLine,
    Recipe,
    RecipeLine,
    Reservation,
    Shipment,
    ShipmentLine,
)
from . import _inputs as read
from ._tx import transactional
from .locations import active_location


def _gtin(value) -> str | None:
    gtin = read.text(value, "gtin", required=False, max_length=14)
    if gtin is None:
        return None
    if not (gtin.isascii() and gtin.isdigit()) or len(gtin) not in (8, 12, 13, 14):
        raise BadInput(_("gtin must be 8, 12, 13 or 14 digits"), details={"field": "gtin"})
    digits = [int(c) for c in gtin.zfill(14)]
    check = (10 - sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits[:13])) % 10) % 10
    if check != digits[13]:
        raise BadInput(_("gtin has a wrong check digit"), code="invalid_check_digit",
                       details={"field": "gtin"})
    return gtin.zfill(14)


def _optional_quantity(value, field: str) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    result = read.number(value, field, allow_zero=True)
    if not fits_scale(result, QUANTITY_PLACES):
        raise BadInput(_("%(field)s has too many decimal places", field=field_name(field)),
                       details={"field": field})
    return result


def _standard_cost(value) -> Decimal:
    """Per base unit, at most COST_PLACES decimals (refused beyond: no silent rounding)."""
    cost = read.unit_cost(value, "standard_cost")
    if not fits_scale(cost, COST_PLACES):
        raise BadInput(_("%(field)s has too many decimal places",
                         field=field_name("standard_cost")),
                       details={"field": "standard_cost"})
    return cost


@transactional
def create_item(**fields) -> Item:
    item = build_item(**fields)
    db.session.add(item)
    return item


def build_item(*, sku, name, kind, unit, reorder_point=None, reorder_quantity=None,
               shelf_life_days=None, requires_qc=False, gtin=None, density=None,
               pack_units=None, default_location=None, default_supplier=None,
               sale_price=None, description=None, standard_cost=None) -> Item:
    """A checked, unsaved item (shared by the form, the API and the CSV import)."""
    sku = read.code(sku, "sku")
    name = read.text(name, "name")
    if kind not in ITEM_KINDS:
        raise BadInput(_("kind must be one of %(kinds)s", kinds=", ".join(ITEM_KINDS)),
                       details={"field": "kind"})
    unit_name = canonical(read.text(unit, "unit", max_length=12))
    if unit_name not in BUILT_IN:
        raise BadInput(_("unit must be one of %(units)s", units=", ".join(BUILT_IN)),
                       details={"field": "unit"})
    if db.session.execute(select(Item.id).where(Item.sku == sku)).first():
        raise Conflict(_("an item with SKU '%(sku)s' exists already", sku=sku),
                       code="duplicate_sku")
    item = Item(sku=sku, name=name, kind=kind, unit=unit_name,
                reorder_point=_optional_quantity(reorder_point, "reorder_point"),
                reorder_quantity=_optional_quantity(reorder_quantity, "reorder_quantity"),
                shelf_life_days=_shelf_life(shelf_life_days),
                requires_qc=read.flag(requires_qc, "requires_qc"), gtin=_gtin(gtin),
                description=read.text(description, "description", required=False,
                                      max_length=4000))
    if item.gtin and db.session.execute(select(Item.id).where(Item.gtin == item.gtin)).first():
        raise Conflict(_("GTIN %(gtin)s belongs to another item", gtin=item.gtin),
                       code="duplicate_gtin")
    if density not in (None, ""):
        item.density = read.number(density, "density").quantize(Decimal(1).scaleb(-COST_PLACES))
    if sale_price not in (None, ""):
        item.sale_price = quantize(read.unit_cost(sale_price, "sale_price"), COST_PLACES)
    if standard_cost not in (None, ""):
        item.standard_cost = _standard_cost(standard_cost)
    if default_location:
        item.default_location = read.location(default_location)
    if default_supplier:
        item.default_supplier = read.partner(default_supplier, supplier=True)
    for pack in pack_units or []:
        item.pack_units.append(_pack_unit(item, pack))
    return item


def _pack_unit(item: Item, pack, *, check: bool = True) -> PackUnit:
    if not isinstance(pack, dict):
        raise BadInput(_("pack_units must be objects {name, quantity, unit}"))
    name = read.text(pack.get("name"), "pack_units.name", max_length=20)
    if canonical(name) in BUILT_IN:
        raise BadInput(_("'%(name)s' is a built-in unit", name=name),
                       details={"field": "pack_units.name"})
    quantity = read.number(pack.get("quantity"), "pack_units.quantity")
    if not fits_scale(quantity, QUANTITY_PLACES):
        raise BadInput(_("pack_units.quantity has too many decimal places"))
    unit = canonical(read.text(pack.get("unit"), "pack_units.unit", max_length=12))
    if check:
        try:
            convert(quantity, unit, item.unit, item.units)
        except UnitError as exc:
            raise BadInput(_("pack unit %(name)s: %(error)s", name=name, error=known(exc)),
                           code="unit_mismatch") from None
    return PackUnit(name=name, quantity=quantity, unit=unit)


@transactional
def add_barcode(*, item, code) -> Item:
    the_item = read.item(item)
    code = read.text(code, "code", max_length=64)
    if db.session.execute(select(ItemBarcode.id).where(ItemBarcode.code == code)).first():
        raise Conflict(_("barcode %(code)s is linked already", code=code),
                       code="duplicate_barcode")
    the_item.barcodes.append(ItemBarcode(code=code))
    return the_item


def _shelf_life(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        days = int(str(value).strip())
    except ValueError:
        raise BadInput(_("shelf_life_days must be a whole number of days"),
                       details={"field": "shelf_life_days"}) from None
    if not 0 < days <= 36500:
        raise BadInput(_("shelf_life_days must be between 1 and 36500"),
                       details={"field": "shelf_life_days"})
    return days


# ---------------------------------------------------------------- maintenance

# What a manager may change on an item. SKU, kind and unit stay as created: lots, the
# ledger, recipes and orders count in that unit and name the item by that SKU.
EDITABLE_ITEM_FIELDS = ("name", "reorder_point", "reorder_quantity", "shelf_life_days",
                        "requires_qc", "gtin", "density", "default_location",
                        "default_supplier", "sale_price", "description", "archived",
                        "standard_cost", "pack_units")
_FIXED_ITEM_FIELDS = ("kind", "unit")
OPEN_PURCHASE_STATUSES = ("draft", "ordered", "partial")


@transactional
def update_item(*, sku, **fields) -> Item:
    """Change the given fields of an item; a field left out stays as it is, an empty one
    is cleared (a reorder point or quantity goes back to 0). Everything is checked before
    anything changes: a refusal changes nothing."""
    item = read.item(sku)
    _check_editable(item, fields)
    changes = _own_changes(item, fields)
    packs = None
    if "pack_units" in fields:
        packs = _new_pack_units(item, fields["pack_units"],
                                changes["density"] if "density" in changes else item.density)
    changes.update(_trade_changes(item, fields))
    for field, value in changes.items():
        setattr(item, field, value)
    if packs is not None:
        _replace_pack_units(item, packs)
    return item


def _check_editable(item: Item, fields: dict) -> None:
    for field in fields:
        if field in _FIXED_ITEM_FIELDS:
            value = fields[field]
            if field == "unit" and isinstance(value, str):
                value = canonical(value)
            if value is not None and str(value).strip() != getattr(item, field):
                raise BadInput(_("the %(field)s of an item cannot be changed once it is "
                                 "created: its stock and recipes depend on it",
                                 field=field_name(field)),
                               code="not_editable", details={"field": field})
        elif field not in EDITABLE_ITEM_FIELDS:
            raise BadInput(_("%(field)s cannot be changed on an item", field=field_name(field)),
                           code="not_editable", details={"field": field})


def _own_changes(item: Item, fields: dict) -> dict:
    """The item's own fields, name to density, checked."""
    changes = {}
    if "name" in fields:
        changes["name"] = read.text(fields["name"], "name")
    for field in ("reorder_point", "reorder_quantity"):
        if field in fields:
            changes[field] = _optional_quantity(fields[field], field)
    if "shelf_life_days" in fields:
        changes["shelf_life_days"] = _shelf_life(fields["shelf_life_days"])
    if "requires_qc" in fields:
        changes["requires_qc"] = read.flag(fields["requires_qc"], "requires_qc")
    if "gtin" in fields:
        gtin = _gtin(fields["gtin"])
        if gtin and db.session.execute(
                select(Item.id).where(Item.gtin == gtin, Item.id != item.id)).first():
            raise Conflict(_("GTIN %(gtin)s belongs to another item", gtin=gtin),
                           code="duplicate_gtin", details={"field": "gtin"})
        changes["gtin"] = gtin
    if "density" in fields:
        density = None
        if not read.blank(fields["density"]):
            density = read.number(fields["density"], "density").quantize(
                Decimal(1).scaleb(-COST_PLACES))
        if "pack_units" not in fields:
            _check_pack_units(item, density)
        changes["density"] = density
    return changes


def _trade_changes(item: Item, fields: dict) -> dict:
    """Prices, description, default location and supplier, archiving, checked."""
    changes = {}
    if "sale_price" in fields:
        changes["sale_price"] = (None if read.blank(fields["sale_price"]) else
                                 quantize(read.unit_cost(fields["sale_price"], "sale_price"),
                                          COST_PLACES))
    if "standard_cost" in fields:
        changes["standard_cost"] = (None if read.blank(fields["standard_cost"]) else
                                    _standard_cost(fields["standard_cost"]))
    if "description" in fields:
        changes["description"] = read.text(fields["description"], "description",
                                           required=False, max_length=4000)
    if "default_location" in fields:
        code = fields["default_location"]
        current = item.default_location
        if current is not None and isinstance(code, str) and code.strip() == current.code:
            changes["default_location"] = current  # kept, even if archived since
        else:
            changes["default_location"] = (None if read.blank(code) else
                                           active_location(code, "default_location"))
    if "archived" in fields:
        changes["archived"] = read.flag(fields["archived"], "archived")
        if changes["archived"] and not item.archived:
            _check_can_archive(item)
    if "default_supplier" in fields:
        supplier = fields["default_supplier"]
        read.text(supplier, "default_supplier", required=False, max_length=120)
        # last: naming an unknown supplier creates it, once all else is valid
        changes["default_supplier"] = (None if read.blank(supplier) else
                                       read.partner(supplier, supplier=True))
    return changes


def _new_pack_units(item: Item, given, density: Decimal | None) -> list[PackUnit]:
    """The checked set of pack units that replaces the item's (unsaved, nothing changed).
    A unit left out means the item's base unit (drum = 25, of an item in kg)."""
    if given is None or (isinstance(given, str) and not given.strip()):
        given = []
    if not isinstance(given, list):
        raise BadInput(_("pack_units must be a list of {name, quantity, unit}"),
                       details={"field": "pack_units"})
    packs, seen = [], set()
    for pack in given:
        if isinstance(pack, dict) and read.blank(pack.get("unit")):
            pack = {**pack, "unit": item.unit}
        checked = _pack_unit(item, pack, check=False)
        if checked.name.casefold() in seen:
            raise BadInput(_("pack unit %(name)s is given twice", name=checked.name),
                           details={"field": "pack_units.name"})
        seen.add(checked.name.casefold())
        packs.append(checked)
    units = ItemUnits(base=item.unit, packs=tuple((p.name, p.quantity, p.unit) for p in packs),
                      density=density)
    for pack in packs:
        try:
            convert(pack.quantity, pack.unit, item.unit, units)
        except UnitError as exc:
            raise BadInput(_("pack unit %(name)s: %(error)s", name=pack.name, error=known(exc)),
                           code="unit_mismatch", details={"field": "pack_units"}) from None
    return packs


def _replace_pack_units(item: Item, packs: list[PackUnit]) -> None:
    """Rows kept by name are changed in place (a delete and an insert of the same name in
    one flush would meet the unique constraint). Lots, movements and receipt lines are in
    base units or carry the unit's name as text: nothing else changes."""
    current = {p.name: p for p in item.pack_units}
    wanted = {p.name for p in packs}
    for pack in list(item.pack_units):
        if pack.name not in wanted:
            item.pack_units.remove(pack)
    db.session.flush()  # deletes first: "Drum" may replace "drum"
    for pack in packs:
        kept = current.get(pack.name)
        if kept is not None:
            kept.quantity, kept.unit = pack.quantity, pack.unit
        else:
            item.pack_units.append(pack)


def _check_pack_units(item: Item, density: Decimal | None) -> None:
    """A pack unit in another dimension (drum = 200 l of an item stocked in kg) needs the
    density: it cannot be removed from under it."""
    units = ItemUnits(base=item.unit, packs=tuple((p.name, p.quantity, p.unit)
                                                  for p in item.pack_units), density=density)
    for pack in item.pack_units:
        try:
            convert(pack.quantity, pack.unit, item.unit, units)
        except UnitError as exc:
            raise BadInput(_("pack unit %(name)s: %(error)s", name=pack.name, error=known(exc)),
                           code="unit_mismatch", details={"field": "density"}) from None


@transactional
def archive_item(sku, archived: bool) -> Item:
    """Archive (hide from lists and forms) or restore an item. Archiving is refused while
    the item has stock anywhere (work in progress included) or an open document names it
    (a planned or started production order, a purchase order not yet received, a shipment
    being picked): those must be finished first. Active recipes that use it keep working
    (see `recipes_using`); a new recipe version cannot add it."""
    item = read.item(sku)
    archived = read.flag(archived, "archived")
    if archived and not item.archived:
        _check_can_archive(item)
    item.archived = archived
    return item


def _check_can_archive(item: Item) -> None:
    on_hand = db.session.execute(
        select(func.sum(Balance.quantity))
        .where(Balance.item_id == item.id, Balance.quantity > 0)).scalar()
    if on_hand:
        raise Conflict(_("%(sku)s still has %(quantity)s %(unit)s in stock: use it up or "
                         "adjust it to zero before archiving",
                         sku=item.sku, quantity=to_str(on_hand), unit=item.unit),
                       code="item_in_stock")
    documents = open_documents(item)
    if documents:
        shown = ", ".join(documents[:5]) + (" …" if len(documents) > 5 else "")
        raise Conflict(_("%(sku)s is on open orders (%(documents)s): complete or cancel them "
                         "before archiving", sku=item.sku, documents=shown),
                       code="item_in_use")


def open_documents(item: Item) -> list[str]:
    """Numbers of the open production, purchase and sales documents that name the item."""
    orders = db.session.execute(
        select(ProductionOrder.number)
        .where(ProductionOrder.status.in_(OPEN_STATUSES),
               or_(ProductionOrder.item_id == item.id,
                   ProductionOrder.id.in_(select(Reservation.order_id)
                                          .where(Reservation.item_id == item.id))))
        .order_by(ProductionOrder.number)).scalars().all()
    purchases = db.session.execute(
        select(PurchaseOrder.number).distinct()
        .join(PurchaseOrderLine, PurchaseOrderLine.order_id == PurchaseOrder.id)
        .where(PurchaseOrder.status.in_(OPEN_PURCHASE_STATUSES),
               PurchaseOrderLine.item_id == item.id)
        .order_by(PurchaseOrder.number)).scalars().all()
    shipments = db.session.execute(
        select(Shipment.number).distinct()
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .where(Shipment.status == "picking", ShipmentLine.item_id == item.id)
        .order_by(Shipment.number)).scalars().all()
    return [*orders, *purchases, *shipments]


def recipes_using(item: Item) -> list[Item]:
    """The items whose active recipe uses this item as a component."""
    return db.session.execute(
        select(Item).distinct()
        .join(Recipe, Recipe.item_id == Item.id)
        .join(RecipeLine, RecipeLine.recipe_id == Recipe.id)
        .where(Recipe.active.is_(True), RecipeLine.item_id == item.id)
        .order_by(Item.sku)).scalars().all()


def supplier_names() -> list[str]:
    return db.session.execute(
        select(Partner.name).where(Partner.is_supplier.is_(True)).order_by(Partner.name)
    ).scalars().all()


