"""Shops call the webhook address: signed bodies become sales orders, once.

A candle maker with 10 lavender candles (CANDLE) in two lots sells on Shopify (`shop`),
WooCommerce (`woo`) and a market till (`till`, generic)."""

import json

import pytest
from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import SalesOrder, WebhookDelivery
from krafte_pwa.services import channels, queries
from tests.channel_factories import (
    SHOPIFY_SECRET,
    TILL_SECRET,
    WOO_SECRET,
    dumps,
    shopify_headers,
    shopify_order,
    till_headers,
    woo_headers,
    woo_order,
)
from tests.factories import candle_workshop, in_days, receive

SHOP = "/api/v1/channels/shop/webhooks"
WOO = "/api/v1/channels/woo/webhooks"
TILL = "/api/v1/channels/till/webhooks"


@pytest.fixture
def shops(app):
    candle_workshop()
    receive("CANDLE", "6", expiry=in_days(200))
    receive("CANDLE", "4", expiry=in_days(100))
    channels.create_channel(name="shop", kind="shopify", secret=SHOPIFY_SECRET)
    channels.create_channel(name="woo", kind="woocommerce", secret=WOO_SECRET)
    channels.create_channel(name="till", kind="generic", secret=TILL_SECRET)


def _orders() -> list[SalesOrder]:
    db.session.expire_all()
    return list(db.session.execute(select(SalesOrder).order_by(SalesOrder.id)).scalars())


def _deliveries() -> int:
    return db.session.execute(select(func.count(WebhookDelivery.id))).scalar_one()


def _on_hand() -> int:
    db.session.expire_all()
    return queries.item_stock(queries.item_by_sku("CANDLE")).on_hand


def test_a_signed_shopify_order_becomes_a_reserved_sales_order(client, shops):
    body = dumps(shopify_order())
    response = client.post(SHOP, data=body, headers=shopify_headers(body))
    assert response.status_code == 200, response.json
    assert response.json["status"] == "processed"
    [order] = _orders()
    assert (order.channel, order.channel_order_id, order.reference) == ("shop", "450789469",
                                                                      "#1001")
    assert (order.customer, order.email, order.status) == ("Jon Snow", "jon@example.com",
                                                           "confirmed")
    [line] = order.lines
    assert line.quantity == 2 and line.unit_price == 24
    lots = {(r.lot.expiry, r.quantity) for r in line.reservations}
    assert lots == {(in_days(100), 2)}  # FEFO: the lot expiring first


@pytest.mark.parametrize("signature", [None, "", "bm90IHRoZSByaWdodCBvbmU=", "%%%"])
def test_a_wrong_or_missing_signature_is_401_and_changes_nothing(client, shops, signature):
    body = dumps(shopify_order())
    headers = shopify_headers(body)
    if signature is None:
        del headers["X-Shopify-Hmac-Sha256"]
    else:
        headers["X-Shopify-Hmac-Sha256"] = signature
    response = client.post(SHOP, data=body, headers=headers)
    assert response.status_code == 401 and response.json["error"]["code"] == "bad_signature"
    assert _orders() == [] and _deliveries() == 0


def test_a_body_changed_after_signing_is_refused(client, shops):
    body = dumps(shopify_order())
    headers = shopify_headers(body)
    tampered = body.replace(b'"quantity": 2', b'"quantity": 9')
    assert client.post(SHOP, data=tampered, headers=headers).status_code == 401
    other_secret = shopify_headers(body, secret=WOO_SECRET)
    assert client.post(SHOP, data=body, headers=other_secret).status_code == 401
    assert client.post("/api/v1/channels/nope/webhooks", data=body,
                       headers=headers).status_code == 401
    assert _orders() == [] and _deliveries() == 0


