"""GET /api/v1/openapi.json: the contract, described for integrators and tools."""

from ...domain.units import BUILT_IN
from . import bp

DEC = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "exact decimal"}
NUM_IN = {"oneOf": [{"type": "string"}, {"type": "number"}],
          "description": "decimal; '12.5', '12,5' or a JSON number"}
ERROR = {"$ref": "#/components/schemas/Error"}
DATE_IN = {"type": "string", "format": "date", "pattern": r"^(19|2[0-9])[0-9]{2}-",
           "description": "a date between 1900-01-01 and 2999-12-31"}
CODE = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$",
        "description": "letters, digits and . _ - (at most 40)"}
UNIT = {"type": "string", "enum": list(BUILT_IN),
        "description": "the item's base unit (common spellings such as 'kilo' are read too)"}


def _obj(props: dict, required=()) -> dict:
    schema = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    return schema


def _op(summary, *, body=None, answer=None, status="200", params=(), idempotent=False,
        role=None, also=None):
    """`also`: other answers with the success body, {status: description}."""
    op = {"summary": summary + (f" (role: {role})" if role else ""),
          "responses": {status: {"description": "success", "content": {
              "application/json": {"schema": answer or {"type": "object"}}}}}}
    for other, text in (also or {}).items():
        op["responses"][other] = {"description": text, "content": {
            "application/json": {"schema": answer or {"type": "object"}}}}
    errors = [("400", "bad input"), ("401", "not authenticated"),
              ("403", "role not allowed"), ("404", "unknown code"),
              ("409", "refused: conflict with the current state")]
    if body:
        errors.append(("413", "body larger than the upload limit"))
    for code, text in errors:
        op["responses"][code] = {"description": text,
                                 "content": {"application/json": {"schema": ERROR}}}
    parameters = [{"name": n, "in": where, "required": where == "path",
                   "schema": {"type": "string"}} for n, where in params]
    if idempotent:
        parameters.append({"name": "Idempotency-Key", "in": "header", "required": False,
                           "schema": {"type": "string", "minLength": 1, "maxLength": 200,
                                      "pattern": "^[\\x20-\\x7e]+$"},
                           "description": "1 to 200 printable ASCII characters; a replay "
                                          "returns the first answer, changing nothing"})
    if parameters:
        op["parameters"] = parameters
    if body:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": _filled(body)}}}
    return op


