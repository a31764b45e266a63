"""OpenAPI paths for recipes, feasibility, production orders and traces.

The lead merges these into openapi.document(): `"paths": {..., **openapi_production.paths()}`.
"""

from .openapi import DEC, NUM_IN, PAGING, _obj, _op, _page

STR = {"type": "string"}
DATE = {"type": ["string", "null"], "format": "date"}
COSTS = _obj({"material": DEC, "labour": DEC, "overhead": DEC, "total": DEC,
              "quantity": DEC, "per_unit": DEC})
RECIPE_LINE = _obj({"item": STR, "quantity": NUM_IN, "unit": STR, "loss_percent": NUM_IN},
                   ["item", "quantity"])
RECIPE = _obj({
    "item": STR, "version": {"type": "integer"}, "active": {"type": "boolean"},
    "yield_quantity": DEC, "unit": STR, "labour_minutes": DEC,
    "labour_rate": {**DEC, "description": "per hour; absent for operators"},
    "overhead": {**DEC, "description": "per batch; absent for operators"},
    "overhead_percent": {**DEC, "description": "% of material cost; absent for operators"},
    "instructions": {"type": ["string", "null"]}, "cap_expiry": {"type": "boolean"},
    "lines": {"type": "array", "items": _obj({
        "item": STR, "quantity": DEC, "unit": STR, "loss_percent": DEC,
        "base_quantity": DEC, "base_unit": STR})},
    "cost": {**_obj({"material": DEC, "labour": DEC, "overhead": DEC, "batch": DEC,
                     "per_unit": DEC}),
             "description": "at current lot costs; managers only"},
})
SUGGESTED = _obj({"lot": STR, "location": STR, "quantity": DEC, "expiry": DATE})
ORDER = _obj({
    "number": {"type": "string", "pattern": r"^MO-\d{4}-\d{4,}$"},
    "status": {"enum": ["planned", "in_progress", "completed", "cancelled"]},
    "item": STR, "item_name": STR, "unit": STR, "recipe_version": {"type": "integer"},
    "quantity": DEC, "actual_quantity": {**DEC, "type": ["string", "null"]},
    "requirements": {"type": "array", "items": _obj({
        "item": STR, "unit": STR, "quantity": DEC, "reserved": DEC, "picked": DEC,
        "consumed": DEC, "missing": DEC,
        "suggested": {"type": "array", "items": SUGGESTED,
                      "description": "FEFO lots, while the order is planned"}})},
    "picks": {"type": "array", "items": _obj({
        "lot": STR, "item": STR, "from": STR, "quantity": DEC, "consumed": DEC,
        "returned": DEC, "wasted": DEC, "waste_reason": {"type": ["string", "null"]},
        "overridden": {"type": "boolean"}})},
    "wip_location": {"type": ["string", "null"]},
    "output_lot": {"oneOf": [{"type": "null"}, _obj({
        "code": STR, "quantity": DEC, "expiry": DATE, "status": STR, "location": STR,
        "unit_cost": {**DEC, "description": "managers only"}})]},
    "override_reason": {"type": ["string", "null"]},
    "parent": {"type": ["string", "null"],
               "description": "the order this one makes an intermediate for"},
    "sub_orders": {"type": "array", "items": _obj({"number": STR, "item": STR, "status": STR}),
                   "description": "orders making its intermediates: it starts once the open "
                                  "ones are completed"},
    "actions": {"type": "array", "items": {"enum": ["start", "complete", "cancel"]}},
    "costs": {**_obj({"planned": COSTS, "actual": {"oneOf": [{"type": "null"}, COSTS]},
                      "variance": {"type": ["string", "null"],
                                   "description": "actual total − planned cost per unit × "
                                                  "actual quantity"},
                      "variance_detail": {"oneOf": [{"type": "null"}, _obj({
                          "material": DEC, "labour": DEC, "overhead": DEC,
                          "percent": {"type": ["string", "null"]}, "per_unit": DEC})]}}),
              "description": "managers only"},
    "quantity_variance": DEC,
})
STATION_PICKS = _obj({"order": STR, "picks": {"type": "array", "items": _obj({
    "lot": STR, "item": STR, "unit": STR, "location": STR, "quantity": DEC,
    "suggested": {"type": "boolean"}})}})
TRACE_NODE = {
    "type": "object",
    "properties": {
        "lot": STR, "item": STR, "item_name": STR, "unit": STR,
        "quantity": {**DEC, "description": "in this lot's own unit; root: made or received; "
                                           "below: what went in (backward) or what the "
                                           "order made (forward)"},
        "used": _obj({"quantity": DEC, "unit": STR}),
        "origin": {"enum": ["receipt", "production", "opening"]}, "status": STR,
        "date": DATE, "expiry": DATE, "order": {"type": ["string", "null"]},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/TraceNode"}},
        "receipts": {"type": "array", "items": _obj({
            "number": STR, "supplier": {"type": ["string", "null"]},
            "supplier_lot": {"type": ["string", "null"]}, "date": DATE, "quantity": DEC})},
        "shipments": {"type": "array", "items": _obj({
            "document": STR, "customer": {"type": ["string", "null"]}, "quantity": DEC,
            "date": DATE})},
    },
}


