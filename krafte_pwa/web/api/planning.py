"""Planning: what to buy and make, drafting the buy list, an order with its sub-orders."""

from ...domain.numbers import to_str
from ...services import planning, sub_orders
from ..auth import role_required
from . import body, bp, idempotent, user_id


def _reasons(line) -> list[dict]:
    found = [{"kind": d.kind, "reference": d.reference, "quantity": to_str(d.quantity)}
             for d in line.reasons]
    if line.reorder_point > 0:
        found.append({"kind": "reorder_point", "reference": line.item.sku,
                      "quantity": to_str(line.reorder_point)})
    return found


def suggestion_json(line) -> dict:
    data = {"item": line.item.sku, "item_name": line.item.name,
            "quantity": to_str(line.quantity), "unit": line.item.unit,
            "reason": planning.reason_text(line), "reasons": _reasons(line),
            "demand": to_str(line.demand), "supply": to_str(line.supply)}
    return data


@bp.get("/planning/suggestions")
@role_required("manager")
def planning_suggestions():
    found = planning.suggestions()
    return {"purchase": [{**suggestion_json(s), "supplier": s.supplier.name if s.supplier
                          else None} for s in found.purchase],
            "production": [{**suggestion_json(s), "level": s.level} for s in found.production]}


def _short_order(order) -> dict:
    return {"number": order.number, "item": order.item.sku, "unit": order.item.unit,
            "quantity": to_str(order.planned_quantity), "status": order.status,
            "parent": order.parent.number if order.parent else None}


@bp.post("/planning/purchase-orders")
@role_required("manager")
@idempotent
def planning_purchase_orders():
    drafted = planning.draft_purchase_orders(items=body().get("items"), user_id=user_id())
    return {"purchase_orders": [
        {"number": o.number, "supplier": o.supplier.name, "status": o.status,
         "lines": [{"item": ln.item.sku, "quantity": to_str(ln.quantity), "unit": ln.item.unit}
                   for ln in o.lines]} for o in drafted.orders],
        "no_supplier": [{"item": s.item.sku, "quantity": to_str(s.quantity),
                         "unit": s.item.unit} for s in drafted.no_supplier]}, 201


@bp.post("/planning/orders")
@role_required("manager")
@idempotent
def planning_orders():
    data = body()
    tree = sub_orders.plan_with_sub_orders(item=data.get("item"), quantity=data.get("quantity"),
                                           unit=data.get("unit"), note=data.get("note"),
                                           user_id=user_id())
    return {**_short_order(tree.order),
            "sub_orders": [_short_order(o) for o in tree.sub_orders]}, 201