def _filled(schema):
    """A request schema with its required text fields non-empty (`minLength: 1`): the
    services refuse a blank required field."""
    if isinstance(schema, list):
        return [_filled(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    result = {k: _filled(v) for k, v in schema.items()}
    required = set(schema.get("required", ()))
    for name, prop in result.get("properties", {}).items():
        if name in required and prop.get("type") == "string" and "enum" not in prop:
            result["properties"][name] = {"minLength": 1, "pattern": r"\S", **prop}
    return result


PAGING = (("page", "query"), ("per_page", "query"))
ITEM = _obj({"sku": {"type": "string"}, "name": {"type": "string"},
             "kind": {"enum": ["material", "intermediate", "product"]},
             "unit": {"type": "string"}, "on_hand": DEC, "reserved": DEC, "available": DEC,
             "on_order": DEC, "reorder_point": DEC, "reorder_quantity": DEC,
             "shelf_life_days": {"type": ["integer", "null"]}, "requires_qc": {"type": "boolean"},
             "gtin": {"type": ["string", "null"]},
             "standard_cost": {**DEC, "type": ["string", "null"],
                               "description": "per base unit: the cost of a lot "
                               "received without one when no purchase price is known; "
                               "absent for operators"}})
LOT = _obj({"code": {"type": "string"}, "item": {"type": "string"},
            "status": {"enum": ["released", "quarantine", "blocked"]},
            "expiry": {"type": ["string", "null"], "format": "date"},
            "unit_cost": {**DEC, "description": "per base unit; absent for operators"},
            "quantity": DEC, "origin": {"enum": ["receipt", "production", "opening"]},
            "balances": {"type": "array", "items": _obj({"location": {"type": "string"},
                                                          "quantity": DEC})},
            "status_reason": {"type": ["string", "null"],
                              "description": "the reason of the last status change"},
            "status_history": {"type": "array", "items": _obj({
                "status": {"type": "string"}, "previous": {"type": ["string", "null"]},
                "reason": {"type": ["string", "null"]}, "user": {"type": ["string", "null"]},
                "at": {"type": "string", "format": "date-time"}})}})


DATETIME = {"type": "string", "format": "date-time"}
TOKEN = _obj({"id": {"type": "integer"}, "name": {"type": ["string", "null"]},
              "created_at": DATETIME, "expires_at": DATETIME, "current": {"type": "boolean"}})
REVOKED = _obj({"revoked": {"type": "integer"}})


def _limited(op: dict) -> dict:
    """A call counted by the login limits: 429 with Retry-After over them."""
    op["responses"]["429"] = {
        "description": "too many failed attempts (code too_many_attempts)",
        "headers": {"Retry-After": {"schema": {"type": "integer"},
                                    "description": "seconds to wait"}},
        "content": {"application/json": {"schema": ERROR}}}
    return op


def _page(schema):
    return _obj({"items": {"type": "array", "items": schema}, "total": {"type": "integer"},
                 "page": {"type": "integer"}, "per_page": {"type": "integer"}})


ERROR_FIELDS = {
    "code": {"type": "string"},
    "message": {"type": "string", "description": "in the language of the request"},
    "details": {"type": "object", "description": "e.g. `field`: the path of the field refused "
                                                 "(lines[0].quantity)"},
    "translations": {"type": "object", "additionalProperties": {"type": "string"},
                     "description": "the message in every language of the app, by locale "
                                    "(en, fr), when it comes from the catalogue: a client that "
                                    "keeps a refusal shows it in its reader's language later"},
}


def document() -> dict:
    from . import (  # build on the helpers above
        openapi_accounting,
        openapi_channels,
        openapi_planning,
        openapi_production,
        openapi_reports,
        openapi_sales,
        openapi_trade,
    )

    return {
        "openapi": "3.1.0",
        "info": {"title": "Krafte PWA API", "version": "1",
                 "description": "Quantities and money travel as decimal strings. Items, lots, "
                                "locations and orders are referenced by their codes. Errors "
                                "are {\"error\": {\"code\", \"message\"}} with a 4xx status, "
                                "and may add `details` and `translations` (the message in "
                                "each language of the app)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {"Error": _obj({"error": _obj(ERROR_FIELDS, ["code", "message"])},
                                      ["error"]),
                        **openapi_production.schemas()},
        },
        "paths": {
            "/tokens": {
                "post": {**_limited(_op(
                    "Get a bearer token (the secret is shown only here; it expires after "
                    "KRAFTE_TOKEN_DAYS, 90 days by default). Failed attempts are limited per "
                    "account and per address: 429 too_many_attempts with Retry-After",
                    status="201",
                    body=_obj({"username": {"type": "string"}, "password": {"type": "string"},
                               "name": {"type": "string", "maxLength": 100,
                                        "description": "e.g. tablet station"}},
                              ["username", "password"]),
                    answer=_obj({"token": {"type": "string"}, "id": {"type": "integer"},
                                 "expires_at": DATETIME}))),
                         "security": []},
                "get": _op("Your own tokens, never their secret; `current` marks the one "
                           "making this request", answer=_page(TOKEN), params=PAGING),
            },
            "/tokens/{token_id}": {"delete": _op("Revoke one of your own tokens (404 for "
                                                 "anyone else's)", answer=REVOKED,
                                                 params=(("token_id", "path"),))},
            "/tokens/current": {"delete": _op("Revoke the token making this request (400 "
                                              "not_a_token for a session)", answer=REVOKED)},
            "/items": {
                "post": _op("Create an item", status="201", answer=ITEM, idempotent=True,
                            role="manager",
                            body=_obj({"sku": CODE, "name": {"type": "string"},
                                       "kind": {"enum": ["material", "intermediate", "product"]},
                                       "unit": UNIT, "reorder_point": NUM_IN,
                                       "reorder_quantity": NUM_IN,
                                       "shelf_life_days": {"type": "integer"},
                                       "requires_qc": {"type": "boolean"},
                                       "gtin": {"type": "string"}, "density": NUM_IN,
                                       "standard_cost": NUM_IN,
                                       "pack_units": {"type": "array", "items": _obj(
                                           {"name": {"type": "string"}, "quantity": NUM_IN,
                                            "unit": {"type": "string"}})}},
                                      ["sku", "name", "kind", "unit"])),
                "get": _op("List items", answer=_page(ITEM),
                           params=(("kind", "query"), ("q", "query"), *PAGING)),
            },
            "/items/{sku}": {
                "get": _op("An item with its stock", answer=ITEM, params=(("sku", "path"),)),
                "patch": _op(
                    "Change an item: only the fields given; an empty value clears an optional "
                    "one. SKU, kind and unit cannot change. `archived: true` is refused while "
                    "the item has stock or open orders. `pack_units` replaces the item's whole "
                    "set ([] removes them all; `unit` defaults to the item's unit); lots and "
                    "movements are in base units and keep their quantities, receipts keep "
                    "the name of the unit they were entered in", answer=ITEM, idempotent=True,
                    role="manager", params=(("sku", "path"),),
                    body=_obj({"name": {"type": "string"}, "reorder_point": NUM_IN,
                               "reorder_quantity": NUM_IN,
                               "shelf_life_days": {"type": ["integer", "null"]},
                               "requires_qc": {"type": "boolean"},
                               "gtin": {"type": ["string", "null"]}, "density": NUM_IN,
                               "default_location": {"type": ["string", "null"]},
                               "default_supplier": {"type": ["string", "null"]},
                               "sale_price": NUM_IN, "description": {"type": "string"},
                               "standard_cost": NUM_IN, "archived": {"type": "boolean"},
                               "pack_units": {"type": "array", "items": _obj(
                                   {"name": {"type": "string", "maxLength": 20},
                                    "quantity": NUM_IN, "unit": {"type": "string"}},
                                   ["name", "quantity"])}})),
            },
            "/items/{sku}/barcodes": {"post": _op(
                "Link a supplier's barcode (GTIN) to the item, so that scanning it at "
                "receiving finds the item; refused (duplicate_barcode) if it names one "
                "already", status="201", answer=ITEM, idempotent=True,
                params=(("sku", "path"),),
                body=_obj({"code": {"type": "string", "maxLength": 64}}, ["code"]))},
            "/locations": {"post": _op("Create a location", status="201", idempotent=True,
                                       role="manager",
                                       body=_obj({"code": CODE,
                                                  "name": {"type": "string"},
                                                  "parent": {"type": "string"}},
                                                 ["code", "name"]))},
            "/locations/{code}": {"patch": _op(
                "Rename, move under another parent (\"\" for the top level), archive or "
                "restore a location; the code cannot change", idempotent=True, role="manager",
                params=(("code", "path"),),
                body=_obj({"name": {"type": "string"}, "parent": {"type": "string"},
                           "archived": {"type": "boolean"}}),
                answer=_obj({"code": {"type": "string"}, "name": {"type": "string"},
                             "parent": {"type": ["string", "null"]},
                             "archived": {"type": "boolean"}})), "get": _op(
                "A location and what it holds", params=(("code", "path"),),
                answer=_obj({"code": {"type": "string"}, "name": {"type": "string"},
                             "contents": {"type": "array", "items": _obj(
                                 {"lot": {"type": "string"}, "item": {"type": "string"},
                                  "quantity": DEC})}}))},
            "/receipts": {"post": _op(
                "Receive goods: one lot per line, in the order of lines", status="201",
                idempotent=True,
                body=_obj({"supplier": {"type": "string"}, "location": {"type": "string"},
                           "lines": {"type": "array", "minItems": 1, "items": _obj(
                               {"item": {"type": "string"}, "quantity": NUM_IN,
                                "unit": {"type": "string"},
                                "supplier_lot": {"type": "string"},
                                "expiry": DATE_IN,
                                "unit_cost": {**NUM_IN, "description": "per `unit` given; "
                                              "against a purchase order, its price"},
                                "line": {"type": "integer",
                                         "description": "the purchase order line received"}},
                               ["quantity"])},
                           "purchase_order": {"type": "string",
                                              "description": "received against this order"}},
                          ["location", "lines"]),
                answer=_obj({"number": {"type": "string"}, "lots": {"type": "array", "items": _obj(
                    {"code": {"type": "string"}, "item": {"type": "string"},
                     "quantity": DEC})}}))},
            "/lots": {"get": _op("Lots in FEFO order", answer=_page(LOT),
                                 params=(("item", "query"), ("location", "query"),
                                         ("status", "query"), ("expiring_before", "query"),
                                         *PAGING))},
            "/lots/{code}": {"get": _op("A lot with its balances", answer=LOT,
                                        params=(("code", "path"),))},
            "/lots/{code}/movements": {"get": _op("A lot's movements, newest first",
                                                  params=(("code", "path"),))},
            "/lots/{code}/status": {"post": _op(
                "Change a lot's status, with a reason", answer=LOT, idempotent=True,
                role="manager", params=(("code", "path"),),
                body=_obj({"status": {"enum": ["released", "quarantine", "blocked"]},
                           "reason": {"type": "string"}}, ["status", "reason"]))},
            "/lots/{code}/cost": {"post": _op(
                "Correct a lot's unit cost (per base unit), with a reason: the stock still on "
                "hand is revalued (revaluation movements, booked by the accounting journal); "
                "what was consumed or shipped keeps its old cost and the answer says how much",
                idempotent=True, role="manager", params=(("code", "path"),),
                body=_obj({"unit_cost": NUM_IN, "reason": {"type": "string"}},
                          ["unit_cost", "reason"]),
                answer=_obj({"code": {"type": "string"}, "unit_cost": DEC,
                             "old_unit_cost": DEC, "document": {"type": "string"},
                             "revalued_quantity": DEC, "value_change": DEC,
                             "consumed_at_old_cost": _obj({"quantity": DEC, "value": DEC}),
                             "shipped_at_old_cost": _obj({"quantity": DEC, "value": DEC}),
                             "output_lots": {"type": "array", "items": {"type": "string"}}},
                            ["code", "unit_cost"]))},
            "/transfers": {"post": _op(
                "Move stock of a lot between locations", status="201", answer=LOT,
                idempotent=True,
                body=_obj({"lot": {"type": "string"}, "from": {"type": "string"},
                           "to": {"type": "string"}, "quantity": NUM_IN,
                           "unit": {"type": "string"}}, ["lot", "from", "to", "quantity"]))},
            "/adjustments": {"post": _op(
                "Correct stock by a signed quantity, with a reason", status="201", answer=LOT,
                idempotent=True, role="manager",
                body=_obj({"lot": {"type": "string"}, "location": {"type": "string"},
                           "quantity": NUM_IN, "reason": {"type": "string"},
                           "unit": {"type": "string"}},
                          ["lot", "location", "quantity", "reason"]))},
            **_scan_paths(),
            **openapi_accounting.paths(),
            **openapi_channels.paths(),
            **openapi_planning.paths(),
            **openapi_production.paths(),
            **openapi_reports.paths(),
            **openapi_sales.paths(),
            **openapi_trade.paths(),
        },
    }


