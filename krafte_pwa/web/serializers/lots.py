"""Lots, their movements, receipts and cost corrections as JSON."""

from ...domain.numbers import to_str
from .common import shows_costs
from .stamps import day, stamp


def lot_json(lot, quantity=None, balances=None) -> dict:
    data = {
        "code": lot.code, "item": lot.item.sku, "item_name": lot.item.name,
        "unit": lot.item.unit, "status": lot.status, "origin": lot.origin,
        "expiry": day(lot.expiry), "date": day(lot.lot_date),
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


def lot_detail_json(detail) -> dict:
    """A lot with its stock, status reason and status history."""
    data = lot_json(detail.lot, detail.quantity, detail.balances)
    data["status_reason"] = detail.status_reason
    data["status_history"] = [
        {"status": e.new_value, "previous": e.old_value, "reason": e.reason,
         "user": e.user.username if e.user else None, "at": stamp(e.created_at)}
        for e in detail.status_events]
    return data


def lot_now_json(lot, detail) -> dict:
    """The lot as it stands after a move: quantity and balances read again."""
    return lot_json(lot, detail.quantity, detail.balances)


def movement_json(m) -> dict:
    data = {
        "id": m.id, "lot": m.lot.code, "location": m.location.code, "kind": m.kind_name,
        "quantity": to_str(m.quantity), "document": m.document, "reason": m.reason,
        "user": m.user.username if m.user else None,
        "created_at": stamp(m.created_at),
    }
    if shows_costs():
        data["unit_cost"] = to_str(m.unit_cost)
    return data


def movements_json(movements) -> dict:
    return {"items": [movement_json(m) for m in movements]}


def receipt_json(result) -> dict:
    answer = {"number": result.number,
              "lots": [{"code": r.code, "item": r.item, "quantity": to_str(r.quantity)}
                       for r in result.lots]}
    if result.purchase_orders:  # received against purchase orders
        answer["purchase_orders"] = [{"number": n, "status": s}
                                     for n, s in result.purchase_orders]
        answer["over_received"] = [o.as_dict() for o in result.over_received]
    return answer


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
