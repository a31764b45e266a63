"""Model -> JSON. Quantities and money as decimal strings; costs only for who may see them."""

from flask_login import current_user

from ...domain.numbers import to_str


def shows_costs() -> bool:
    return bool(getattr(current_user, "sees_costs", False))


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


def lot_json(lot, quantity=None, balances=None) -> dict:
    data = {
        "code": lot.code, "item": lot.item.sku, "item_name": lot.item.name,
        "unit": lot.item.unit, "status": lot.status, "origin": lot.origin,
        "expiry": lot.expiry.isoformat() if lot.expiry else None,
        "date": lot.lot_date.isoformat(),
        "supplier": lot.supplier.name if lot.supplier else None,
        "supplier_lot": lot.supplier_lot,
    }
    if shows_costs():
        data["unit_cost"] = to_str(lot.unit_cost)
    if quantity is not None:
        data["quantity"] = to_str(quantity)
    if balances is not None:
        data["balances"] = [{"location": loc.code, "quantity": to_str(q)} for loc, q in balances]
    return data


def movement_json(m) -> dict:
    data = {
        "id": m.id, "lot": m.lot.code, "location": m.location.code, "kind": m.kind_name,
        "quantity": to_str(m.quantity), "document": m.document, "reason": m.reason,
        "user": m.user.username if m.user else None,
        "created_at": m.created_at.isoformat() + "Z",
    }
    if shows_costs():
        data["unit_cost"] = to_str(m.unit_cost)
    return data


def page_json(page, rows) -> dict:
    return {"items": rows, "total": page.total, "page": page.page, "per_page": page.per_page}
