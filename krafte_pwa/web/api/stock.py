"""Receipts, lots, transfers, adjustments, lot status."""

from flask import request

from ...domain.numbers import to_str
from ...services import lot_costs, queries, stock
from ..auth import role_required
from . import body, bp, idempotent, user_id
from .serializers import lot_json, movement_json, page_json


@bp.post("/receipts")
@idempotent
def create_receipt():
    data = body()
    result = stock.receive_goods(supplier=data.get("supplier"), location=data.get("location"),
                                 lines=data.get("lines"), note=data.get("note"),
                                 purchase_order=data.get("purchase_order"), user_id=user_id())
    answer = {"number": result.number,
              "lots": [{"code": r.code, "item": r.item, "quantity": to_str(r.quantity)}
                       for r in result.lots]}
    if result.purchase_orders:  # received against purchase orders
        answer["purchase_orders"] = [{"number": n, "status": s}
                                     for n, s in result.purchase_orders]
        answer["over_received"] = [o.as_dict() for o in result.over_received]
    return answer, 201


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
    return _lot_answer(queries.lot_detail(code))


def _lot_answer(detail) -> dict:
    data = lot_json(detail.lot, detail.quantity, detail.balances)
    data["status_reason"] = detail.status_reason
    data["status_history"] = [
        {"status": e.new_value, "previous": e.old_value, "reason": e.reason,
         "user": e.user.username if e.user else None, "at": e.created_at.isoformat() + "Z"}
        for e in detail.status_events]
    return data


@bp.get("/lots/<code>/movements")
def lot_movements(code):
    detail = queries.lot_detail(code)
    return {"items": [movement_json(m) for m in queries.lot_movements(detail.lot)]}


@bp.post("/lots/<code>/status")
@role_required("manager")
@idempotent
def change_status(code):
    data = body()
    lot = stock.change_lot_status(lot=code, status=data.get("status"),
                                  reason=data.get("reason"), user_id=user_id())
    return _lot_answer(queries.lot_detail(lot.code)), 200


@bp.post("/transfers")
@idempotent
def transfer():
    data = body()
    lot = stock.transfer_stock(lot=data.get("lot"), source=data.get("from"),
                               destination=data.get("to"), quantity=data.get("quantity"),
                               unit=data.get("unit"), user_id=user_id())
    return _lot_now(lot), 201


@bp.post("/adjustments")
@role_required("manager")
@idempotent
def adjust():
    data = body()
    lot = stock.adjust_stock(lot=data.get("lot"), location=data.get("location"),
                             quantity=data.get("quantity"), reason=data.get("reason"),
                             unit=data.get("unit"), user_id=user_id())
    return _lot_now(lot), 201


def _lot_now(lot) -> dict:
    """The lot as it stands after a move: quantity and balances read again."""
    detail = queries.lot_detail(lot.code)
    return lot_json(lot, detail.quantity, detail.balances)


def cost_correction_json(result) -> dict:
    return {"code": result.lot.code, "unit_cost": to_str(result.new_cost),
            "old_unit_cost": to_str(result.old_cost), "document": result.document,
            "revalued_quantity": to_str(result.revalued),
            "value_change": to_str(result.value_change),
            "consumed_at_old_cost": {"quantity": to_str(result.consumed.quantity),
                                     "value": to_str(result.consumed.value)},
            "shipped_at_old_cost": {"quantity": to_str(result.shipped.quantity),
                                    "value": to_str(result.shipped.value)},
            "output_lots": result.output_lots}


@bp.post("/lots/<code>/cost")
@role_required("manager")
@idempotent
def correct_cost(code):
    data = body()
    result = lot_costs.correct_lot_cost(lot=code, unit_cost=data.get("unit_cost"),
                                        reason=data.get("reason"), user_id=user_id())
    return cost_correction_json(result), 200
