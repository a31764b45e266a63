"""Purchase orders: create a draft, list, read, mark ordered, cancel, drafts from alerts."""

from flask import request

from ...services import purchasing
from ..auth import role_required
from ..serializers.common import page_json
from ..serializers.purchasing import drafts_json, order_json
from . import body, bp, idempotent, optional_field, user_id


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
    order = purchasing.cancel_purchase_order(number=number, reason=optional_field("reason"))
    return order_json(order), 200


@bp.post("/purchase-orders/from-alerts")
@role_required("manager")
@idempotent
def purchase_orders_from_alerts():
    result = purchasing.draft_from_alerts(items=optional_field("items"), user_id=user_id())
    return drafts_json(result), 201