def schemas() -> dict:
    """Components the paths refer to (merge into components.schemas)."""
    return {"TraceNode": TRACE_NODE}


def paths() -> dict:
    number = (("number", "path"),)
    return {
        "/recipes": {
            "post": _op("Create an item's recipe, or edit it (a new version once an order "
                        "used it)", status="201", idempotent=True, role="manager",
                        answer=RECIPE, body=_obj({
                            "item": STR, "yield_quantity": NUM_IN, "yield_unit": STR,
                            "lines": {"type": "array", "minItems": 1, "items": RECIPE_LINE},
                            "labour_minutes": NUM_IN, "labour_rate": NUM_IN,
                            "overhead": {**NUM_IN, "description": "per batch"},
                            "overhead_percent": NUM_IN, "instructions": STR,
                            "cap_expiry": {"type": "boolean"}},
                            ["item", "yield_quantity", "lines"])),
            "get": _op("Active recipes", answer=_page(RECIPE)),
        },
        "/recipes/{sku}": {"get": _op("An item's recipe with its cost per unit",
                                      answer=RECIPE,
                                      params=(("sku", "path"), ("version", "query")))},
        "/items/{sku}/feasibility": {"get": _op(
            "Can N be made now? The recipe tree exploded and netted against available stock",
            params=(("sku", "path"), ("quantity", "query"), ("unit", "query")),
            answer=_obj({"item": STR, "quantity": DEC, "feasible": {"type": "boolean"},
                         "max_quantity": DEC,
                         "shortages": {"type": "array", "items": _obj({
                             "item": STR, "unit": STR, "required": DEC, "available": DEC,
                             "missing": DEC})},
                         "to_produce": {"type": "array", "items": _obj({
                             "item": STR, "unit": STR, "quantity": DEC})}}))},
        "/production-orders": {
            "post": _op("Plan an order: requirements reserved, FEFO lots suggested; never "
                        "refused for a shortage", status="201", idempotent=True,
                        role="manager", answer=ORDER,
                        body=_obj({"item": STR, "quantity": NUM_IN, "unit": STR,
                                   "note": STR}, ["item", "quantity"])),
            "get": _op("Production orders, newest first", answer=_page(ORDER),
                       params=(("status", "query"), ("item", "query"), *PAGING)),
        },
        "/production-orders/{number}": {"get": _op("A production order", answer=ORDER,
                                                   params=number)},
        "/production-orders/{number}/start": {"post": _op(
            "Start: pick lots into the order's WIP (no picks: the FEFO suggestion). Refused "
            "for blocked or quarantined lots, expired lots without a manager's "
            "override_reason, missing stock", answer=ORDER, idempotent=True, params=number,
            body=_obj({"picks": {"type": "array", "items": _obj(
                {"lot": STR, "location": STR, "quantity": NUM_IN, "unit": STR}, ["lot"])},
                "override_reason": STR}))},
        "/production-orders/{number}/complete": {"post": _op(
            "Complete: consume (default: the picks), write off waste with a reason, return "
            "the rest; creates the output lot with cost, expiry and genealogy",
            answer=ORDER, idempotent=True, params=number,
            body=_obj({"quantity": NUM_IN, "unit": STR, "location": STR,
                       "consumed": {"type": "array", "items": _obj(
                           {"lot": STR, "quantity": NUM_IN}, ["lot", "quantity"])},
                       "waste": {"type": "array", "items": _obj(
                           {"lot": STR, "quantity": NUM_IN, "reason": STR},
                           ["lot", "quantity", "reason"])},
                       "return_location": STR,
                       "labour_minutes": {**NUM_IN, "description": "actual minutes for the "
                                          "whole order; the recipe's when left out"}},
                      ["quantity"]))},
        "/production-orders/{number}/cancel": {"post": _op(
            "Cancel: reservations released, WIP returned to stock", answer=ORDER,
            idempotent=True, role="manager", params=number,
            body=_obj({"reason": STR}))},
        "/production-orders/{number}/station-picks": {
            "get": _op("The lots scanned at the station for an order not started yet",
                       answer=STATION_PICKS, params=number),
            "put": _op("Replace the lots scanned at the station before Start (an empty list "
                       "clears them; starting or cancelling the order clears them too). "
                       "Refused once the order has started", answer=STATION_PICKS,
                       params=number, body=_obj({"picks": {"type": "array", "items": _obj(
                           {"lot": STR, "location": STR, "quantity": NUM_IN, "unit": STR,
                            "suggested": {"type": "boolean"}},
                           ["lot", "location", "quantity"])}}, ["picks"]))},
        "/lots/{code}/trace": {"get": _op(
            "Trace a lot through its genealogy: backward to receipts, forward to the lots "
            "made from it and shipments",
            params=(("code", "path"), ("direction", "query")),
            answer={"allOf": [{"$ref": "#/components/schemas/TraceNode"}, _obj({
                "direction": {"enum": ["backward", "forward"]}, "lots": {"type": "integer"},
                "truncated": {"type": "boolean"}})]})},
    }
