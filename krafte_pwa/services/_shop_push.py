"""One stock level sent to one shop over HTTP. No database here: the worker reads what to
send, calls `push`, and records the answer.

- Shopify: Admin GraphQL `inventorySetQuantities` (name `available`) at
  `<api_base>/admin/api/<version>/graphql.json`, header `X-Shopify-Access-Token`.
- WooCommerce: REST `PUT <api_base>/wp-json/wc/v3/products/<id>` (a variation:
  `products/<parent>/variations/<id>`, its external id written `<parent>/<id>`), body
  `{stock_quantity, manage_stock: true}`, HTTP Basic consumer key and secret.
- Generic (a till or another system with an address): `POST <api_base>` with
  `{sku, external_id, available}`, signed like its webhooks (`X-Krafte-Signature`).
"""

import json
from dataclasses import dataclass

import httpx

from ..domain.shop_orders import sign

DEFAULT_SHOPIFY_VERSION = "2025-01"
TIMEOUT = httpx.Timeout(10.0, connect=3.0)
SHOPIFY_MUTATION = """mutation inventorySetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason }
    userErrors { field message code }
  }
}"""


class PushFailed(Exception):
    """The shop did not take the level; the message says why (kept on the outbox row)."""


@dataclass
class Target:
    kind: str
    api_base: str
    api_key: str | None
    api_secret: str | None
    location_id: str | None
    api_version: str | None
    secret: str
    external_id: str
    sku: str


def gid(kind: str, value: str) -> str:
    value = value.strip()
    return value if value.startswith("gid://") else f"gid://shopify/{kind}/{value}"


def push(target: Target, quantity: int, client: httpx.Client) -> None:
    sender = {"shopify": _shopify, "woocommerce": _woocommerce, "generic": _generic}
    try:
        response = sender[target.kind](target, quantity, client)
    except httpx.HTTPError as exc:
        raise PushFailed(f"{type(exc).__name__}: {exc}"[:500]) from None
    if not response.is_success:
        raise PushFailed(f"HTTP {response.status_code}: {response.text[:300]}")
    if target.kind == "shopify":
        _shopify_errors(response)


def _base(target: Target) -> str:
    return target.api_base.rstrip("/")


def _shopify(target: Target, quantity: int, client: httpx.Client) -> httpx.Response:
    version = target.api_version or DEFAULT_SHOPIFY_VERSION
    variables = {"input": {
        "name": "available", "reason": "correction", "ignoreCompareQuantity": True,
        "quantities": [{"inventoryItemId": gid("InventoryItem", target.external_id),
                        "locationId": gid("Location", target.location_id or ""),
                        "quantity": quantity}]}}
    return client.post(f"{_base(target)}/admin/api/{version}/graphql.json",
                       json={"query": SHOPIFY_MUTATION, "variables": variables},
                       headers={"X-Shopify-Access-Token": target.api_key or ""})


def _shopify_errors(response: httpx.Response) -> None:
    try:
        data = response.json()
    except ValueError:
        raise PushFailed("Shopify answered something that is not JSON") from None
    if data.get("errors"):
        raise PushFailed(f"Shopify: {json.dumps(data['errors'])[:300]}")
    result = (data.get("data") or {}).get("inventorySetQuantities") or {}
    if result.get("userErrors"):
        raise PushFailed("Shopify: " + "; ".join(e.get("message", "")
                                                for e in result["userErrors"])[:300])


def _woocommerce(target: Target, quantity: int, client: httpx.Client) -> httpx.Response:
    parent, _, variation = target.external_id.strip().partition("/")
    path = f"products/{parent}/variations/{variation}" if variation else f"products/{parent}"
    return client.put(f"{_base(target)}/wp-json/wc/v3/{path}",
                      json={"stock_quantity": quantity, "manage_stock": True},
                      auth=(target.api_key or "", target.api_secret or ""))


def _generic(target: Target, quantity: int, client: httpx.Client) -> httpx.Response:
    body = json.dumps({"sku": target.sku, "external_id": target.external_id,
                       "available": quantity}).encode()
    return client.post(target.api_base, content=body,
                       headers={"Content-Type": "application/json",
                                "X-Krafte-Signature": sign(target.secret, body)})


def new_client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, follow_redirects=False)