STR_OR_NULL = {"type": ["string", "null"]}
RESOLVED = {"type": "object", "properties": {
    "kind": {"enum": ["lot", "location", "item", "production_order", "gtin", "gs1"]},
    "code": {"type": "string"}, "url": STR_OR_NULL, "path": STR_OR_NULL, "item": STR_OR_NULL,
    "fields": {"type": "object"}}}


def _multipart(field: str, description: str) -> dict:
    return {"required": True, "content": {"multipart/form-data": {"schema": _obj(
        {field: {"type": "string", "format": "binary", "description": description}},
        [field])}}}


def _scan_paths() -> dict:
    scan_image = _op("Decode the barcodes of a picture (a photo or a camera frame) and "
                     "resolve each", params=(("live", "query"),),
                     answer=_obj({"results": {"type": "array", "items": _obj({
                         "symbology": {"type": "string"}, "payload": {"type": "string"},
                         "resolved": {"oneOf": [{"type": "null"}, RESOLVED]}})}}))
    scan_image["requestBody"] = _multipart("image", "a PNG, JPEG or WebP picture")
    scan_image["responses"]["413"] = {"description": "body larger than the upload limit",
                                      "content": {"application/json": {"schema": ERROR}}}
    return {
        "/scan": {"post": _op(
            "Resolve a scanned payload: a label URL or code, a GTIN or a GS1 string",
            answer=RESOLVED, body=_obj({"payload": {"type": "string"}}, ["payload"]))},
        "/scan/image": {"post": scan_image},
    }


@bp.get("/openapi.json")
def openapi():
    return document()