def test_the_same_delivery_twice_makes_one_order(client, shops):
    body = dumps(shopify_order())
    headers = shopify_headers(body, webhook_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
    assert client.post(SHOP, data=body, headers=headers).json["status"] == "processed"
    again = client.post(SHOP, data=body, headers=headers)
    assert again.status_code == 200 and again.json["status"] == "already_seen"
    assert len(_orders()) == 1 and _deliveries() == 1


def test_the_same_order_in_two_deliveries_makes_one_order_and_updates_it(client, shops):
    first = dumps(shopify_order())
    client.post(SHOP, data=first, headers=shopify_headers(first))
    updated = dumps(shopify_order(lines=(("CANDLE", 3, "24.00"),),
                                  updated_at="2026-12-01T10:05:00-05:00"))
    response = client.post(SHOP, data=updated, headers=shopify_headers(updated,
                                                                       "orders/updated"))
    assert response.json["status"] == "processed"
    [order] = _orders()
    assert order.lines[0].quantity == 3
    assert sum(r.quantity for r in order.lines[0].reservations) == 3


def test_an_update_after_the_cancellation_does_not_revive_the_order(client, shops):
    created = dumps(shopify_order())
    client.post(SHOP, data=created, headers=shopify_headers(created))
    cancelled = dumps(shopify_order(updated_at="2026-12-01T11:00:00-05:00",
                                    cancelled_at="2026-12-01T11:00:00-05:00"))
    assert client.post(SHOP, data=cancelled, headers=shopify_headers(
        cancelled, "orders/cancelled")).json["status"] == "processed"
    late = dumps(shopify_order(lines=(("CANDLE", 5, "24.00"),),
                               updated_at="2026-12-01T10:30:00-05:00"))
    answer = client.post(SHOP, data=late, headers=shopify_headers(late, "orders/updated"))
    assert answer.status_code == 200 and answer.json["status"] == "ignored"
    newer = dumps(shopify_order(lines=(("CANDLE", 5, "24.00"),),
                                updated_at="2026-12-01T12:00:00-05:00"))
    client.post(SHOP, data=newer, headers=shopify_headers(newer, "orders/updated"))
    [order] = _orders()
    assert order.status == "cancelled" and order.lines[0].quantity == 2
    assert all(not line.reservations for line in order.lines)


def test_an_older_version_arriving_late_is_ignored(client, shops):
    newer = dumps(shopify_order(lines=(("CANDLE", 4, "24.00"),),
                                updated_at="2026-12-01T10:10:00-05:00"))
    client.post(SHOP, data=newer, headers=shopify_headers(newer, "orders/updated"))
    older = dumps(shopify_order(updated_at="2026-12-01T10:00:00-05:00"))
    assert client.post(SHOP, data=older, headers=shopify_headers(older)).json["status"] \
        == "ignored"
    assert _orders()[0].lines[0].quantity == 4


def test_an_unknown_sku_keeps_the_order_on_hold(client, shops):
    body = dumps(shopify_order(lines=(("CANDLE", 1, "24.00"), ("GIFT-BOX", 1, "5.00"))))
    assert client.post(SHOP, data=body, headers=shopify_headers(body)).status_code == 200
    [order] = _orders()
    assert order.status == "on_hold" and "GIFT-BOX" in (order.hold_reason or "")
    assert [line.sku for line in order.lines] == ["CANDLE", "GIFT-BOX"]


def test_woocommerce_orders_are_created_and_cancelled_by_status(client, shops):
    body = dumps(woo_order())
    response = client.post(WOO, data=body, headers=woo_headers(body))
    assert response.status_code == 200, response.json
    [order] = _orders()
    assert (order.customer, order.email, order.reference) == ("Marie Curie",
                                                              "marie@example.fr", "727")
    cancelled = dumps(woo_order(status="cancelled", modified="2026-12-01T16:00:00"))
    client.post(WOO, data=cancelled, headers=woo_headers(cancelled, "order.updated"))
    assert _orders()[0].status == "cancelled"


def test_woocommerce_delivery_ids_deduplicate_and_its_ping_is_answered(client, shops):
    body = dumps(woo_order())
    headers = woo_headers(body, delivery_id="5c3e8b0d3f7a")
    client.post(WOO, data=body, headers=headers)
    assert client.post(WOO, data=body, headers=headers).json["status"] == "already_seen"
    ping = client.post(WOO, data=b"webhook_id=14",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert ping.status_code == 200 and ping.json["status"] == "ping"
    assert len(_orders()) == 1 and _deliveries() == 1


def test_a_till_sale_is_shipped_at_once_by_fefo(client, shops):
    body = dumps({"id": "T-2026-0042", "customer": "Market stall",
                  "lines": [{"sku": "CANDLE", "quantity": 5, "price": "20"}],
                  "shipped": True})
    response = client.post(TILL, data=body, headers=till_headers(body))
    assert response.status_code == 200, response.json
    [order] = _orders()
    assert order.status == "shipped" and order.channel == "till"
    assert _on_hand() == 5
    again = client.post(TILL, data=body, headers=till_headers(body))
    assert again.json["status"] == "already_seen" and _on_hand() == 5


def test_a_till_sale_beyond_the_stock_ships_what_there_is_and_says_so(client, shops):
    body = dumps({"id": "T-2", "customer": "Market stall",
                  "lines": [{"sku": "CANDLE", "quantity": 12}], "shipped": True})
    response = client.post(TILL, data=body, headers=till_headers(body))
    assert response.status_code == 200 and "in part" in response.json["note"]
    [order] = _orders()
    assert order.status == "partial" and order.lines[0].shipped == 10 and _on_hand() == 0


def test_a_signed_body_that_is_no_order_is_refused_but_kept(client, shops):
    body = b'{"id": 5, "line_items": "many"}'
    response = client.post(SHOP, data=body, headers=shopify_headers(body))
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_payload"
    delivery = db.session.execute(select(WebhookDelivery)).scalar_one()
    assert (delivery.status, delivery.body) == ("failed", body)
    not_json = b"\x00{not json"
    assert client.post(SHOP, data=not_json, headers=shopify_headers(not_json)).status_code \
        == 400
    assert _orders() == [] and _deliveries() == 2


def test_a_failed_delivery_is_tried_again_when_the_shop_retries(client, shops):
    body = dumps(shopify_order(lines=(("CANDLE", "two", "24.00"),)))
    headers = shopify_headers(body, webhook_id="retry-1")
    assert client.post(SHOP, data=body, headers=headers).status_code == 400
    fixed = dumps(shopify_order())
    answer = client.post(SHOP, data=fixed, headers={**shopify_headers(fixed),
                                                     "X-Shopify-Webhook-Id": "retry-1"})
    assert answer.json["status"] == "processed" and len(_orders()) == 1


def test_other_topics_are_kept_and_ignored(client, shops):
    body = json.dumps({"id": 1, "title": "Candle"}).encode()
    answer = client.post(SHOP, data=body, headers=shopify_headers(body, "products/update"))
    assert answer.status_code == 200 and answer.json["status"] == "ignored"
    assert _orders() == [] and _deliveries() == 1


def test_an_unknown_sku_at_the_till_is_kept_on_hold_not_shipped(client, shops):
    body = dumps({"id": "T-3", "customer": "Market stall",
                  "lines": [{"sku": "MYSTERY", "quantity": 1}], "shipped": True})
    response = client.post(TILL, data=body, headers=till_headers(body))
    assert response.status_code == 200 and "not shipped" in response.json["note"]
    [order] = _orders()
    assert order.status == "on_hold" and _on_hand() == 10


def test_a_cancellation_after_shipping_is_kept_and_ignored(client, shops):
    from krafte_pwa.services import sales

    created = dumps(shopify_order())
    client.post(SHOP, data=created, headers=shopify_headers(created))
    sales.ship_sales_order(_orders()[0].number)
    cancelled = dumps(shopify_order(updated_at="2026-12-01T11:00:00-05:00",
                                    cancelled_at="2026-12-01T11:00:00-05:00"))
    answer = client.post(SHOP, data=cancelled,
                         headers=shopify_headers(cancelled, "orders/cancelled"))
    assert answer.status_code == 200 and answer.json["status"] == "ignored"
    assert "shipped" in answer.json["note"] and _orders()[0].status == "shipped"


def test_a_cancellation_before_the_order_keeps_it_from_being_made(client, shops):
    cancelled = dumps(shopify_order(updated_at="2026-12-01T11:00:00-05:00",
                                    cancelled_at="2026-12-01T11:00:00-05:00"))
    client.post(SHOP, data=cancelled, headers=shopify_headers(cancelled, "orders/cancelled"))
    created = dumps(shopify_order())
    answer = client.post(SHOP, data=created, headers=shopify_headers(created))
    assert answer.json["status"] == "ignored" and _orders() == []
