"""The key shop-floor flows at phone (390×844) and tablet (1024×768) size, in English and
in French, failing on any script error: a receipt (a refused line explained in words, then
scanned and saved), the station (lots scanned before Start kept on the server across a
reload and another device, Start, an expiry that needs confirming, Complete), the queue
with a refused action (queued in one language, read in the other: its description, reason
and date in the language of the page that shows them) and a refused receipt with a blank
line in the middle (its reason names the line the user typed, in words). Screenshots of each
land in tests/browser/screenshots/."""

import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from krafte_pwa.models import Lot, ProductionOrder, StationPick
from krafte_pwa.services import production
from tests.browser.conftest import GTIN_BEESWAX, PHONE, SCREENSHOTS, use_language
from tests.browser.test_offline import transfers

TABLET_1024 = {"width": 1024, "height": 768}
SIZES = {"phone": PHONE, "tablet": TABLET_1024}
MATRIX = [(size, lang) for size in SIZES for lang in ("en", "fr")]
BROWSER_LOCALE = {"en": "en-GB", "fr": "fr-FR"}
GS1 = "01" + "0" + GTIN_BEESWAX + "17270630" + "3102001250" + "10BX-2291"

WORDS = {
    "en": {"save_receipt": "Save receipt", "receipt": "Receipt RC-",
           "zero": "Line 1: quantity must be greater than zero", "decimal": "2.5",
           "start": "Start production", "complete": "Complete", "in_progress": "in progress",
           "completed": "completed", "move": "Move", "discard": "Discard",
           "refused": "The server refused 1 saved action:", "cannot": "cannot take",
           "moving": re.compile(r"^Move 99,999 of \S+ from STORE to SHELF$"),
           "refused_meta": re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4},? \d{1,2}:\d{2}\s?[AP]M · "
                                      r"Refused by the server$"),
           "third": "Line 3: quantity must be greater than zero"},
    "fr": {"save_receipt": "Enregistrer la réception", "receipt": "Réception RC-",
           "zero": "Ligne 1 : la quantité doit être une valeur supérieure à zéro",
           "decimal": "2,5", "start": "Lancer la production", "complete": "Terminer",
           "in_progress": "en cours", "completed": "terminé", "move": "Déplacer",
           "discard": "Abandonner", "refused": "Le serveur a refusé 1 action enregistrée :",
           "cannot": "impossible d’en prendre",
           "moving": re.compile(r"^Déplacer 99\s999 de \S+ de STORE vers SHELF$"),
           "refused_meta": re.compile(r"^\d{1,2} [a-zéû]+\.? \d{4}(,| à) \d{2}:\d{2} · "
                                      r"Refusé par le serveur$"),
           "third": "Ligne 3 : la quantité doit être une valeur supérieure à zéro"},
}


def open_page(new_page, user, size, lang, path):
    page = new_page(user, viewport=SIZES[size], locale=BROWSER_LOCALE[lang], next_path=path)
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    # Chromium logs a request that met no network or got a 4xx (a refusal the page shows):
    # not an error of the page's scripts.
    return page, lambda: [e for e in errors if not e.startswith("Failed to load resource")]


def wait_until(page, check, timeout=10.0):
    """Polls `check`, waiting inside Playwright, so the page's route handlers and events
    are served meanwhile (a request a route still holds would wait otherwise)."""
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        page.wait_for_timeout(100)


@pytest.mark.parametrize("size, lang", MATRIX)
def test_receive(live, shop, new_page, size, lang):
    words = WORDS[lang]
    page, errors = open_page(new_page, "operator", size, lang, "/receive")
    form = page.locator("#receive-form")
    line = form.locator("[data-line]").first
    line.locator("input[name=item]").fill("WAX-BEE")
    line.locator("input[name=quantity]").fill("0")
    form.locator("input[name=supplier]").fill("Ruchers de Provence")
    with page.expect_navigation():
        form.get_by_role("button", name=words["save_receipt"]).click()
    # Refused: a sentence naming the line, not a field path; what was typed stays.
    expect(page.locator(".flash.error")).to_have_text(words["zero"])
    assert "lines[" not in page.content()
    line.locator("input[name=quantity]").fill(words["decimal"])
    line.locator("input[name=unit]").fill("kg")
    wedge = page.locator("#receive-scan-text")
    wedge.fill(GS1)
    wedge.press("Enter")
    expect(form.locator("[data-line]")).to_have_count(2)
    wedge.fill(f"{live.url}/loc/SHELF")
    wedge.press("Enter")
    expect(form.locator("select[name=location]")).to_have_value("SHELF")
    page.screenshot(path=str(SCREENSHOTS / f"receive-{size}-{lang}.png"), full_page=True)
    with page.expect_navigation():
        form.get_by_role("button", name=words["save_receipt"]).click()
    assert page.locator("h1").inner_text().startswith(words["receipt"])
    with live.db() as session:
        lots = session.execute(select(Lot).where(Lot.supplier_lot.is_not(None))
                               .order_by(Lot.code)).scalars().all()
        assert [lot.supplier_lot for lot in lots if lot.item.sku == "WAX-BEE"] == ["BX-2291"]
    assert errors() == []


