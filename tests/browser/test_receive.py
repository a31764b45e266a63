"""A whole receipt on a phone in French: scan the supplier's barcodes, a quantity with a
decimal comma, scan the shelf, save; the lots exist and their labels open."""

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from krafte_pwa.models import Balance, Location, Lot
from tests.browser.conftest import GTIN_BEESWAX, PHONE, SCREENSHOTS
from tests.browser.test_floor_matrix import MATRIX, SIZES, open_page
from tests.browser.test_floor_matrix_layout import check_codes_whole

# GS1-128 as a wedge types it without the FNC1 flag: GTIN, expiry 2027-06-30,
# net weight 12.50 kg, batch BX-2291 (variable length, so last).
GS1 = "01" + "0" + GTIN_BEESWAX + "17270630" + "3102001250" + "10BX-2291"


def test_receipt_on_a_phone_in_french(live, shop, new_page):
    page = new_page("operator", viewport=PHONE, locale="fr-FR", next_path="/receive")
    assert page.locator("h1").inner_text() == "Réception de marchandises"
    wedge = page.locator("#receive-scan-text")
    form = page.locator("#receive-form")
    lines = form.locator("[data-line]")
    assert lines.count() == 1  # one line on a phone; more on demand

    # A plain EAN-13 from the supplier's bag: the item of the line in progress.
    wedge.fill(GTIN_BEESWAX)
    wedge.press("Enter")
    expect(lines.nth(0).locator("input[name=item]")).to_have_value("WAX-BEE")
    expect(page.locator("#receive-scan [data-status]")).to_have_class(re.compile(r"\bok\b"))
    lines.nth(0).locator("input[name=quantity]").fill("2,5")
    lines.nth(0).locator("input[name=unit]").fill("kg")

    # A GS1-128: a second line with item, batch, expiry and net quantity (in French: 12,50).
    wedge.fill(GS1)
    wedge.press("Enter")
    expect(lines).to_have_count(2)
    second = lines.nth(1)
    expect(second.locator("input[name=item]")).to_have_value("WAX-BEE")
    expect(second.locator("input[name=supplier_lot]")).to_have_value("BX-2291")
    expect(second.locator("input[name=expiry]")).to_have_value("2027-06-30")
    expect(second.locator("input[name=quantity]")).to_have_value("12,50")
    expect(second.locator("input[name=unit]")).to_have_value("kg")

    # The shelf's label.
    wedge.fill(f"{live.url}/loc/SHELF")
    wedge.press("Enter")
    expect(form.locator("select[name=location]")).to_have_value("SHELF")
    form.locator("input[name=supplier]").fill("Ruchers de Provence")
    page.screenshot(path=str(SCREENSHOTS / "receive-phone-fr.png"), full_page=True)
    with page.expect_navigation():
        form.get_by_role("button", name="Enregistrer la réception").click()

    assert page.locator("h1").inner_text().startswith("Réception RC-")
    codes = [a.get_attribute("data-label") for a in page.locator("[data-label]").all()]
    assert len(codes) == 2
    with live.db() as session:
        rows = session.execute(
            select(Lot, Balance.quantity, Location.code).join(Balance, Balance.lot_id == Lot.id)
            .join(Location, Location.id == Balance.location_id)
            .where(Lot.code.in_(codes)).order_by(Lot.code)).all()
        assert [(lot.item.sku, quantity, where) for lot, quantity, where in rows] == [
            ("WAX-BEE", Decimal("2500"), "SHELF"), ("WAX-BEE", Decimal("12500"), "SHELF")]
        second_lot = rows[1][0]
        assert second_lot.supplier_lot == "BX-2291" and second_lot.expiry == date(2027, 6, 30)
        assert second_lot.supplier.name == "Ruchers de Provence"

    for link in page.locator("[data-label]").all() + [page.locator("[data-print-all]")]:
        response = page.request.get(link.get_attribute("href"))
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")


def test_a_receipt_saved_offline_is_sent_when_the_network_returns(live, shop, new_page):
    page = new_page("operator", viewport=PHONE, next_path="/receive")
    page.context.set_offline(True)
    form = page.locator("#receive-form")
    line = form.locator("[data-line]").first
    line.locator("input[name=item]").fill("WICK")
    line.locator("input[name=quantity]").fill("250")
    line.locator("input[name=supplier_lot]").fill("W-77")
    form.locator("select[name=location]").select_option("SHELF")
    form.locator("input[name=supplier]").fill("Mèches & Co")
    form.get_by_role("button", name="Save receipt").click()
    page.locator(".flash.queued").wait_for()
    expect(page.locator("[data-queue-count]").first).to_have_text("1")
    with live.db() as session:
        assert session.execute(select(Lot).where(Lot.supplier_lot == "W-77")).first() is None
    page.context.set_offline(False)
    expect(page.locator("header [data-queue-link]")).to_be_hidden()
    with live.db() as session:
        lot = session.execute(select(Lot).where(Lot.supplier_lot == "W-77")).scalar_one()
        assert lot.item.sku == "WICK" and lot.supplier.name == "Mèches & Co"


# A supplier's GS1-128 whose GTIN names none of our items: batch, expiry, net 1.25 kg.
UNKNOWN_GTIN = "05901234123457"
UNKNOWN_GS1 = "01" + UNKNOWN_GTIN + "17280131" + "3102000125" + "10SW-118"


