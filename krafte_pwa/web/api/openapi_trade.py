"""OpenAPI paths for purchase orders, shipments, recalls and alerts.

Merged into openapi.document(): `"paths": {..., **openapi_trade.paths()}`.
"""

from .openapi import DATE_IN, DEC, NUM_IN, PAGING, _obj, _op, _page

STR = {"type": "string"}
DATE = {"type": ["string", "null"], "format": "date"}
STAMP = {"type": ["string", "null"], "format": "date-time"}
MANAGERS = "managers only"

PO_LINE_IN = _obj({"item": STR, "quantity": NUM_IN,
                   "unit": {**STR, "description": "any unit the item knows; its base unit "
                                                  "when left out"},
                   "price": {**NUM_IN, "description": "per `unit`"},
                   "expected_date": DATE_IN},
                  ["item", "quantity"])
PO = _obj({
    "number": {"type": "string", "pattern": r"^PO-\d{4}-\d{4,}$"}, "supplier": STR,
    "status": {"enum": ["draft", "ordered", "partial", "received", "cancelled"]},
    "expected_date": DATE, "note": {"type": ["string", "null"]},
    "created_at": STAMP, "ordered_at": STAMP,
    "lines": {"type": "array", "items": _obj({
        "line": {"type": "integer", "description": "position, named by receipts"},
        "item": STR, "item_name": STR, "unit": STR,
        "quantity": {**DEC, "description": "ordered, in the item's base unit"},
        "entered_quantity": DEC, "entered_unit": STR,
        "received": DEC, "open": {**DEC, "description": "still expected"},
        "expected_date": DATE,
        "unit_price": {**DEC, "description": f"per base unit; {MANAGERS}"},
        "value": {**DEC, "description": MANAGERS}})},
    "total": {**DEC, "description": MANAGERS},
})
SHIPMENT = _obj({
    "number": {"type": "string", "pattern": r"^SH-\d{4}-\d{4,}$"}, "customer": STR,
    "status": {"enum": ["picking", "shipped", "cancelled"]},
    "note": {"type": ["string", "null"]}, "created_at": STAMP, "shipped_at": STAMP,
    "lines": {"type": "array", "items": _obj({
        "line": {"type": "integer"}, "item": STR, "item_name": STR, "unit": STR,
        "quantity": DEC,
        "cost": {**DEC, "description": f"cost of goods sold; {MANAGERS}"},
        "lots": {"type": "array", "items": _obj({
            "lot": STR, "location": STR, "quantity": DEC,
            "unit_cost": {**DEC, "description": MANAGERS}})}})},
})
LOT_ALERT = _obj({"code": STR, "item": STR, "item_name": STR, "unit": STR, "status": STR,
                  "quantity": DEC, "expiry": DATE,
                  "days_left": {"type": ["integer", "null"],
                                "description": "negative once expired"}})
ALERTS = _obj({
    "low_stock": {"type": "array", "description": "materials first, emptiest first",
                  "items": _obj({
                      "item": STR, "name": STR, "kind": STR, "unit": STR,
                      "available": {**DEC, "description": "usable on hand minus reserved"},
                      "on_order": DEC, "reorder_point": DEC,
                      "suggested_quantity": {**DEC, "description": "to order now"},
                      "supplier": {"type": ["string", "null"],
                                   "description": "the item's default supplier"}})},
    "expiring": {"type": "array", "items": LOT_ALERT,
                 "description": "expiring within `days`, not blocked"},
    "expired": {"type": "array", "items": LOT_ALERT, "description": "expired, still in stock"},
    "quarantine": {"type": "array", "items": LOT_ALERT},
    "sales_on_hold": {"type": "array", "description": "sales orders waiting on something "
                      "to resolve (an unknown SKU)", "items": _obj({
                          "number": STR, "customer": STR, "channel": STR,
                          "reason": {"type": ["string", "null"]}})},
    "cost_missing": {"type": "array", "items": LOT_ALERT,
                     "description": "lots in stock at a zero cost whose item has no purchase "
                     "price and no standard cost (empty for operators)"},
    "days": {"type": "integer"},
})
RECALL = _obj({
    "affected_lots": {"type": "array", "items": _obj({
        "code": STR, "item": STR, "on_hand": DEC,
        "status": {**STR, "description": "with ?include=locations"},
        "level": {"type": "integer", "description": "with ?include=locations; 0 is the lot "
                                                   "recalled"},
        "locations": {"type": "array", "description": "with ?include=locations",
                      "items": _obj({"location": STR, "quantity": DEC})}},
        ["code", "item", "on_hand"])},
    "customers": {"type": "array", "items": _obj({
        "customer": STR, "lot": STR, "quantity": DEC,
        "date": {"type": "string", "format": "date"}},
        ["customer", "lot", "quantity", "date"])},
}, ["affected_lots", "customers"])


