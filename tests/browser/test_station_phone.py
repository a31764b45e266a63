"""The production station on a phone: the scan box comes before the pick list, and no page
of an order (planned, in progress, completed) raises a JavaScript error."""

from playwright.sync_api import expect

from krafte_pwa.services import production
from tests.browser.conftest import PHONE, SCREENSHOTS, use_language


def test_station_on_a_phone_scan_first_and_no_script_errors(live, shop, new_page):
    with live.db():
        number = production.plan_order(item="CANDLE", quantity="10").number
    page = new_page("operator", viewport=PHONE, next_path=f"/station/{number}")
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))

    scan_box = page.locator("#station-scan").bounding_box()
    pick_list = page.locator("ol.picklist").bounding_box()
    assert scan_box["y"] + scan_box["height"] <= pick_list["y"]  # scan first, then the list
    page.locator("#station-scan-text").fill(f"{live.url}/l/{shop['wick']}")
    page.locator("#station-scan-text").press("Enter")
    expect(page.locator(f".sugg li[data-lot='{shop['wick']}']")).to_have_class("picked")
    page.screenshot(path=str(SCREENSHOTS / "station-phone-en.png"), full_page=True)
    use_language(page, live.url, "fr")
    page.screenshot(path=str(SCREENSHOTS / "station-phone-fr.png"), full_page=True)
    use_language(page, live.url, "en")

    with page.expect_navigation():
        page.get_by_role("button", name="Start production").click()
    expect(page.locator("h1 .status")).to_have_text("in progress")
    assert page.locator("#complete-form").bounding_box()["y"] < \
        page.locator(".station-list table").bounding_box()["y"]
    page.locator("#complete-form input[name=quantity]").fill("10")
    page.locator("#complete-form [data-confirm-expiry]").check()  # the wax caps the expiry
    with page.expect_navigation():
        page.locator("#complete-form").get_by_role("button", name="Complete").click()
    expect(page.locator("h1 .status")).to_have_text("completed")
    page.locator("[data-output-lot]").wait_for()
    page.reload()
    expect(page.locator("[data-print-output]")).to_be_visible()
    page.goto("/station")
    assert errors == []
