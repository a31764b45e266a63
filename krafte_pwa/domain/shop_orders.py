"""Shop orders as Shopify, WooCommerce and a generic sender (a till) describe them,
read into one shape; and the signature every webhook carries.

Plain Python: the payloads are parsed JSON, the signature is checked over raw bytes.

- Shopify (order webhooks, topics orders/create, orders/updated, orders/cancelled):
  `id`, `name` (#1001), `email`, `customer {first_name, last_name, email}`,
  `line_items[] {sku, quantity, price}`, `cancelled_at`, `updated_at`.
- WooCommerce (order.created, order.updated): `id`, `number`, `status`
  (`cancelled` cancels), `billing {first_name, last_name, company, email}`,
  `line_items[] {sku, quantity, price}`, `date_modified_gmt`.
- Generic: `{id, customer, email?, lines: [{sku, quantity, price?}], status?:
  "cancelled", shipped?: true, updated_at?}`.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from .numbers import BadNumber, parse_decimal

SIGNATURE_HEADERS = {"shopify": "X-Shopify-Hmac-Sha256",
                     "woocommerce": "X-WC-Webhook-Signature",
                     "generic": "X-Krafte-Signature"}
DELIVERY_HEADERS = {"shopify": "X-Shopify-Webhook-Id",
                    "woocommerce": "X-WC-Webhook-Delivery-ID",
                    "generic": "X-Krafte-Delivery-Id"}
TOPIC_HEADERS = {"shopify": "X-Shopify-Topic", "woocommerce": "X-WC-Webhook-Topic",
                 "generic": "X-Krafte-Topic"}
ORDER_TOPICS = {"orders/create", "orders/updated", "orders/cancelled", "orders/edited",
                "order.created", "order.updated", "order.deleted", "order.restored"}
MAX_LINES = 500
MAX_DEPTH = 32


class BadPayload(ValueError):
    """A signed body that does not describe an order."""


@dataclass
class ShopLine:
    sku: str
    quantity: Decimal
    price: Decimal | None


@dataclass
class ShopOrder:
    external_id: str
    reference: str
    customer: str
    email: str | None
    lines: list[ShopLine] = field(default_factory=list)
    cancelled: bool = False
    shipped: bool = False  # a till sale: shipped at once
    updated_at: datetime | None = None  # the shop's own stamp, UTC, naive


def sign(secret: str, body: bytes) -> str:
    """Base64 HMAC-SHA256 of the raw body: what the three senders put in their header."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_ok(secret: str, body: bytes, given: str | None) -> bool:
    if not given or not secret:
        return False
    return hmac.compare_digest(sign(secret, body).encode("ascii"),
                               given.strip().encode("utf-8", "replace"))


def load_json(body: bytes):
    """The body as JSON: text a database can store, nested at most MAX_DEPTH deep."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadPayload("the body is not JSON") from None
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise BadPayload(f"the body is nested deeper than {MAX_DEPTH} levels")
            if isinstance(value, dict):
                for key in value:
                    _check_text(key)
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict)
                                                  else value))
    return data


def _check_text(value: str) -> None:
    if "\x00" in value:
        raise BadPayload("the body contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadPayload("the body contains invalid Unicode") from None


def read_order(kind: str, data) -> ShopOrder:
    if not isinstance(data, dict):
        raise BadPayload("the body is not a JSON object")
    reader = {"shopify": _shopify, "woocommerce": _woocommerce, "generic": _generic}[kind]
    return reader(data)


def _shopify(data: dict) -> ShopOrder:
    customer = data.get("customer") if isinstance(data.get("customer"), dict) else {}
    email = _text(data.get("email")) or _text(customer.get("email"))
    name = _person(customer) or email or _text(data.get("name")) or "Shopify"
    return ShopOrder(
        external_id=_id(data.get("id")), reference=_text(data.get("name")) or _id(data.get("id")),
        customer=name, email=email, lines=_lines(data.get("line_items"), "price"),
        cancelled=bool(data.get("cancelled_at")), updated_at=_stamp(data.get("updated_at")))


def _woocommerce(data: dict) -> ShopOrder:
    billing = data.get("billing") if isinstance(data.get("billing"), dict) else {}
    email = _text(billing.get("email"))
    name = _person(billing) or _text(billing.get("company")) or email or "WooCommerce"
    return ShopOrder(
        external_id=_id(data.get("id")),
        reference=_text(data.get("number")) or _id(data.get("id")), customer=name, email=email,
        lines=_lines(data.get("line_items"), "price"),
        cancelled=data.get("status") in ("cancelled", "trash"),
        updated_at=_stamp(data.get("date_modified_gmt")))


def _generic(data: dict) -> ShopOrder:
    customer = data.get("customer")
    if isinstance(customer, dict):
        email = _text(customer.get("email"))
        customer = _text(customer.get("name")) or email
    else:
        email = _text(data.get("email"))
        customer = _text(customer)
    if data.get("status") not in (None, "cancelled", "confirmed"):
        raise BadPayload("status is \"cancelled\" or left out")
    return ShopOrder(
        external_id=_id(data.get("id")), reference=_id(data.get("id")),
        customer=customer or "Till", email=email, lines=_lines(data.get("lines"), "price"),
        cancelled=data.get("status") == "cancelled", shipped=data.get("shipped") is True,
        updated_at=_stamp(data.get("updated_at")))


def _id(value) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
        raise BadPayload("the order has no id")
    text = str(value).strip()
    if len(text) > 100:
        raise BadPayload("the order id is longer than 100 characters")
    return text


def _text(value, limit: int = 200) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:limit]


def _person(data: dict) -> str | None:
    parts = [_text(data.get("first_name")), _text(data.get("last_name"))]
    return " ".join(p for p in parts if p) or None


def _lines(value, price_key: str) -> list[ShopLine]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_LINES:
        raise BadPayload(f"the lines are not a list of at most {MAX_LINES}")
    lines = []
    for number, row in enumerate(value, 1):
        if not isinstance(row, dict):
            raise BadPayload(f"line {number} is not an object")
        try:
            quantity = parse_decimal(row.get("quantity"))
            price = row.get(price_key)
            price = parse_decimal(price) if price not in (None, "") else None
        except BadNumber as exc:
            raise BadPayload(f"line {number}: {exc}") from None
        if quantity <= 0:
            continue  # Shopify sends removed lines of an edited order with quantity 0
        lines.append(ShopLine(sku=_text(row.get("sku"), 40) or "", quantity=quantity,
                              price=price))
    return lines


def _stamp(value) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadPayload(f"{value!r} is not a date and time") from None
    if stamp.tzinfo is None:  # WooCommerce's *_gmt fields carry no offset
        return stamp
    return stamp.astimezone(UTC).replace(tzinfo=None)
