"""Sales orders: create, list, read, ship, cancel, plan what is missing, check a lot
scanned at the packing table; the margin report."""

from flask import request

from ...domain.numbers import to_str
from ...errors import KrafteError
from ...services import report_margin, sales, sales_queries
from ..auth import role_required
from ..serializers.common import page_json
from ..serializers.sales import margin_json, pick_json, sales_order_json, sales_shipped_json
from . import body, bp, idempotent, user_id

# A scanned lot the packer may not use is an answer to the question, not a failed call.
PICK_REFUSALS = {"lot_expired", "lot_blocked", "lot_quarantined", "not_on_order",
                 "already_packed", "lot_held_elsewhere", "not_a_lot"}


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
    return sales_shipped_json(shipment, number), 201


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
    return pick_json(check)


@bp.get("/reports/margin")
@role_required("manager")
def sales_margin():
    args = request.args
    report = report_margin.margin(args.get("by") or "product", args.get("since"),
                                  args.get("until"))
    return margin_json(report, report_margin.best_sellers(report.start, report.end),
                       report_margin.slow_movers(report.start, report.end))
