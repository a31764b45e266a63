"""Items and locations as JSON."""

from ...domain.numbers import to_str
from .common import shows_costs
from .stamps import day


def item_json(item, stock=None) -> dict:
    data = {
        "sku": item.sku, "name": item.name, "kind": item.kind, "unit": item.unit,
        "reorder_point": to_str(item.reorder_point),
        "reorder_quantity": to_str(item.reorder_quantity),
        "shelf_life_days": item.shelf_life_days, "requires_qc": item.requires_qc,
        "gtin": item.gtin, "density": to_str(item.density), "archived": item.archived,
        "pack_units": [{"name": p.name, "quantity": to_str(p.quantity), "unit": p.unit}
                       for p in item.pack_units],
    }
    if shows_costs():
        data["sale_price"] = to_str(item.sale_price)
        data["standard_cost"] = to_str(item.standard_cost)
    if stock is not None:
        data.update(on_hand=to_str(stock.on_hand), reserved=to_str(stock.reserved),
                    available=to_str(stock.available), on_order=to_str(stock.on_order))
    return data


def new_location_json(location) -> dict:
    return {"code": location.code, "name": location.name, "contents": []}


def location_change_json(location) -> dict:
    return {"code": location.code, "name": location.name,
            "parent": location.parent.code if location.parent else None,
            "archived": location.archived}


def location_json(location, rows) -> dict:
    return {
        "code": location.code, "name": location.name, "kind": location.kind,
        "contents": [{"lot": lot.code, "item": item.sku, "quantity": to_str(q),
                      "unit": item.unit, "expiry": day(lot.expiry)}
                     for lot, item, q in rows],
    }
