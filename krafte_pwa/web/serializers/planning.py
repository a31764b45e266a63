"""Planning as JSON: suggestions with their reasons, drafted purchase orders, an order
with its sub-orders."""

from ...domain.numbers import to_str
from ...services import planning


def _reasons(line) -> list[dict]:
    found = [{"kind": d.kind, "reference": d.reference, "quantity": to_str(d.quantity)}
             for d in line.reasons]
    if line.reorder_point > 0:
        found.append({"kind": "reorder_point", "reference": line.item.sku,
                      "quantity": to_str(line.reorder_point)})
    return found


def suggestion_json(line) -> dict:
    return {"item": line.item.sku, "item_name": line.item.name,
            "quantity": to_str(line.quantity), "unit": line.item.unit,
            "reason": planning.reason_text(line), "reasons": _reasons(line),
            "demand": to_str(line.demand), "supply": to_str(line.supply)}


def suggestions_json(found) -> dict:
    return {"purchase": [{**suggestion_json(s), "supplier": s.supplier.name if s.supplier
                          else None} for s in found.purchase],
            "production": [{**suggestion_json(s), "level": s.level} for s in found.production]}


def short_order_json(order) -> dict:
    return {"number": order.number, "item": order.item.sku, "unit": order.item.unit,
            "quantity": to_str(order.planned_quantity), "status": order.status,
            "parent": order.parent.number if order.parent else None}


def tree_json(tree) -> dict:
    return {**short_order_json(tree.order),
            "sub_orders": [short_order_json(o) for o in tree.sub_orders]}


def drafted_json(drafted) -> dict:
    return {"purchase_orders": [
        {"number": o.number, "supplier": o.supplier.name, "status": o.status,
         "lines": [{"item": ln.item.sku, "quantity": to_str(ln.quantity), "unit": ln.item.unit}
                   for ln in o.lines]} for o in drafted.orders],
        "no_supplier": [{"item": s.item.sku, "quantity": to_str(s.quantity),
                         "unit": s.item.unit} for s in drafted.no_supplier]}
