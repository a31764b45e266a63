"""Stock levels owed to shops: written with the stock change, sent by the worker to a
local HTTP server standing in for Shopify and WooCommerce.

A candle maker offers its lavender candle (CANDLE) on a Shopify shop and on a
WooCommerce shop; both shops are one local server that records every call."""

import base64
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import OutboxMessage
from krafte_pwa.models.types import utcnow
from krafte_pwa.services import channel_push, channels, stock
from krafte_pwa.services.channel_worker import run
from tests.channel_factories import SHOPIFY_SECRET, WOO_SECRET, ShopServer
from tests.factories import candle_workshop, receive


def _pending() -> int:
    return db.session.execute(select(func.count(OutboxMessage.id))
                              .where(OutboxMessage.status == "pending")).scalar_one()


@pytest.fixture
def shop():
    with ShopServer({"data": {"inventorySetQuantities": {
            "inventoryAdjustmentGroup": {"reason": "correction"}, "userErrors": []}}}) as s:
        yield s


@pytest.fixture
def workshop(app, shop):
    """CANDLE mapped on `shop` (Shopify) and `woo` (WooCommerce, a variation); 10 candles
    in stock, and the first levels already sent."""
    candle_workshop()
    receive("CANDLE", "10")
    channels.create_channel(name="shop", kind="shopify", secret=SHOPIFY_SECRET,
                            api_base=shop.url, api_key="shpat_token", location_id="655441491")
    channels.create_channel(name="woo", kind="woocommerce", secret=WOO_SECRET,
                            api_base=shop.url + "/", api_key="ck_key", api_secret="cs_secret")
    channels.map_product("shop", "CANDLE", "808950810")
    channels.map_product("woo", "CANDLE", "93/94")
    assert channel_push.deliver_due().sent == 2
    shop.requests.clear()
    return shop


def test_each_push_has_the_shops_method_path_auth_and_body(workshop):
    receive("CANDLE", "5")
    assert _pending() == 2
    report = channel_push.deliver_due()
    assert (report.sent, report.failed) == (2, 0)
    shopify, woo = sorted(workshop.requests, key=lambda r: r["method"])
    assert shopify["method"] == "POST"
    assert shopify["path"] == "/admin/api/2025-01/graphql.json"
    assert shopify["headers"]["X-Shopify-Access-Token"] == "shpat_token"
    body = json.loads(shopify["body"])
    assert "inventorySetQuantities" in body["query"]
    assert body["variables"]["input"] == {
        "name": "available", "reason": "correction", "ignoreCompareQuantity": True,
        "quantities": [{"inventoryItemId": "gid://shopify/InventoryItem/808950810",
                        "locationId": "gid://shopify/Location/655441491", "quantity": 15}]}
    assert woo["method"] == "PUT"
    assert woo["path"] == "/wp-json/wc/v3/products/93/variations/94"
    assert woo["headers"]["Authorization"] == "Basic " + base64.b64encode(
        b"ck_key:cs_secret").decode()
    assert json.loads(woo["body"]) == {"stock_quantity": 15, "manage_stock": True}
    assert _pending() == 0


def test_a_failed_push_is_retried_later_with_backoff(workshop):
    receive("CANDLE", "1")
    workshop.statuses = [500, 500]
    first = channel_push.deliver_due()
    assert (first.sent, first.failed) == (0, 2) and "HTTP 500" in first.errors[0]
    message = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.status == "pending")).scalars().first()
    assert message.attempts == 1 and "HTTP 500" in message.error
    assert message.due_at > utcnow() + timedelta(seconds=20)  # not before its backoff
    assert channel_push.deliver_due().sent == 0 and len(workshop.requests) == 2
    later = channel_push.deliver_due(utcnow() + timedelta(minutes=2))
    assert later.sent == 2 and len(workshop.requests) == 4
    assert [b.get("stock_quantity") for b in workshop.bodies()[2:] if "stock_quantity" in b] \
        == [11]


def test_changes_are_coalesced_to_the_latest_level(workshop):
    for _ in range(5):
        receive("CANDLE", "1")
    lot = receive("CANDLE", "2", location="SHELF")
    stock.adjust_stock(lot=lot, location="SHELF", quantity="-1", reason="broken")
    assert _pending() == 14
    assert channel_push.deliver_due().sent == 14
    assert len(workshop.requests) == 2  # one per shop, with the level after every change
    woo = next(b for b in workshop.bodies() if "stock_quantity" in b)
    assert woo["stock_quantity"] == 16


