"""Items and locations."""

from flask import request

from ...errors import BadInput
from ...messages import _, field_name
from ...services import catalog, queries
from ..auth import role_required
from ..serializers.common import page_json
from ..serializers.items import (
    item_json,
    location_change_json,
    location_json,
    new_location_json,
)
from . import body, bp, idempotent

ITEM_FIELDS = ("sku", "name", "kind", "unit", "reorder_point", "reorder_quantity",
               "shelf_life_days", "requires_qc", "gtin", "density", "pack_units",
               "default_location", "default_supplier", "sale_price", "description",
               "standard_cost")


@bp.post("/items")
@role_required("manager")
@idempotent
def create_item():
    data = body()
    item = catalog.create_item(**{k: data.get(k) for k in ITEM_FIELDS})
    return item_json(item, queries.item_stock(item)), 201


@bp.get("/items")
def list_items():
    args = request.args
    page = queries.list_items(kind=args.get("kind"), q=args.get("q"), page=args.get("page"),
                              per_page=args.get("per_page"))
    return page_json(page, [item_json(i) for i in page.rows])


@bp.get("/items/<sku>")
def get_item(sku):
    item = queries.item_by_sku(sku)
    return item_json(item, queries.item_stock(item))


@bp.patch("/items/<sku>")
@role_required("manager")
@idempotent
def update_item(sku):
    """Change what the body names; SKU, kind and unit stay as created. `archived` archives
    (refused with stock or open orders) or restores."""
    data = body()
    if "sku" in data and data.pop("sku") != sku:
        raise BadInput(_("the sku of an item cannot be changed: its lots and labels carry it"),
                       code="not_editable", details={"field": "sku"})
    item = catalog.update_item(sku=sku, **data)
    return item_json(item, queries.item_stock(item)), 200


@bp.post("/items/<sku>/barcodes")
@idempotent
def add_item_barcode(sku):
    """Link a supplier's barcode (a GTIN not ours) to the item: at receiving, one tap."""
    item = catalog.add_barcode(item=sku, code=body().get("code"))
    return item_json(item, queries.item_stock(item)), 201


@bp.post("/locations")
@role_required("manager")
@idempotent
def create_location():
    data = body()
    location = catalog.create_location(code=data.get("code"), name=data.get("name"),
                                       parent=data.get("parent"))
    return new_location_json(location), 201


@bp.patch("/locations/<code>")
@role_required("manager")
@idempotent
def update_location(code):
    data = body()
    unknown = set(data) - {"name", "parent", "archived"}
    if unknown:
        raise BadInput(_("%(fields)s cannot be changed on a location (the code is on the labels)",
                         fields=", ".join(field_name(f) for f in sorted(unknown))),
                       code="not_editable")
    location = catalog.update_location(code=code, name=data.get("name"),
                                       parent=data.get("parent"),
                                       archived=data.get("archived"))
    return location_change_json(location), 200


@bp.get("/locations/<code>")
def get_location(code):
    location, rows = queries.location_contents(code)
    return location_json(location, rows)
