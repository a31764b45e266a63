"""Receipts, lots, transfers, adjustments, lot status."""

from flask import request

from ...services import lot_costs, queries, stock
from ..auth import role_required
from ..serializers.common import page_json
from ..serializers.lots import (
    cost_correction_json,
    lot_detail_json,
    lot_json,
    lot_now_json,
    movements_json,
    receipt_json,
)
from . import body, bp, idempotent, user_id


@bp.post("/receipts")
@idempotent
def create_receipt():
    data = body()
    result = stock.receive_goods(supplier=data.get("supplier"), location=data.get("location"),
                                 lines=data.get("lines"), note=data.get("note"),
                                 purchase_order=data.get("purchase_order"), user_id=user_id())
    return receipt_json(result), 201


@bp.get("/lots")
def list_lots():
    args = request.args
    page = queries.list_lots(item=args.get("item"), location=args.get("location"),
                             status=args.get("status"),
                             expiring_before=args.get("expiring_before"),
                             page=args.get("page"), per_page=args.get("per_page"),
                             include_empty=args.get("include_empty") in ("1", "true"))
    return page_json(page, [lot_json(lot, q) for lot, q in page.rows])


@bp.get("/lots/<code>")
def get_lot(code):
    return lot_detail_json(queries.lot_detail(code))


@bp.get("/lots/<code>/movements")
def lot_movements(code):
    detail = queries.lot_detail(code)
    return movements_json(queries.lot_movements(detail.lot))


@bp.post("/lots/<code>/status")
@role_required("manager")
@idempotent
def change_status(code):
    data = body()
    lot = stock.change_lot_status(lot=code, status=data.get("status"),
                                  reason=data.get("reason"), user_id=user_id())
    return lot_detail_json(queries.lot_detail(lot.code)), 200


@bp.post("/transfers")
@idempotent
def transfer():
    data = body()
    lot = stock.transfer_stock(lot=data.get("lot"), source=data.get("from"),
                               destination=data.get("to"), quantity=data.get("quantity"),
                               unit=data.get("unit"), user_id=user_id())
    return lot_now_json(lot, queries.detail_of(lot)), 201


@bp.post("/adjustments")
@role_required("manager")
@idempotent
def adjust():
    data = body()
    lot = stock.adjust_stock(lot=data.get("lot"), location=data.get("location"),
                             quantity=data.get("quantity"), reason=data.get("reason"),
                             unit=data.get("unit"), user_id=user_id())
    return lot_now_json(lot, queries.lot_detail(lot.code)), 201


@bp.post("/lots/<code>/cost")
@role_required("manager")
@idempotent
def correct_cost(code):
    data = body()
    result = lot_costs.correct_lot_cost(lot=code, unit_cost=data.get("unit_cost"),
                                        reason=data.get("reason"), user_id=user_id())
    return cost_correction_json(result), 200
