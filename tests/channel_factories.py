"""Shops in a test: webhook bodies and headers as Shopify and WooCommerce document them,
and a local HTTP server standing in for a shop's API.

Shopify (order webhooks): the body is the Order resource (`id`, `name` "#1001",
`email`, `customer`, `line_items[] {sku, quantity, price}`, `cancelled_at`,
`updated_at`), signed with the app's client secret: `X-Shopify-Hmac-Sha256` is the
base64 of HMAC-SHA256 over the raw body; with it `X-Shopify-Topic`,
`X-Shopify-Webhook-Id`, `X-Shopify-Shop-Domain`, `X-Shopify-API-Version`,
`X-Shopify-Triggered-At`.
WooCommerce: the body is the order (`id`, `number`, `status`, `billing`, `line_items`,
`date_modified_gmt`), `X-WC-Webhook-Signature` the base64 of HMAC-SHA256 over the body
with the webhook's secret; with it `X-WC-Webhook-Topic`, `X-WC-Webhook-Resource`,
`X-WC-Webhook-Event`, `X-WC-Webhook-ID`, `X-WC-Webhook-Delivery-ID`,
`X-WC-Webhook-Source`.
"""

import base64
import hashlib
import hmac
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SHOPIFY_SECRET = "shpss_0123456789abcdef0123456789abcdef"
WOO_SECRET = "woo-webhook-secret-0123456789"
TILL_SECRET = "till-secret-0123456789abcdef"


def hmac_b64(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def shopify_order(order_id=450789469, *, lines=(("CANDLE", 2, "24.00"),),
                  updated_at="2026-12-01T10:00:00-05:00", cancelled_at=None, name="#1001"):
    return {
        "id": order_id, "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": name, "order_number": int(name.lstrip("#")), "email": "jon@example.com",
        "created_at": "2026-12-01T09:58:00-05:00", "updated_at": updated_at,
        "cancelled_at": cancelled_at, "cancel_reason": "customer" if cancelled_at else None,
        "currency": "EUR", "financial_status": "paid", "fulfillment_status": None,
        "customer": {"id": 115310627314723954, "email": "jon@example.com",
                     "first_name": "Jon", "last_name": "Snow"},
        "line_items": [{"id": 866550311766439020 + n, "variant_id": 808950810 + n,
                        "title": sku, "sku": sku, "quantity": quantity, "price": price,
                        "fulfillable_quantity": quantity}
                       for n, (sku, quantity, price) in enumerate(lines)],
    }


def shopify_headers(body: bytes, topic="orders/create", webhook_id=None,
                    secret=SHOPIFY_SECRET) -> dict:
    return {"Content-Type": "application/json", "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": hmac_b64(secret, body),
            "X-Shopify-Shop-Domain": "krafte-candles.myshopify.com",
            "X-Shopify-API-Version": "2025-01",
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": "2026-12-01T15:00:00.000000Z"}


def woo_order(order_id=727, *, lines=(("CANDLE", 1, 24),), status="processing",
              modified="2026-12-01T15:00:00"):
    return {
        "id": order_id, "parent_id": 0, "number": str(order_id), "status": status,
        "currency": "EUR", "date_created_gmt": "2026-12-01T14:58:00",
        "date_modified_gmt": modified, "total": "48.00",
        "billing": {"first_name": "Marie", "last_name": "Curie", "company": "",
                    "email": "marie@example.fr", "city": "Paris", "country": "FR"},
        "line_items": [{"id": 315 + n, "name": sku, "product_id": 93 + n, "variation_id": 0,
                        "quantity": quantity, "sku": sku, "price": price,
                        "subtotal": str(quantity * price), "total": str(quantity * price)}
                       for n, (sku, quantity, price) in enumerate(lines)],
    }


def woo_headers(body: bytes, topic="order.created", delivery_id=None, secret=WOO_SECRET):
    resource, _, event = topic.partition(".")
    return {"Content-Type": "application/json", "X-WC-Webhook-Source": "https://shop.test/",
            "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event, "X-WC-Webhook-ID": "14",
            "X-WC-Webhook-Delivery-ID": delivery_id or uuid.uuid4().hex,
            "X-WC-Webhook-Signature": hmac_b64(secret, body)}


def till_headers(body: bytes, secret=TILL_SECRET) -> dict:
    return {"Content-Type": "application/json", "X-Krafte-Signature": hmac_b64(secret, body)}


def dumps(data) -> bytes:
    return json.dumps(data).encode()


class ShopServer:
    """A shop's API on 127.0.0.1: records every request (method, path, headers, body) and
    answers with the next status of `statuses` (200 once they run out)."""

    def __init__(self, body: dict | None = None):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        self.answer = body or {}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with server.lock:
                    server.requests.append({"method": self.command, "path": self.path,
                                            "headers": dict(self.headers), "body": raw})
                    status = server.statuses.pop(0) if server.statuses else 200
                payload = json.dumps(server.answer if status < 300 else
                                     {"message": "server error"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_PUT = _any

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def bodies(self) -> list:
        return [json.loads(r["body"]) for r in self.requests]
