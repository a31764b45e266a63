"""Shop payloads read into one shape, and the signature of their webhooks (no app)."""

import base64
import hashlib
import hmac
from datetime import datetime
from decimal import Decimal

import pytest

from krafte_pwa.domain import shop_orders as shop
from tests.channel_factories import shopify_order, woo_order


def test_the_signature_is_the_base64_hmac_sha256_of_the_raw_body():
    body = b'{"id": 1}'
    expected = base64.b64encode(hmac.new(b"secret", body, hashlib.sha256).digest()).decode()
    assert shop.sign("secret", body) == expected
    assert shop.signature_ok("secret", body, expected)
    assert shop.signature_ok("secret", body, " " + expected + "\n")
    for wrong in (None, "", expected[:-2], shop.sign("other", body), "é"):
        assert not shop.signature_ok("secret", body, wrong)
    assert not shop.signature_ok("", body, shop.sign("", body))  # no secret, no trust


def test_a_shopify_order_is_read_with_its_stamp_in_utc():
    order = shop.read_order("shopify", shopify_order(
        lines=(("CANDLE", 2, "24.00"), ("", 1, "3.50"), ("GONE", 0, "1"))))
    assert (order.external_id, order.reference, order.customer, order.email) == (
        "450789469", "#1001", "Jon Snow", "jon@example.com")
    assert [(line.sku, line.quantity, line.price) for line in order.lines] == [
        ("CANDLE", Decimal(2), Decimal("24.00")), ("", Decimal(1), Decimal("3.50"))]
    assert order.updated_at == datetime(2026, 12, 1, 15, 0) and not order.cancelled
    assert shop.read_order("shopify", shopify_order(
        cancelled_at="2026-12-01T11:00:00-05:00")).cancelled


def test_a_woocommerce_order_is_cancelled_by_its_status():
    order = shop.read_order("woocommerce", woo_order(status="cancelled"))
    assert (order.external_id, order.reference, order.customer) == ("727", "727",
                                                                     "Marie Curie")
    assert order.cancelled and order.updated_at == datetime(2026, 12, 1, 15, 0)


def test_a_generic_till_sale():
    order = shop.read_order("generic", {"id": 42, "customer": "Stall", "shipped": True,
                                        "lines": [{"sku": "CANDLE", "quantity": "1,5"}]})
    assert (order.external_id, order.customer, order.shipped) == ("42", "Stall", True)
    assert order.lines[0].quantity == Decimal("1.5") and order.lines[0].price is None


@pytest.mark.parametrize("body", [
    b"not json", b"[1, 2]", b'{"id": null}', b'{"id": true}', b'{"id": 1, "lines": 5}',
    b'{"id": 1, "lines": [{"sku": "A", "quantity": "lots"}]}',
    b'{"id": 1, "status": "shipped"}', b'{"id": "\\u0000"}', b'{"id": "\\ud800"}',
    b'{"id": 1, "updated_at": "yesterday"}', b"[" * 40 + b"]" * 40,
])
def test_bodies_that_are_no_order_are_refused(body):
    with pytest.raises(shop.BadPayload):
        shop.read_order("generic", shop.load_json(body))
