"""OpenAPI paths for sales orders.

Merged into openapi.document(): `"paths": {..., **openapi_sales.paths()}`.
"""

from .openapi import DEC, NUM_IN, PAGING, _obj, _op, _page

STR = {"type": "string"}
STR_OR_NULL = {"type": ["string", "null"]}
STAMP = {"type": ["string", "null"], "format": "date-time"}
STATUSES = ["confirmed", "partial", "shipped", "cancelled", "on_hold"]

LINE = _obj({
    "line": {"type": "integer"},
    "item": {**STR_OR_NULL, "description": "null while the SKU is unknown here"},
    "sku": {**STR, "description": "as ordered"}, "unit": STR_OR_NULL,
    "quantity": DEC, "reserved": DEC, "shipped": DEC,
    "missing": {**DEC, "description": "what no free stock covers (open orders)"},
    "unit_price": {**DEC, "type": ["string", "null"],
                   "description": "per base unit; managers only"},
    "lots": {"type": "array", "description": "the reservations: lot, location, quantity",
             "items": _obj({"lot": STR, "location": STR, "quantity": DEC})}})
ORDER = _obj({
    "number": {"type": "string", "pattern": r"^SO-\d{4}-\d{4,}$"},
    "status": {"enum": STATUSES}, "customer": STR, "email": STR_OR_NULL,
    "channel": {**STR, "description": "'manual' or a channel's name"},
    "reference": STR_OR_NULL, "hold_reason": STR_OR_NULL,
    "created_at": STAMP, "shipped_at": STAMP,
    "lines": {"type": "array", "items": LINE}})
SHIPPED = _obj({"number": {**STR, "description": "the shipment"}, "sales_order": STR,
                "lines": {"type": "array", "items": _obj(
                    {"item": STR, "lot": STR, "quantity": DEC})}}, ["number", "lines"])


def paths() -> dict:
    number = (("number", "path"),)
    return {
        "/sales-orders": {
            "post": _op(
                "Create a sales order: confirmed, its available stock reserved by FEFO "
                "(available = on hand − reserved for production − reserved for sales); "
                "`missing` shows what is not covered", status="201", idempotent=True,
                role="manager", answer=ORDER,
                body=_obj({"customer": STR, "email": STR, "reference": STR, "note": STR,
                           "lines": {"type": "array", "minItems": 1, "items": _obj(
                               {"item": STR, "quantity": NUM_IN, "unit": STR,
                                "unit_price": {**NUM_IN, "description": "per `unit`"}},
                               ["item", "quantity"])}}, ["customer", "lines"])),
            "get": _op("Sales orders, newest first; status `open` lists confirmed, partial "
                       "and on-hold orders", answer=_page(ORDER),
                       params=(("status", "query"), ("channel", "query"),
                               ("customer", "query"), *PAGING)),
        },
        "/sales-orders/{number}": {"get": _op(
            "A sales order with, per line, what is reserved (lots), shipped and missing",
            answer=ORDER, params=number)},
        "/sales-orders/{number}/ship": {"post": _op(
            "Ship lines of the order (a shipment: lots per customer, cost of goods sold), or "
            "without lines all that is reserved. A lot other than the reserved one is taken "
            "if usable and not held for another order", status="201", idempotent=True,
            params=number, answer=SHIPPED,
            body=_obj({"lines": {"type": "array", "items": _obj(
                {"item": STR, "quantity": NUM_IN, "unit": STR, "lot": STR},
                ["quantity"])}}))},
        "/sales-orders/{number}/cancel": {"post": _op(
            "Cancel the order, releasing its reservations (again: no change)",
            idempotent=True, role="manager", params=number,
            answer=_obj({"number": STR, "status": {"enum": ["cancelled"]}}))},
        "/sales-orders/{number}/make": {"post": _op(
            "Plan production orders for what is missing, intermediates first",
            status="201", idempotent=True, role="manager", params=number,
            answer=_obj({"production_orders": {"type": "array", "items": _obj(
                {"number": STR, "item": STR, "quantity": DEC})}}))},
        "/sales-orders/{number}/pick-check": {"post": _op(
            "What a lot scanned at the packing table means for the order: the quantity to "
            "pack and a warning when it is not the reserved lot. Expired, blocked, "
            "quarantined lots, products not on the order and lines packed in full answer "
            "`accepted: false` with a code and a message", params=number,
            body=_obj({"payload": {**STR, "description": "the lot code or its label's URL"},
                       "packed": {"type": "object", "description": "lot code → quantity "
                                  "already on the packing list",
                                  "additionalProperties": NUM_IN}}, ["payload"]),
            answer=_obj({"accepted": {"type": "boolean"}, "code": STR, "message": STR,
                         "lot": STR, "item": STR, "item_name": STR, "unit": STR,
                         "expiry": STR_OR_NULL, "reserved": DEC, "suggested": DEC,
                         "warning": STR_OR_NULL}))},
    }
