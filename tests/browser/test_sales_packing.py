"""A sales order from arrival to recall on a phone (390×844): it arrives from the web shop
(a signed Shopify orders/create webhook, as Shopify sends it); the operator packs it by
scanning two lots (the reserved one, then another usable lot, accepted with a warning; an
expired lot refused) and ships it; the recall of one of those lots names the shop's
customer. No script error on any page."""

import json
import re
import urllib.request

from playwright.sync_api import expect

from krafte_pwa.services import channels
from tests.browser.conftest import PHONE, SCREENSHOTS, use_language
from tests.channel_factories import SHOPIFY_SECRET, dumps, shopify_headers, shopify_order
from tests.factories import in_days, receive


def scan(page, text):
    field = page.locator("#pack-scan-text")
    field.fill(text)
    field.press("Enter")


def _order_from_the_shop(live) -> str:
    """The shop's own call over real HTTP: the raw body signed with the channel's secret."""
    body = dumps(shopify_order(lines=(("CANDLE", 10, "18.00"),)))
    request = urllib.request.Request(f"{live.url}/api/v1/channels/shop/webhooks", data=body,
                                     method="POST", headers=shopify_headers(body))
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
        outcome = json.loads(answer.read())
    assert outcome["status"] == "processed", outcome
    return outcome["sales_order"]


def test_an_order_packed_by_scanning_then_recalled(live, shop, new_page):
    with live.db():
        soon = receive("CANDLE", 6, cost="4", expiry=in_days(200))
        other = receive("CANDLE", 8, cost="4.2", expiry=in_days(300))
        spare = receive("CANDLE", 10, cost="4.1", expiry=in_days(400))
        expired = receive("CANDLE", 3, cost="4", expiry=in_days(-1))
        channels.create_channel(name="shop", kind="shopify", secret=SHOPIFY_SECRET)
    page = new_page("operator", viewport=PHONE)
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    number = _order_from_the_shop(live)

    page.goto("/")
    page.locator("[data-to-pack] a", has_text=number).click()
    expect(page.locator("h1 .code")).to_have_text(number)
    page.wait_for_load_state("load")  # the deferred packing script listens from here on
    status = page.locator("#pack-scan [data-status]")
    reserved = page.locator(".sugg li[data-lot]")
    assert [reserved.nth(i).get_attribute("data-lot") for i in range(2)] == [soon, other]

    scan(page, f"{live.url}/l/{soon}")  # the reserved lot: all 6 of it
    expect(page.locator(f".sugg li[data-lot='{soon}']")).to_have_class(re.compile("picked"))
    scan(page, f"{live.url}/l/{expired}")  # refused
    expect(status).to_have_class(re.compile(r"\bfail\b"))
    scan(page, spare)  # not the reserved lot: accepted with a warning, 4 to pack
    expect(status).to_have_class(re.compile(r"\bwarn\b"))
    rows = page.locator("[data-packed] li")
    expect(rows).to_have_count(2)
    assert rows.nth(1).locator("input[name=quantity]").input_value() == "4"
    page.screenshot(path=str(SCREENSHOTS / "sales-packing-phone-en.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="Ship what is packed").click()
    expect(page.locator("h1 .status")).to_have_text("shipped")
    use_language(page, live.url, "fr")
    expect(page.locator("h1 .status")).to_have_text("expédiée")
    page.screenshot(path=str(SCREENSHOTS / "sales-order-phone-fr.png"), full_page=True)
    use_language(page, live.url, "en")

    manager = new_page("manager", viewport=PHONE, next_path=f"/recall/{spare}")
    manager.on("pageerror", lambda e: errors.append(str(e)))
    expect(manager.locator("table", has_text="Jon Snow")).to_be_visible()
    assert errors == []
