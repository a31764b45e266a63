"""Sales orders: create, list, read, ship, cancel, plan what is missing, check a lot
scanned at the packing table. Prices only for who may see them."""

from flask import request

from ...domain.numbers import to_str
from ...errors import KrafteError
from ...services import sales, sales_queries, shipments
from ..auth import role_required
from ..serializers.common import page_json, shows_costs
from . import body, bp, idempotent, user_id


def _stamp(value):
    return value.isoformat() + "Z" if value else None


def sales_order_json(order, *, with_lines: bool = True) -> dict:
    data = {"number": order.number, "status": order.status, "customer": order.customer,
            "email": order.email, "channel": order.channel, "reference": order.reference,
            "hold_reason": order.hold_reason, "created_at": _stamp(order.created_at),
            "shipped_at": _stamp(order.shipped_at)}
    if with_lines:
        data["lines"] = [_line_json(f) for f in sales_queries.line_figures(order)]
    return data


def _line_json(figures) -> dict:
    line = figures.line
    row = {"line": line.position, "item": line.item.sku if line.item else None,
           "sku": line.sku, "unit": line.item.unit if line.item else None,
           "quantity": to_str(line.quantity), "reserved": to_str(figures.reserved),
           "shipped": to_str(line.shipped), "missing": to_str(figures.missing),
           "lots": [{"lot": r.lot.code, "location": r.location.code,
                     "quantity": to_str(r.quantity)} for r in figures.reservations]}
    if shows_costs():
        row["unit_price"] = to_str(line.unit_price)
    return row


@bp.post("/sales-orders")
@role_required("manager")
@idempotent
def create_sales_order():
    data = body()
    order = sales.create_sales_order(
        customer=data.get("customer"), email=data.get("email"),
        reference=data.get("reference"), lines=data.get("lines"), note=data.get("note"),
        user_id=user_id())
    return sales_order_json(order), 201


@bp.get("/sales-orders")
def list_sales_orders():
    args = request.args
    page = sales_queries.list_sales_orders(
        status=args.get("status"), channel=args.get("channel"), customer=args.get("customer"),
        page=args.get("page"), per_page=args.get("per_page"))
    return page_json(page, [sales_order_json(o) for o in page.rows])


@bp.get("/sales-orders/<number>")
def get_sales_order(number):
    return sales_order_json(sales_queries.get_sales_order(number))


@bp.post("/sales-orders/<number>/ship")
@idempotent
def ship_sales_order(number):
    data = body() if request.get_data() else {}  # no body: all that is reserved
    shipment = sales.ship_sales_order(number, lines=data.get("lines"), user_id=user_id())
    return {"number": shipment.number, "sales_order": number,
            "lines": [{"item": item, "lot": lot, "quantity": to_str(qty)}
                      for item, lot, qty in shipments.answer_lines(shipment)]}, 201


@bp.post("/sales-orders/<number>/cancel")
@role_required("manager")
@idempotent
def cancel_sales_order(number):
    order = sales.cancel_sales_order(number, user_id=user_id())
    return {"number": order.number, "status": order.status}, 200


@bp.post("/sales-orders/<number>/make")
@role_required("manager")
@idempotent
def make_for_sales_order(number):
    orders = sales.make_for_sales_order(number, user_id=user_id())
    return {"production_orders": [{"number": o.number, "item": o.item.sku,
                                   "quantity": to_str(o.planned_quantity)}
                                  for o in orders]}, 201


# A scanned lot the packer may not use is an answer to the question, not a failed call.
PICK_REFUSALS = {"lot_expired", "lot_blocked", "lot_quarantined", "not_on_order",
                 "already_packed", "lot_held_elsewhere", "not_a_lot"}


@bp.post("/sales-orders/<number>/pick-check")
def check_sales_pick(number):
    data = body()
    try:
        check = sales_queries.check_pick(number, data.get("payload") or data.get("lot"),
                                         packed=data.get("packed"))
    except KrafteError as exc:
        if exc.code not in PICK_REFUSALS:
            raise
        return {"accepted": False, "code": exc.code, "message": exc.message}
    return {"accepted": True, "lot": check.lot.code, "item": check.lot.item.sku,
            "item_name": check.lot.item.name, "unit": check.lot.item.unit,
            "expiry": check.lot.expiry.isoformat() if check.lot.expiry else None,
            "reserved": to_str(check.reserved), "suggested": to_str(check.suggested),
            "warning": check.warning}
