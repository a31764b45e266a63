"""An admin on a phone sets up a shop: creates the channel, offers the candle on it, sees
the shop's order arrive through its webhook, then the stock level that could not be sent
(the shop is down) with its error, and resends it. No script error, no console error."""

import httpx
from playwright.sync_api import expect

from krafte_pwa.services import channel_push, stock
from krafte_pwa.services import locations as location_actions
from tests.browser.conftest import PHONE
from tests.channel_factories import SHOPIFY_SECRET, dumps, shopify_headers, shopify_order


def test_an_admin_sets_up_a_shop_and_follows_its_orders_and_levels(live, shop, new_page):
    with live.db():
        location_actions.create_location(code="FG", name="Finished goods")
        stock.receive_goods(supplier="Own", location="FG",
                            lines=[{"item": "CANDLE", "quantity": "12"}])
    page = new_page("admin", viewport=PHONE)
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto("/menu")
    page.get_by_role("link", name="Sales channels").click()
    page.fill("input[name=name]", "shop")
    page.select_option("select[name=kind]", "shopify")
    page.fill("input[name=secret]", SHOPIFY_SECRET)
    page.fill("input[name=api_base]", "http://127.0.0.1:9")  # nothing listens there
    page.fill("input[name=api_key]", "shpat_token")
    page.fill("input[name=location_id]", "655441491")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("h1")).to_have_text("shop")
    expect(page.locator("dd.code")).to_have_text(f"{live.url}/api/v1/channels/shop/webhooks")

    page.fill("input[name=item]", "CANDLE")
    page.fill("input[name=external_id]", "808950810")
    page.get_by_role("button", name="Offer this product").click()
    expect(page.locator("table").first).to_contain_text("808950810")

    body = dumps(shopify_order())
    answer = httpx.post(f"{live.url}/api/v1/channels/shop/webhooks", content=body,
                        headers=shopify_headers(body))
    assert answer.status_code == 200 and answer.json()["status"] == "processed"
    with live.db():
        report = channel_push.deliver_due()
    assert report.failed >= 1 and report.sent == 0

    page.reload()
    outbox = page.locator("#outbox + table")
    expect(outbox).to_contain_text("CANDLE")
    expect(outbox).to_contain_text("ConnectError")
    expect(page.locator("table").last).to_contain_text("orders/create")
    expect(page.locator("table").last).to_contain_text("SO-")
    outbox.get_by_role("button", name="Resend").first.click()
    expect(page.locator("p.flash.success")).to_contain_text("sent again")
    assert problems == []