def scanned(live, number) -> list[str]:
    with live.db() as session:
        return session.execute(
            select(Lot.code).join(StationPick, StationPick.lot_id == Lot.id)
            .join(ProductionOrder, ProductionOrder.id == StationPick.order_id)
            .where(ProductionOrder.number == number).order_by(StationPick.position)
        ).scalars().all()


@pytest.mark.parametrize("size, lang", MATRIX)
def test_station(live, shop, new_page, size, lang):
    words = WORDS[lang]
    with live.db():
        number = production.plan_order(item="CANDLE", quantity="10").number
    page, errors = open_page(new_page, "operator", size, lang, f"/station/{number}")
    for key in ("wax_soon", "wick"):
        page.locator("#station-scan-text").fill(f"{live.url}/l/{shop[key]}")
        page.locator("#station-scan-text").press("Enter")
        expect(page.locator(f".sugg li[data-lot='{shop[key]}']")).to_have_class("picked")
    wait_until(page, lambda: scanned(live, number) == [shop["wax_soon"], shop["wick"]])
    page.screenshot(path=str(SCREENSHOTS / f"station-{size}-{lang}.png"), full_page=True)

    # A reload, and another device, find the lots scanned on the server.
    page.reload()
    expect(page.locator(f".sugg li[data-lot='{shop['wick']}']")).to_have_class("picked")
    other, other_errors = open_page(new_page, "manager", size, lang, f"/station/{number}")
    expect(other.locator(f".sugg li[data-lot='{shop['wax_soon']}']")).to_have_class("picked")
    expect(other.locator(f".sugg li[data-lot='{shop['oil']}']")).not_to_have_class("picked")

    with page.expect_navigation():
        page.get_by_role("button", name=words["start"]).click()
    expect(page.locator("h1 .status")).to_have_text(words["in_progress"])
    assert scanned(live, number) == []  # now real picks

    # The wax caps the candles' expiry within the warning window: confirm before completing.
    form = page.locator("#complete-form")
    expect(form.locator("[data-expiry-warning]")).to_be_visible()
    form.get_by_role("button", name=words["complete"]).click()
    expect(page.locator("h1 .status")).to_have_text(words["in_progress"])
    assert form.locator("[data-confirm-expiry]").evaluate("(box) => !box.validity.valid")
    form.locator("[data-confirm-expiry]").check()
    page.screenshot(path=str(SCREENSHOTS / f"station-complete-{size}-{lang}.png"),
                    full_page=True)
    with page.expect_navigation():
        form.get_by_role("button", name=words["complete"]).click()
    expect(page.locator("h1 .status")).to_have_text(words["completed"])
    assert errors() == [] and other_errors() == []


def queue_a_move_refused_later(page, oil, words):
    """A move of more than there is, saved offline; the server refuses it when the network
    returns."""
    form = page.locator("#move-form")
    page.locator("#move-lot-text").fill(oil)
    page.locator("#move-lot-text").press("Enter")
    expect(form.locator("input[name=lot]")).to_have_value(oil)
    page.locator("#move-to-text").fill("SHELF")
    page.locator("#move-to-text").press("Enter")
    expect(form.locator("select[name=to]")).to_have_value("SHELF")
    form.locator("select[name=from]").select_option("STORE")
    form.locator("input[name=quantity]").fill("99999")  # more than there is
    page.context.set_offline(True)
    form.get_by_role("button", name=words["move"]).click()
    page.locator("[data-move-log] li.queued").wait_for()
    page.context.set_offline(False)
    banner = page.locator("[data-refused-banner]")
    expect(banner).to_contain_text(words["refused"])
    expect(banner).to_contain_text(words["cannot"])


