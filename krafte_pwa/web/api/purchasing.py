"""Purchase orders: create a draft, list, read, mark ordered, cancel, drafts from alerts."""

from flask import request

from ...domain.numbers import to_str
from ...services import purchasing
from ..auth import role_required
from . import body, bp, idempotent, user_id
from .serializers import page_json, shows_costs


def _day(value):
    return value.isoformat() if value else None


def _stamp(value):
    return value.isoformat() + "Z" if value else None


def order_json(order, *, with_lines: bool = True) -> dict:
    costs = shows_costs()
    data = {"number": order.number, "supplier": order.supplier.name, "status": order.status,
            "expected_date": _day(order.expected_date), "note": order.note,
            "created_at": _stamp(order.created_at), "ordered_at": _stamp(order.ordered_at)}
    if with_lines:
        lines = []
        for p in purchasing.progress(order):
            ln = p.line
            row = {"line": ln.position, "item": ln.item.sku, "item_name": ln.item.name,
                   "unit": ln.item.unit, "quantity": to_str(ln.quantity),
                   "entered_quantity": to_str(ln.entered_quantity),
                   "entered_unit": ln.entered_unit, "received": to_str(p.received),
                   "open": to_str(p.open), "expected_date": _day(ln.expected_date)}
            if costs:
                row.update(unit_price=to_str(ln.unit_price), value=to_str(p.value))
            lines.append(row)
        data["lines"] = lines
    if costs:
        data["total"] = to_str(purchasing.order_total(order))
    return data


@bp.post("/purchase-orders")
@role_required("manager")
@idempotent
def create_purchase_order():
    data = body()
    order = purchasing.create_purchase_order(
        supplier=data.get("supplier"), lines=data.get("lines"),
        expected_date=data.get("expected_date"), note=data.get("note"), user_id=user_id())
    return order_json(order), 201


@bp.get("/purchase-orders")
def list_purchase_orders():
    args = request.args
    page = purchasing.list_purchase_orders(status=args.get("status"),
                                           supplier=args.get("supplier"),
                                           page=args.get("page"), per_page=args.get("per_page"))
    return page_json(page, [order_json(o, with_lines=False) for o in page.rows])


@bp.get("/purchase-orders/<number>")
def get_purchase_order(number):
    return order_json(purchasing.get_purchase_order(number))


@bp.post("/purchase-orders/<number>/order")
@role_required("manager")
@idempotent
def order_purchase_order(number):
    return order_json(purchasing.mark_ordered(number=number)), 200


@bp.post("/purchase-orders/<number>/cancel")
@role_required("manager")
@idempotent
def cancel_purchase_order(number):
    data = request.get_json(silent=True)
    reason = data.get("reason") if isinstance(data, dict) else None
    order = purchasing.cancel_purchase_order(number=number, reason=reason)
    return order_json(order), 200


@bp.post("/purchase-orders/from-alerts")
@role_required("manager")
@idempotent
def purchase_orders_from_alerts():
    data = request.get_json(silent=True)
    items = data.get("items") if isinstance(data, dict) else None
    result = purchasing.draft_from_alerts(items=items, user_id=user_id())
    return {"orders": [order_json(o) for o in result.orders],
            "no_supplier": [{"item": low.item.sku, "suggested_quantity": to_str(low.suggested)}
                            for low in result.no_supplier]}, 201