def schemas() -> dict:
    return {}


def paths() -> dict:
    number = (("number", "path"),)
    return {
        "/purchase-orders": {
            "post": _op("Create a draft purchase order (not on order until ordered)",
                        status="201", idempotent=True, role="manager", answer=PO,
                        body=_obj({"supplier": STR,
                                   "expected_date": DATE_IN,
                                   "note": STR,
                                   "lines": {"type": "array", "minItems": 1,
                                             "items": PO_LINE_IN}},
                                  ["supplier", "lines"])),
            "get": _op("Purchase orders, newest first", answer=_page(PO),
                       params=(("status", "query"), ("supplier", "query"), *PAGING)),
        },
        "/purchase-orders/{number}": {"get": _op(
            "A purchase order with what was received per line", answer=PO, params=number)},
        "/purchase-orders/{number}/order": {"post": _op(
            "Mark a draft ordered: its quantities count as on order", answer=PO,
            idempotent=True, role="manager", params=number)},
        "/purchase-orders/{number}/cancel": {"post": _op(
            "Cancel a draft or open order; what was received stays", answer=PO,
            idempotent=True, role="manager", params=number, body=_obj({"reason": STR}))},
        "/purchase-orders/from-alerts": {"post": _op(
            "Draft purchase orders for the items low on stock, one per default supplier, "
            "at the suggested quantities", status="201", idempotent=True, role="manager",
            body=_obj({"items": {"type": "array", "items": STR,
                                 "description": "SKUs; all low items when left out"}}),
            answer=_obj({"orders": {"type": "array", "items": PO},
                         "no_supplier": {"type": "array", "items": _obj(
                             {"item": STR, "suggested_quantity": DEC})}}))},
        "/shipments": {
            "post": _op(
                "Ship to a customer now: the given lot, or FEFO lots; blocked, quarantined "
                "and expired lots are refused, as is stock reserved by production orders. "
                "An unknown customer is created. One answer line per lot used, in line "
                "order", status="201", idempotent=True,
                body=_obj({"customer": STR, "note": STR,
                           "lines": {"type": "array", "minItems": 1, "items": _obj(
                               {"item": STR, "quantity": NUM_IN, "unit": STR, "lot": STR,
                                "location": STR}, ["item", "quantity"])}},
                          ["customer", "lines"]),
                answer=_obj({"number": STR, "lines": {"type": "array", "items": _obj(
                    {"item": STR, "lot": STR, "quantity": DEC})}}, ["number", "lines"])),
            "get": _op("Shipments, newest first", answer=_page(SHIPMENT),
                       params=(("customer", "query"), *PAGING)),
        },
        "/shipments/{number}": {"get": _op("A shipment with the lots that left per line",
                                           answer=SHIPMENT, params=number)},
        "/lots/{code}/recall": {"get": _op(
            "Recall: every lot made from this one at any level with its stock on hand, "
            "every customer who received one", answer=RECALL,
            params=(("code", "path"), ("include", "query")))},
        "/lots/{code}/recall/block": {"post": _op(
            "Block every affected lot still in stock, recording the reason",
            idempotent=True, role="manager", params=(("code", "path"),),
            body=_obj({"reason": STR}, ["reason"]),
            answer=_obj({"lot": STR, "blocked": {"type": "array", "items": STR}}))},
        "/alerts": {"get": _op("Low stock, lots expiring, expired, in quarantine",
                               answer=ALERTS, params=(("days", "query"),))},
    }