@pytest.mark.parametrize("size, lang", MATRIX)
def test_queue_with_a_refused_action(live, shop, new_page, size, lang):
    """Queued and refused while the page was in the other language, read in `lang`."""
    first = "fr" if lang == "en" else "en"
    words, before = WORDS[lang], WORDS[first]
    oil = shop["oil"]
    page, errors = open_page(new_page, "operator", size, first, "/move")
    queue_a_move_refused_later(page, oil, before)
    use_language(page, live.url, lang)
    banner = page.locator("[data-refused-banner]")
    expect(banner).to_contain_text(words["refused"])
    expect(banner.locator("li")).to_have_text(re.compile(
        words["moving"].pattern.rstrip("$") + " — .*" + words["cannot"]))
    assert before["cannot"] not in banner.inner_text()

    page.goto("/queue")
    refused = page.locator("[data-queue-list] > li.refused")
    expect(refused.locator("strong")).to_have_text(words["moving"])
    expect(refused.locator(".reason")).to_contain_text(words["cannot"])
    assert before["cannot"] not in refused.inner_text()
    expect(refused.locator(".muted")).to_have_text(words["refused_meta"])
    page.screenshot(path=str(SCREENSHOTS / f"queue-refused-{size}-{lang}.png"), full_page=True)
    # the lot code never breaks at its hyphen, in the banner, the description and the reason
    pieces = page.locator("[data-refused-banner] li .nobreak, li.refused .nobreak").evaluate_all(
        "(els) => els.map((e) => [e.textContent, e.getClientRects().length])")
    assert [text for text, _ in pieces].count(oil) == 4, pieces
    assert all(lines == 1 for _, lines in pieces), pieces
    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button", name=words["discard"]).click()
    page.locator("[data-queue-empty]").wait_for()
    assert transfers(live, oil) == 0
    assert errors() == []


OLD_ENTRY = """(entry) => window.Krafte.queue.put(entry)"""


def test_an_entry_saved_before_keys_and_values_shows_its_text(live, shop, new_page):
    """Queued by an older page: only its text, and the refusal's text; shown as they are."""
    page, errors = open_page(new_page, "operator", "phone", "fr", "/queue")
    page.evaluate(OLD_ENTRY, {
        "method": "POST", "url": "/api/v1/transfers", "user": "operator",
        "body": {"lot": shop["oil"], "from": "STORE", "to": "SHELF", "quantity": "7"},
        "label": "Move 7 of an old lot", "labelKey": "move_label", "key": "old-entry-1",
        "created": 1764633600000, "state": "refused", "error": "an old reason", "status": 409})
    page.reload()
    refused = page.locator("[data-queue-list] > li.refused")
    expect(refused.locator("strong")).to_have_text("Move 7 of an old lot")
    expect(refused.locator(".reason")).to_have_text("an old reason")
    expect(page.locator("[data-refused-banner] li")).to_have_text(
        "Move 7 of an old lot — an old reason")
    assert errors() == []


@pytest.mark.parametrize("size, lang", MATRIX)
def test_a_refused_receipt_names_the_line_typed_in_words(live, shop, new_page, size, lang):
    """Line 2 left blank: the refusal of line 3 says "Line 3", no field path, in `lang`."""
    words = WORDS[lang]
    page, errors = open_page(new_page, "operator", size, lang, "/receive")
    form = page.locator("#receive-form")
    form.locator("input[name=supplier]").fill("Ruchers de Provence")
    form.locator("[data-line] input[name=item]").first.fill("WAX-BEE")
    form.locator("[data-line] input[name=quantity]").first.fill("5")
    for _ in range(2):
        form.locator("[data-add-line]").click()
    third = form.locator("[data-line]").nth(2)
    third.locator("input[name=item]").fill("WAX-BEE")
    third.locator("input[name=quantity]").fill("0")
    with page.expect_navigation():
        form.get_by_role("button", name=words["save_receipt"]).click()
    expect(page.locator(".flash.error")).to_have_text(words["third"])
    assert "lines[" not in page.content()
    lines = page.locator("#receive-form [data-line]")
    expect(lines).to_have_count(3)  # the blank line stays where it was
    expect(lines.nth(2).locator("input[name=quantity]")).to_have_value("0")
    expect(lines.nth(2).locator("legend")).to_contain_text("3")
    page.screenshot(path=str(SCREENSHOTS / f"receive-line-3-{size}-{lang}.png"), full_page=True)
    assert errors() == []


def test_a_lot_scanned_offline_at_the_station_reaches_the_server_when_the_network_returns(
        live, shop, new_page):
    with live.db():
        number = production.plan_order(item="CANDLE", quantity="10").number
    page, errors = open_page(new_page, "operator", "tablet", "en", f"/station/{number}")
    page.context.set_offline(True)
    page.locator("#station-scan-text").fill(f"{live.url}/l/{shop['jar']}")
    page.locator("#station-scan-text").press("Enter")  # a suggested lot: known offline
    expect(page.locator(f".sugg li[data-lot='{shop['jar']}']")).to_have_class("picked")
    time.sleep(0.5)
    assert scanned(live, number) == []
    page.context.set_offline(False)
    # first sends that find no route yet are tried again after 1, 2, 4, 8 s
    wait_until(page, lambda: scanned(live, number) == [shop["jar"]], timeout=20)
    page.reload()
    expect(page.locator(f".sugg li[data-lot='{shop['jar']}']")).to_have_class("picked")
    assert errors() == []
