"""Offline on the shop floor, second pass: a refusal at replay is shown where the user is;
an "Offline" scan status clears when the network returns; codes of lots and locations
seen lately resolve offline when typed; a receipt sent from the queue shows its lots and
their labels."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from krafte_pwa.models import Lot
from tests.browser.conftest import PHONE, SCREENSHOTS, use_language
from tests.browser.test_offline import transfers


def watch_errors(page):
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    # Chromium logs each request that met no network or got a 4xx (the refusal itself):
    # those are not errors of the page's scripts.
    return lambda: [e for e in errors if not e.startswith("Failed to load resource")]


def test_recent_codes_resolve_offline_and_a_refusal_shows_where_the_user_is(live, shop,
                                                                            new_page):
    wax, oil = shop["wax_soon"], shop["oil"]
    page = new_page("operator", viewport=PHONE, next_path="/move")
    errors = watch_errors(page)
    lot_text, to_text = page.locator("#move-lot-text"), page.locator("#move-to-text")
    form = page.locator("#move-form")
    # Online: a lot code typed, a shelf code typed, another lot's page opened.
    lot_text.fill(wax)
    lot_text.press("Enter")
    expect(form.locator("input[name=lot]")).to_have_value(wax)
    to_text.fill("SHELF")
    to_text.press("Enter")
    expect(form.locator("select[name=to]")).to_have_value("SHELF")
    page.goto(f"/l/{oil}")
    page.goto("/move")

    page.context.set_offline(True)
    lot_text.fill(oil.lower())  # typed, not a label URL
    lot_text.press("Enter")
    expect(form.locator("input[name=lot]")).to_have_value(oil)
    to_text.fill("shelf")
    to_text.press("Enter")
    expect(form.locator("select[name=to]")).to_have_value("SHELF")
    lot_status = page.locator("#move-lot [data-status]")
    lot_text.fill("NEVER-SEEN-9")
    lot_text.press("Enter")
    expect(lot_status).to_have_text(re.compile(r"Offline — NEVER-SEEN-9"))
    expect(form.locator("input[name=lot]")).to_have_value(oil)
    form.locator("select[name=from]").select_option("STORE")
    form.locator("input[name=quantity]").fill("99999")  # more than there is
    form.get_by_role("button", name="Move").click()
    page.locator("[data-move-log] li.queued").wait_for()

    # The network returns: the stale status goes, the refusal shows on this page.
    page.context.set_offline(False)
    expect(lot_status).to_have_text("")
    banner = page.locator("[data-refused-banner]")
    expect(banner).to_be_visible()
    assert "The server refused 1 saved action:" in banner.inner_text()
    assert "cannot take" in banner.inner_text()
    assert f"of {oil} from STORE to SHELF" in banner.inner_text()
    banner.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/queue$"))
    expect(page.locator("[data-refused-banner]")).to_be_visible()
    refused = page.locator("[data-queue-list] > li.refused")
    assert "cannot take" in refused.locator(".reason").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "offline-move-refused-phone-en.png"), full_page=True)
    use_language(page, live.url, "fr")
    expect(page.locator("[data-refused-banner]")).to_contain_text("Le serveur a refusé 1")
    page.screenshot(path=str(SCREENSHOTS / "offline-move-refused-phone-fr.png"), full_page=True)
    use_language(page, live.url, "en")

    # Discarded: the banner goes.
    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button", name="Discard").click()
    page.locator("[data-queue-empty]").wait_for()
    expect(page.locator("[data-refused-banner]")).to_have_count(0)
    assert transfers(live, oil) == 0
    assert errors() == []


def test_a_receipt_sent_from_the_queue_shows_its_lots_and_labels(live, shop, new_page):
    page = new_page("operator", viewport=PHONE, next_path="/receive")
    errors = watch_errors(page)
    page.context.set_offline(True)
    form = page.locator("#receive-form")
    line = form.locator("[data-line]").first
    line.locator("input[name=item]").fill("WICK")
    line.locator("input[name=quantity]").fill("250")
    line.locator("input[name=supplier_lot]").fill("W-88")
    form.get_by_role("button", name="Save receipt").click()
    page.locator(".flash.queued").wait_for()
    page.context.set_offline(False)
    expect(page.locator("header [data-queue-link]")).to_be_hidden()
    with live.db() as session:
        code = session.execute(select(Lot.code).where(Lot.supplier_lot == "W-88")).scalar_one()
    page.goto("/queue")
    sent = page.locator("[data-sent-list] li").first
    expect(sent.locator("a.code")).to_have_text(code)
    assert sent.locator("a.code").get_attribute("href") == f"/l/{code}"
    for link in (sent.locator(f"[data-label='{code}']"),
                 sent.get_by_role("link", name="Print labels (roll)")):
        response = page.request.get(link.get_attribute("href"))
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
    assert errors() == []
