"""OpenAPI paths for planning: suggestions, drafting the buy list, an order with its
sub-orders."""

from .openapi import DEC, NUM_IN, _obj, _op

STR = {"type": "string"}
REASON = _obj({"kind": {"enum": ["production_order", "sales_order", "component",
                                 "reorder_point"]},
               "reference": {**STR, "description": "the order's number; for a component, the "
                                                   "item it goes into; for a reorder point, "
                                                   "the item"},
               "quantity": DEC})
LINE = {
    "item": STR, "item_name": STR, "quantity": DEC, "unit": STR,
    "reason": {**STR, "description": "why, in the user's language"},
    "reasons": {"type": "array", "items": REASON},
    "demand": {**DEC, "description": "what orders and the levels above need"},
    "supply": {**DEC, "description": "available now + on order or drafted + being made"},
}
SHORT_ORDER = _obj({"number": STR, "item": STR, "unit": STR, "quantity": DEC, "status": STR,
                    "parent": {"type": ["string", "null"]}})
PO_LINE = _obj({"item": STR, "quantity": DEC, "unit": STR})


def paths() -> dict:
    return {
        "/planning/suggestions": {"get": _op(
            "What to buy (per default supplier) and make (deepest level first), with the "
            "reasons: open production orders, sales orders, reorder points; netting "
            "available stock, purchase orders open or drafted and open production orders",
            role="manager",
            answer=_obj({
                "purchase": {"type": "array", "items": _obj(
                    {**LINE, "supplier": {"type": ["string", "null"]}})},
                "production": {"type": "array", "items": _obj(
                    {**LINE, "level": {"type": "integer"}})}}))},
        "/planning/purchase-orders": {"post": _op(
            "The buy list (or the SKUs given) as one draft purchase order per default "
            "supplier; items without one are listed back", status="201", idempotent=True,
            role="manager", body=_obj({"items": {"type": "array", "items": STR}}),
            answer=_obj({
                "purchase_orders": {"type": "array", "items": _obj({
                    "number": STR, "supplier": STR, "status": STR,
                    "lines": {"type": "array", "items": PO_LINE}})},
                "no_supplier": {"type": "array", "items": PO_LINE}}))},
        "/planning/orders": {"post": _op(
            "Plan an order and a linked sub-order for what each intermediate lacks, at every "
            "level; an order starts once its open sub-orders are completed", status="201",
            idempotent=True, role="manager",
            body=_obj({"item": STR, "quantity": NUM_IN, "unit": STR, "note": STR},
                      ["item", "quantity"]),
            answer=_obj({**SHORT_ORDER["properties"],
                         "sub_orders": {"type": "array", "items": SHORT_ORDER}}))},
    }
