"""OpenAPI paths for stock counts, reports and the recipes CSV import.

Merged into openapi.document(): `"paths": {..., **openapi_reports.paths()}`.
"""

from .openapi import DEC, NUM_IN, PAGING, _obj, _op, _page

STR = {"type": "string"}
WHEN = {"type": ["string", "null"], "format": "date-time"}
SCANNED = {"type": "string", "description": "a code, or a scanned label URL (…/l/<code>)"}
COUNT_SUMMARY = _obj({
    "number": {"type": "string", "pattern": r"^CT-\d{4}-\d{4,}$"}, "location": STR,
    "status": {"enum": ["open", "submitted", "posted", "cancelled"]}, "created_at": WHEN,
    "posted_at": WHEN, "blind": {"type": "boolean",
                                 "description": "counters do not see expected quantities"}})
COUNT = _obj({
    **COUNT_SUMMARY["properties"],
    "lines": {"type": "array", "description": "lots counted; expected = on hand now (while "
              "open) or when posted", "items": _obj({
                  "lot": STR, "item": STR, "item_name": STR, "unit": STR, "counted": DEC,
                  "expected": DEC, "difference": DEC, "reason": {"type": ["string", "null"]},
                  "value_difference": {**DEC, "description": "managers only"}})},
    "missing": {"type": "array", "description": "lots with stock here not scanned yet; "
                "confirming sets them to zero", "items": _obj({
                    "lot": STR, "item": STR, "item_name": STR, "unit": STR, "expected": DEC,
                    "expiry": {"type": ["string", "null"], "format": "date"}})},
    "adjustments": {"type": "array", "description": "in the answer to confirm: the COUNT "
                    "movements posted (reason \"count\")",
                    "items": _obj({"lot": STR, "quantity": DEC})},
})
VALUATION = _obj({"raw_materials": DEC, "intermediates": DEC, "wip": DEC,
                  "finished_goods": DEC, "total": DEC, "currency": STR},
                 ["raw_materials", "intermediates", "wip", "finished_goods", "total",
                  "currency"])
MOVEMENT = _obj({"id": {"type": "integer"}, "created_at": WHEN, "kind": STR, "item": STR,
                 "lot": STR, "location": STR, "quantity": DEC, "unit": STR, "unit_cost": DEC,
                 "document": {"type": ["string", "null"]},
                 "reason": {"type": ["string", "null"]}, "user": {"type": ["string", "null"]}})
IMPORT_REPORT = _obj({"rows": {"type": "integer"}, "written": {"type": "boolean"},
                      "created": {"type": "array", "items": STR},
                      "problems": {"type": "array", "items": _obj({
                          "line": {"type": "integer"}, "column": {"type": ["string", "null"]},
                          "reason": STR})}})
NUMBER = (("number", "path"),)
DAY_OR_INSTANT = "ISO date (that day's closing, UTC) or date-time"


def _with_param_doc(op: dict, name: str, text: str) -> dict:
    for param in op.get("parameters", []):
        if param["name"] == name:
            param["description"] = text
    return op


def _import(kind: str, columns: str) -> dict:
    return {
        **_op(f"Import {kind.replace('-', ' ')} from CSV (one row per line: {columns}); "
              "every problem row reported (422), nothing written unless all are valid",
              status="201", answer=IMPORT_REPORT, role="manager",
              params=(("dry_run", "query"),), body=STR,
              also={"200": "dry run: nothing written",
                    "422": "problem rows, nothing written"}),
        "requestBody": {"required": True, "content": {
            "text/csv": {"schema": {**STR, "minLength": 1}},
            "multipart/form-data": {"schema": _obj({"file": {
                "type": "string", "format": "binary"}}, ["file"])}}}}


def paths() -> dict:
    return {
        "/counts": {
            "post": _op("Open a stock count of a location, or resume its open count (200)",
                        status="201", answer=COUNT, idempotent=True,
                        also={"200": "the open count of that location, resumed"},
                        body=_obj({"location": SCANNED, "blind": {"type": "boolean"}},
                                  ["location"])),
            "get": _op("List stock counts, newest first", answer=_page(COUNT_SUMMARY),
                       params=(("status", "query"), ("location", "query"), *PAGING)),
        },
        "/counts/{number}": {"get": _op(
            "A count: lines counted and lots expected but not scanned (no costs for "
            "operators)", answer=COUNT, params=NUMBER)},
        "/counts/{number}/lines": {"post": _op(
            "Record the quantity of a lot found; scanning it again replaces it",
            status="201", answer=COUNT, idempotent=True, params=NUMBER,
            body=_obj({"lot": SCANNED, "quantity": NUM_IN, "unit": STR, "reason": STR},
                      ["lot", "quantity"]))},
        "/counts/{number}/confirm": {"post": _op(
            "Post the differences as adjustments with reason \"count\" (expected = on hand "
            "now; lots not scanned go to zero); one transaction. By a manager always; by an "
            "operator only when every difference is within count_tolerance_percent, else "
            "the count waits with status \"submitted\" for a manager", answer=COUNT,
            idempotent=True, params=NUMBER)},
        "/counts/{number}/cancel": {"post": _op(
            "Cancel an open count; nothing is posted", answer=COUNT_SUMMARY, idempotent=True,
            params=NUMBER)},
        "/reports/valuation": {"get": _with_param_doc(_op(
            "Stock value by category, now or at a past instant recomputed from the ledger",
            answer=VALUATION, role="manager", params=(("at", "query"),)), "at",
            DAY_OR_INSTANT)},
        "/reports/movements": {"get": _op(
            "Movement history, newest first", answer=_page(MOVEMENT), role="manager",
            params=(("item", "query"), ("lot", "query"), ("location", "query"),
                    ("kind", "query"), ("since", "query"), ("until", "query"),
                    ("user", "query"), *PAGING))},
        "/reports/accounting": {"get": _op(
            "Inventory value changes over a period by movement class and category, from "
            "the opening to the closing value; cost of goods sold", role="manager",
            params=(("since", "query"), ("until", "query")),
            answer=_obj({"since": WHEN, "until": WHEN, "currency": STR,
                         "cost_of_goods_sold": DEC,
                         "rows": {"type": "array", "items": _obj({
                             "line": STR, "raw_materials": DEC, "intermediates": DEC,
                             "wip": DEC, "finished_goods": DEC, "total": DEC})}}))},
        **{f"/imports/{kind}": {"post": _import(kind, columns)} for kind, columns in (
            ("items", "sku, name, kind, unit, reorder_point…"),
            ("opening-stock", "item, location, quantity, unit, expiry, unit_cost…"),
            ("recipes", "item, yield_quantity, component, quantity, unit, loss_percent, "
                        "labour…"))},
    }