def test_a_stock_change_that_is_rolled_back_writes_no_message(workshop):
    with pytest.raises(Exception):  # noqa: B017  (any refusal)
        stock.adjust_stock(lot="NO-SUCH-LOT", location="STORE", quantity="-1", reason="x")
    receive("WAX", "1000")  # not offered on any channel
    assert _pending() == 0


def test_a_shop_that_is_down_does_not_slow_or_fail_the_shop_floor(workshop):
    workshop.httpd.shutdown()
    receive("CANDLE", "3")  # no network on the shop floor's path
    assert _pending() == 2


def test_failed_messages_stop_after_max_attempts_and_can_be_resent(workshop, monkeypatch):
    monkeypatch.setattr(channel_push, "MAX_ATTEMPTS", 2)
    receive("CANDLE", "1")
    workshop.statuses = [500] * 4
    at = utcnow()
    channel_push.deliver_due(at)
    channel_push.deliver_due(at + timedelta(hours=2))
    failed = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.status == "failed")).scalars().all()
    assert len(failed) == 2
    assert channel_push.deliver_due(at + timedelta(days=1)).sent == 0
    view = channels.channel_view("woo")
    assert [m.status for m in view.outbox] == ["failed"] and "HTTP 500" in view.outbox[0].error
    channels.resend("woo", view.outbox[0].id)
    assert channel_push.deliver_due().sent == 1
    assert channels.channel_view("woo").outbox == []


def test_the_worker_command_delivers_what_is_due_and_exits(app, workshop):
    receive("CANDLE", "1")
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "2 sent, 0 failed" in result.output and len(workshop.requests) == 2
    assert run(once=True, echo=lambda _text: None) == 0  # nothing due any more


def test_the_worker_loop_stops_when_told(workshop):
    import threading

    stop = threading.Event()
    receive("CANDLE", "1")
    stop.set()
    assert run(interval=0.1, echo=lambda _text: None, stop=stop) == 2


def test_a_sales_reservation_changes_the_level_sent(workshop):
    from krafte_pwa.services import sales

    order = sales.create_sales_order(customer="Jon", lines=[{"item": "CANDLE",
                                                             "quantity": "3"}])
    assert _pending() == 2  # reserved: 7 left to sell, though 10 are on the shelf
    channel_push.deliver_due()
    assert _levels(workshop) == [7, 7]
    sales.cancel_sales_order(order.number)
    assert _pending() == 2
    channel_push.deliver_due()
    assert _levels(workshop)[2:] == [10, 10]


def _levels(shop) -> list[int]:
    """The level each push carried, Shopify's and WooCommerce's alike, in order."""
    return [b["stock_quantity"] if "stock_quantity" in b
            else b["variables"]["input"]["quantities"][0]["quantity"] for b in shop.bodies()]


def test_a_shopify_user_error_is_a_failed_push(workshop):
    workshop.answer = {"data": {"inventorySetQuantities": {
        "inventoryAdjustmentGroup": None,
        "userErrors": [{"field": ["input", "quantities", "0", "locationId"],
                        "message": "The specified location could not be found.",
                        "code": "INVALID_LOCATION"}]}}}
    receive("CANDLE", "1")
    report = channel_push.deliver_due()
    assert (report.sent, report.failed) == (1, 1)  # WooCommerce took it, Shopify did not
    [waiting] = channels.channel_view("shop").outbox
    assert "location could not be found" in waiting.error


def test_a_generic_channel_gets_a_signed_level(app, workshop):
    from tests.channel_factories import TILL_SECRET, hmac_b64

    channels.create_channel(name="till", kind="generic", secret=TILL_SECRET,
                            api_base=workshop.url + "/levels")
    channels.map_product("till", "CANDLE", "candle-1")
    workshop.requests.clear()
    assert channel_push.deliver_due().sent == 1
    [push] = workshop.requests
    assert (push["method"], push["path"]) == ("POST", "/levels")
    assert push["headers"]["X-Krafte-Signature"] == hmac_b64(TILL_SECRET, push["body"])
    assert json.loads(push["body"]) == {"sku": "CANDLE", "external_id": "candle-1",
                                        "available": 10}
