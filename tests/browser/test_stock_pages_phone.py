"""A shelf and an item with more lots than a page, on a phone, in English and French: cards
whose cells carry their column's name, the page links on screen and working, nothing
sideways, no script error."""

import re

import pytest

from krafte_pwa.services import stock
from tests.browser.test_floor_matrix import open_page

WORDS = {
    "en": {"item": ["Lot", "Expiry", "Status", "Quantity"], "next": "Next page",
           "previous": "Previous page", "count": "lots with stock"},
    "fr": {"item": ["Lot", "Péremption", "Statut", "Quantité"], "next": "Page suivante",
           "previous": "Page précédente", "count": "lots en stock"},
}
WIDTH = 390


@pytest.fixture
def many_wicks(live, shop):
    with live.db():
        result = stock.receive_goods(supplier="Cires du Sud", location="STORE", lines=[
            {"item": "WICK", "quantity": "1"} for _n in range(55)])
        return [lot.code for lot in result.lots]


def lot_codes(page) -> list[str]:
    return [re.sub(r"^/l/", "", h) for h in
            page.locator("table tbody a[href^='/l/']").evaluate_all(
                "(links) => links.map((a) => a.getAttribute('href'))")]


def check_cards(page, labels):
    cells = page.locator("table tbody tr").first.locator("td")
    assert [cells.nth(i).get_attribute("data-label") for i in range(len(labels))] == labels
    assert cells.first.evaluate("(td) => getComputedStyle(td.parentElement).display") == "block"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def follow(page, text):
    link = page.get_by_role("link", name=text, exact=True)
    box = link.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    with page.expect_navigation():
        link.click()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_shelf_and_item_pages_on_a_phone(live, many_wicks, new_page, lang):
    words = WORDS[lang]
    page, errors = open_page(new_page, "operator", "phone", lang, "/loc/STORE")
    first = lot_codes(page)
    assert len(first) == 50 and words["count"] in page.content()
    follow(page, words["next"])
    rest = lot_codes(page)
    assert rest and not set(rest) & set(first)
    assert set(many_wicks) <= set(first) | set(rest)
    follow(page, words["previous"])
    assert lot_codes(page) == first

    page.goto("/items/WICK")
    check_cards(page, words["item"])
    assert len(lot_codes(page)) == 50
    follow(page, words["next"])
    assert len(lot_codes(page)) >= 5
    check_cards(page, words["item"])
    assert errors() == []
