"""Offline on the shop floor, second pass, at phone (390×844) and tablet (1024×768) size in
English and French: a refusal at replay is shown where the user is (a banner, and the queue
page it links to); an "Offline" scan status clears when the network returns; codes of lots
and locations seen lately resolve offline when typed or scanned; a receipt sent from the
queue shows its lots and their labels. Any script error fails the cell."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from krafte_pwa.models import Lot
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_floor_matrix import MATRIX, WORDS, open_page
from tests.browser.test_offline import transfers

TEXT = {
    "en": {"offline": "Offline", "of": "of {lot} from STORE to SHELF",
           "receipt": "Receipt of 1 line into SHELF", "label": "Label",
           "print": "Print labels (roll)", "save_receipt": "Save receipt"},
    "fr": {"offline": "Hors ligne", "of": "de {lot} de STORE vers SHELF",
           "receipt": "Réception de 1 ligne dans SHELF", "label": "Étiquette",
           "print": "Imprimer les étiquettes (rouleau)",
           "save_receipt": "Enregistrer la réception"},
}


WEDGE = """(text) => {
  for (const key of [...text, "Enter"]) {
    document.activeElement.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true}));
  }
}"""


def move_offline(page, destination, quantity, words):
    """The lot already scanned: the destination typed, from STORE, saved for later."""
    form = page.locator("#move-form")
    page.locator("#move-to-text").fill(destination)
    page.locator("#move-to-text").press("Enter")
    expect(form.locator("select[name=to]")).to_have_value(destination.upper())
    form.locator("select[name=from]").select_option("STORE")
    form.locator("input[name=quantity]").fill(quantity)
    queued = page.locator("[data-move-log] li.queued")
    before = queued.count()
    form.get_by_role("button", name=words["move"], exact=True).click()
    expect(queued).to_have_count(before + 1)


@pytest.mark.parametrize("size, lang", MATRIX)
def test_recent_codes_resolve_offline_and_a_refusal_shows_where_the_user_is(live, shop,
                                                                            new_page, size,
                                                                            lang):
    wax, oil = shop["wax_soon"], shop["oil"]
    words, text = WORDS[lang], TEXT[lang]
    page, errors = open_page(new_page, "operator", size, lang, "/move")
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
    # A hardware scanner (keys then Enter, no field focused) reading a plain lot code.
    # Its keys arrive within milliseconds of each other; typed through the test driver on
    # a loaded machine they can come 100 ms apart, what the page takes for a person typing,
    # so they are sent in one go from the page.
    page.evaluate("document.activeElement.blur()")
    page.evaluate(WEDGE, wax)
    expect(form.locator("input[name=lot]")).to_have_value(wax)
    move_offline(page, "shelf", "1", words)  # a location code typed: kept, sent later
    lot_text.fill(oil.lower())  # typed, not a label URL
    lot_text.press("Enter")
    expect(form.locator("input[name=lot]")).to_have_value(oil)
    lot_status = page.locator("#move-lot [data-status]")
    lot_text.fill("NEVER-SEEN-9")
    lot_text.press("Enter")
    expect(lot_status).to_have_text(re.compile(f"{text['offline']} — NEVER-SEEN-9"))
    expect(form.locator("input[name=lot]")).to_have_value(oil)
    move_offline(page, "SHELF", "99999", words)  # more than there is

    # The network returns: the stale status goes, the refusal shows on this page, and
    # the page's own log says which move went and which was refused.
    page.context.set_offline(False)
    expect(lot_status).to_have_text("")
    banner = page.locator("[data-refused-banner]")
    expect(banner).to_be_visible()
    expect(banner.locator("strong")).to_have_text(words["refused"])
    expect(banner.locator("li")).to_contain_text(words["cannot"])
    expect(banner.locator("li")).to_contain_text(text["of"].format(lot=oil))
    log = page.locator("[data-move-log] li")
    expect(log.nth(0)).to_have_class("fail")
    expect(log.nth(0)).to_contain_text(words["cannot"])
    expect(log.nth(1)).to_have_class("ok")
    expect(log.nth(1)).to_have_text(re.compile(r"^✓ .*" + re.escape(wax)))
    assert transfers(live, wax) == 1
    page.screenshot(path=str(SCREENSHOTS / f"offline-move-refused-{size}-{lang}.png"),
                    full_page=True)
    banner.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/queue$"))
    expect(page.locator("[data-refused-banner]")).to_contain_text(words["cannot"])
    refused = page.locator("[data-queue-list] > li.refused")
    expect(refused.locator(".reason")).to_contain_text(words["cannot"])
    page.screenshot(path=str(SCREENSHOTS / f"offline-queue-refused-{size}-{lang}.png"),
                    full_page=True)

    # Discarded: the banner goes.
    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button", name=words["discard"]).click()
    page.locator("[data-queue-empty]").wait_for()
    expect(page.locator("[data-refused-banner]")).to_have_count(0)
    assert transfers(live, oil) == 0
    assert errors() == []


@pytest.mark.parametrize("size, lang", MATRIX)
def test_a_receipt_sent_from_the_queue_shows_its_lots_and_labels(live, shop, new_page, size,
                                                                 lang):
    text = TEXT[lang]
    page, errors = open_page(new_page, "operator", size, lang, "/receive")
    page.context.set_offline(True)
    form = page.locator("#receive-form")
    line = form.locator("[data-line]").first
    line.locator("input[name=item]").fill("WICK")
    line.locator("input[name=quantity]").fill("250")
    line.locator("input[name=supplier_lot]").fill("W-88")
    form.get_by_role("button", name=text["save_receipt"]).click()
    page.locator(".flash.queued").wait_for()
    page.context.set_offline(False)
    expect(page.locator("header [data-queue-link]")).to_be_hidden()
    with live.db() as session:
        code = session.execute(select(Lot.code).where(Lot.supplier_lot == "W-88")).scalar_one()
    page.goto("/queue")
    sent = page.locator("[data-sent-list] li").first
    expect(sent).to_contain_text(text["receipt"])
    expect(sent.locator("a.code")).to_have_text(code)
    assert sent.locator("a.code").get_attribute("href") == f"/l/{code}"
    label = sent.locator(f"[data-label='{code}']")
    expect(label).to_have_text(text["label"])
    page.screenshot(path=str(SCREENSHOTS / f"queue-sent-receipt-{size}-{lang}.png"),
                    full_page=True)
    for link in (label, sent.get_by_role("link", name=text["print"])):
        expect(link).to_be_visible()
        response = page.request.get(link.get_attribute("href"))
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
    assert errors() == []
