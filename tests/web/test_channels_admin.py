"""Channels are an admin's business: create one (its webhook address in the answer),
offer an item on it, read what it is owed; the page lists, creates, maps and resends."""

import pytest

from krafte_pwa.services import channels
from tests.channel_factories import SHOPIFY_SECRET
from tests.factories import candle_workshop


@pytest.fixture
def admin(client, users):
    response = client.post("/api/v1/tokens",
                           json={"username": "admin", "password": "admin-password"})
    return {"Authorization": "Bearer " + response.json["token"]}


def test_an_admin_creates_a_channel_and_gets_its_webhook_address(client, admin):
    response = client.post("/api/v1/channels", headers=admin, json={
        "name": "shop", "kind": "shopify", "secret": SHOPIFY_SECRET,
        "api_base": "https://krafte-candles.myshopify.com", "api_key": "shpat_x",
        "location_id": "655441491"})
    assert response.status_code == 201, response.json
    assert response.json == {"name": "shop", "kind": "shopify",
                             "webhook_url": "http://krafte.test/api/v1/channels/shop/webhooks"}
    listed = client.get("/api/v1/channels", headers=admin).json
    assert [c["name"] for c in listed["items"]] == ["shop"]
    assert "secret" not in listed["items"][0] and "api_key" not in listed["items"][0]


@pytest.mark.parametrize("body, code", [
    ({"name": "shop", "kind": "amazon", "secret": SHOPIFY_SECRET}, "bad_input"),
    ({"name": "shop", "kind": "shopify", "secret": "short"}, "bad_input"),
    ({"name": "a shop", "kind": "shopify", "secret": SHOPIFY_SECRET}, "bad_input"),
    ({"name": "shop", "kind": "shopify", "secret": SHOPIFY_SECRET,
      "api_base": "ftp://x"}, "bad_input"),
    ({"name": "shop", "kind": "shopify", "secret": SHOPIFY_SECRET,
      "api_base": "https://x.myshopify.com", "api_key": "shpat_x"}, "bad_input"),
    ({"name": "woo", "kind": "woocommerce", "secret": SHOPIFY_SECRET,
      "api_base": "https://shop.test", "api_key": "ck"}, "bad_input"),
])
def test_bad_channels_are_refused(client, admin, body, code):
    response = client.post("/api/v1/channels", headers=admin, json=body)
    assert response.status_code == 400 and response.json["error"]["code"] == code
    assert client.get("/api/v1/channels", headers=admin).json["total"] == 0


def test_the_same_name_twice_is_a_conflict(client, admin):
    body = {"name": "till", "kind": "generic", "secret": SHOPIFY_SECRET}
    assert client.post("/api/v1/channels", headers=admin, json=body).status_code == 201
    again = client.post("/api/v1/channels", headers=admin, json=body)
    assert again.status_code == 409 and again.json["error"]["code"] == "duplicate_channel"


def test_managers_and_operators_cannot_manage_channels(client, manager, operator):
    for headers in (manager, operator):
        response = client.post("/api/v1/channels", headers=headers, json={
            "name": "shop", "kind": "generic", "secret": SHOPIFY_SECRET})
        assert response.status_code == 403
        assert client.get("/api/v1/channels", headers=headers).status_code == 403


def test_an_item_is_offered_under_the_shops_id(client, admin):
    candle_workshop()
    channels.create_channel(name="woo", kind="woocommerce", secret=SHOPIFY_SECRET,
                            api_base="https://shop.test", api_key="ck", api_secret="cs")
    response = client.put("/api/v1/channels/woo/products/CANDLE", headers=admin,
                          json={"external_id": "93/94"})
    assert response.status_code == 200, response.json
    detail = client.get("/api/v1/channels/woo", headers=admin).json
    assert detail["products"] == [{"item": "CANDLE", "external_id": "93/94"}]
    assert [m["status"] for m in detail["outbox"]] == ["pending"]  # its level goes at once
    unknown = client.put("/api/v1/channels/woo/products/NOPE", headers=admin,
                         json={"external_id": "1"})
    assert unknown.status_code == 404
    assert client.put("/api/v1/channels/nope/products/CANDLE", headers=admin,
                      json={"external_id": "1"}).status_code == 404


def test_the_channel_pages_list_create_map_and_resend(client, login_as):
    candle_workshop()
    login_as("admin")
    page = client.get("/channels/")
    assert page.status_code == 200 and b"No channel yet" in page.data
    created = client.post("/channels/", data={"name": "woo", "kind": "woocommerce",
                                              "secret": SHOPIFY_SECRET,
                                              "api_base": "https://shop.test",
                                              "api_key": "ck", "api_secret": "cs"})
    assert created.status_code == 302
    mapped = client.post("/channels/woo/products", data={"item": "CANDLE", "external_id": "93"})
    assert mapped.status_code == 302
    show = client.get("/channels/woo")
    assert b"/api/v1/channels/woo/webhooks" in show.data and b"CANDLE" in show.data
    message = channels.channel_view("woo").outbox[0]
    resent = client.post(f"/channels/woo/outbox/{message.id}/resend")
    assert resent.status_code == 302
    bad = client.post("/channels/", data={"name": "x", "kind": "woocommerce", "secret": "s"})
    assert bad.status_code == 400


def test_operators_do_not_see_the_channel_pages(client, login_as):
    login_as("operator")
    assert client.get("/channels/").status_code == 403