RECEIVE_WORDS = {
    "en": {"base_unit": "base unit", "quantity": "1.25", "choose": "Choose the item",
           "linked": f"{UNKNOWN_GTIN} is now linked to WAX", "save": "Save receipt",
           "link": "Link this barcode to the chosen item",
           "received": ["1,250 g", "300 g"], "offline": "Offline"},
    "fr": {"base_unit": "unité de base", "quantity": "1,25",
           "choose": "Choisissez d’abord l’article",
           "linked": f"{UNKNOWN_GTIN} est désormais associé à WAX",
           "save": "Enregistrer la réception",
           "link": "Associer ce code-barres à l’article choisi",
           "received": ["1\u202f250 g", "300 g"], "offline": "Hors ligne"},
}


@pytest.mark.parametrize("size, lang", MATRIX)
def test_item_search_default_location_and_linking_an_unknown_barcode(live, shop, new_page,
                                                                    size, lang):
    from krafte_pwa.models import Item, ItemBarcode
    from krafte_pwa.services import items as item_actions

    words = RECEIVE_WORDS[lang]
    with live.db():
        item_actions.update_item(sku="WAX", default_location="STORE")
    page, errors = open_page(new_page, "operator", size, lang, "/receive")
    form = page.locator("#receive-form")
    line = form.locator("[data-line]").first
    item = line.locator("input[name=item]")
    unit = line.locator("input[name=unit]")
    # The item field searches as you type: a datalist of every receivable item.
    assert item.get_attribute("list") == "receive-items"
    labels = page.locator("#receive-items option").evaluate_all(
        "(all) => all.map((o) => o.value + ' ' + o.textContent)")
    assert "WAX Soy wax (g)" in labels and "WICK Cotton wick (pcs)" in labels
    assert form.locator("select[name=location]").input_value() != "STORE"
    expect(unit).to_have_attribute("placeholder", words["base_unit"])

    # The unknown barcode: batch, expiry and quantity stay; an offer to link it.
    wedge = page.locator("#receive-scan-text")
    wedge.fill(UNKNOWN_GS1)
    wedge.press("Enter")
    expect(page.locator("#receive-scan [data-status]")).to_have_class(re.compile(r"\bwarn\b"))
    expect(line.locator("input[name=supplier_lot]")).to_have_value("SW-118")
    expect(line.locator("input[name=expiry]")).to_have_value("2028-01-31")
    expect(line.locator("input[name=quantity]")).to_have_value(words["quantity"])
    expect(unit).to_have_value("kg")
    offer = page.locator("[data-link-barcode]")
    expect(offer).to_be_visible()
    assert UNKNOWN_GTIN in offer.inner_text()
    button = offer.get_by_role("button", name=words["link"])
    # One tap, on the phone too: the button lies within the screen's width.
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"]
    # Linking before choosing the item says what to do.
    button.click()
    expect(offer.locator("[data-link-text]")).to_contain_text(words["choose"])
    expect(item).to_be_focused()

    # Choosing the item: its default location, its unit beside the quantity.
    item.fill("WAX")
    item.press("Tab")
    expect(form.locator("select[name=location]")).to_have_value("STORE")
    expect(unit).to_have_attribute("placeholder", "g")
    # Without network the link waits; "Offline" goes when the network returns.
    page.context.set_offline(True)
    button.click()
    expect(offer.locator("[data-link-text]")).to_have_text(words["offline"])
    page.context.set_offline(False)
    expect(offer.locator("[data-link-text]")).to_contain_text(UNKNOWN_GTIN)
    button.click()
    expect(offer.locator("[data-link-text]")).to_contain_text(words["linked"])
    with live.db() as session:
        linked = session.execute(select(Item.sku).join(ItemBarcode)
                                 .where(ItemBarcode.code == UNKNOWN_GTIN)).scalar_one()
        assert linked == "WAX"
    page.screenshot(path=str(SCREENSHOTS / f"receive-link-{size}-{lang}.png"), full_page=True)

    # A location the user chose stays when another item is chosen.
    page.locator("[data-add-line]").click()
    form.locator("select[name=location]").select_option("SHELF")
    second = form.locator("[data-line]").nth(1)
    second.locator("input[name=item]").fill("WAX")
    second.locator("input[name=item]").press("Tab")
    expect(form.locator("select[name=location]")).to_have_value("SHELF")
    expect(second.locator("input[name=unit]")).to_have_attribute("placeholder", "g")
    second.locator("input[name=quantity]").fill("300")

    with page.expect_navigation():
        form.get_by_role("button", name=words["save"]).click()
    # The receipt page shows each quantity with its unit, and the new lots' codes whole.
    assert page.locator(".list .qty").all_inner_texts() == words["received"]
    check_codes_whole(page, SIZES[size]["width"])

    # The next scan of that barcode finds the item.
    page.goto("/receive")
    page.locator("#receive-scan-text").fill(UNKNOWN_GS1)
    page.locator("#receive-scan-text").press("Enter")
    expect(page.locator("#receive-form [data-line] input[name=item]").first).to_have_value("WAX")
    assert errors() == []
