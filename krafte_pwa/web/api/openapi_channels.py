"""OpenAPI paths for sales channels: admin calls and the shops' webhook.

Merged into openapi.document(): `"paths": {..., **openapi_channels.paths()}`.
"""

from .openapi import DEC, _obj, _op

STR = {"type": "string"}
OPT = {"type": ["string", "null"]}
ADMIN = "admin"
CHANNEL = _obj({"name": STR, "kind": {"enum": ["shopify", "woocommerce", "generic"]},
                "webhook_url": {**STR, "description": "the address the shop calls"},
                "api_base": OPT, "location_id": OPT, "api_version": OPT})
MESSAGE = _obj({"id": {"type": "integer"}, "item": STR, "external_id": STR,
                "status": {"enum": ["pending", "sent", "failed"]},
                "attempts": {"type": "integer"}, "due_at": STR, "error": OPT,
                "quantity": {**DEC, "type": ["string", "null"],
                             "description": "the level pushed, once sent"}})
NAME = (("name", "path"),)


def _webhook() -> dict:
    op = _op(
        "A shop's signed call (no login). Shopify: topics orders/create, orders/updated, "
        "orders/cancelled, signed X-Shopify-Hmac-Sha256, delivery X-Shopify-Webhook-Id. "
        "WooCommerce: order.created, order.updated (status cancelled cancels), signed "
        "X-WC-Webhook-Signature, delivery X-WC-Webhook-Delivery-ID. Generic: {id, customer, "
        "lines: [{sku, quantity, price?}], status?: \"cancelled\", shipped?: true}, signed "
        "X-Krafte-Signature, delivery X-Krafte-Delivery-Id (else the body's digest). The "
        "signature is the base64 HMAC-SHA256 of the raw body with the channel's secret; "
        "wrong or missing: 401 and nothing changes. A delivery seen before answers 200 "
        "already_seen", params=NAME,
        answer=_obj({"status": {"enum": ["processed", "ignored", "already_seen", "ping"]},
                     "delivery_id": OPT, "sales_order": OPT, "note": OPT}))
    op["requestBody"] = {"required": True, "content": {"application/json": {
        "schema": {"type": "object"}}}}
    op["security"] = []
    return op


def paths() -> dict:
    return {
        "/channels": {
            "post": _op("Create a sales channel; the secret signs its webhooks",
                        status="201", role=ADMIN, answer=_obj({
                            "name": STR, "kind": STR, "webhook_url": STR}),
                        body=_obj({"name": STR,
                                   "kind": {"enum": ["shopify", "woocommerce", "generic"]},
                                   "secret": {**STR, "minLength": 16},
                                   "api_base": {**STR, "description": "the shop's address, "
                                                "to which stock levels are sent"},
                                   "api_key": {**STR, "description": "Shopify access token "
                                               "or WooCommerce consumer key"},
                                   "api_secret": {**STR, "description": "WooCommerce "
                                                  "consumer secret"},
                                   "location_id": {**STR, "description": "Shopify location"},
                                   "api_version": {**STR, "description": "Shopify Admin API "
                                                   "version, 2025-01 by default"}},
                                  ["name", "kind", "secret"])),
            "get": _op("Every channel", role=ADMIN, answer=_obj({
                "items": {"type": "array", "items": CHANNEL}, "total": {"type": "integer"},
                "page": {"type": "integer"}, "per_page": {"type": "integer"}})),
        },
        "/channels/{name}": {"get": _op(
            "A channel, its products and the stock levels it is still owed (pending and "
            "failed, with their error)", role=ADMIN, params=NAME,
            answer=_obj({**CHANNEL["properties"], "products": {"type": "array", "items": _obj(
                {"item": STR, "external_id": STR})},
                "outbox": {"type": "array", "items": MESSAGE},
                "outbox_counts": {"type": "object"}}))},
        "/channels/{name}/products/{sku}": {"put": _op(
            "Offer an item on the channel: the Shopify inventory item id, the WooCommerce "
            "product id or <parent>/<variation>; its level is sent at once", role=ADMIN,
            params=(("name", "path"), ("sku", "path")),
            body=_obj({"external_id": STR}, ["external_id"]),
            answer=_obj({"channel": STR, "item": STR, "external_id": STR}))},
        "/channels/{name}/outbox/{message_id}/resend": {"post": _op(
            "Send a failed stock level again now", role=ADMIN,
            params=(("name", "path"), ("message_id", "path")),
            answer=_obj({"resent": {"type": "integer"}}))},
        "/channels/{name}/webhooks": {"post": _webhook()},
    }
