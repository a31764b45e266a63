"""Phone layout at phone (390×844) and tablet (1024×768) size, in English and French: under
480 px a table is a stack of cards whose cells carry their column's name (at 1024 a table
stays a table); lot codes never break; the navigation fades at the edge when more tasks lie
beyond it, and only then; Enter on the recipe form saves (Recalculate is not the default);
a production order's tables (requirements, picks, cost) are cards on the phone too, and the
page never scrolls sideways. Any script error fails the cell."""

import re

import pytest
from playwright.sync_api import expect

from krafte_pwa.services import production
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_floor_matrix import MATRIX, SIZES, open_page

WORDS = {
    "en": {"columns": ["Lot", "Item", "Expiry", "Quantity"], "saved": "Recipe saved",
           "save": "Save recipe", "more": "More", "planned": "Planned",
           "suggested": "Suggested lots (first to use first)"},
    "fr": {"columns": ["Lot", "Article", "Péremption", "Quantité"],
           "saved": "Recette enregistrée", "save": "Enregistrer la recette", "more": "Plus",
           "planned": "Prévu", "suggested": "Lots suggérés (premier périmé, premier sorti)"},
}

CODES_WHOLE = """(codes) => codes.filter((e) => e.offsetParent).map((e) => {
  const box = e.getBoundingClientRect();
  return {text: e.textContent.trim(), lines: e.getClientRects().length,
          right: box.right, wrap: getComputedStyle(e).whiteSpace};
})"""

NAV = """(nav) => ({overflows: nav.scrollWidth > nav.clientWidth + 1,
  mask: getComputedStyle(nav).maskImage || getComputedStyle(nav).webkitMaskImage,
  last: nav.lastElementChild.getBoundingClientRect().right,
  right: nav.getBoundingClientRect().right})"""


def check_codes_whole(page, width):
    codes = page.locator(".code, td a[href^='/l/']").evaluate_all(CODES_WHOLE)
    assert codes, "no code on the page"
    for code in codes:
        assert code["lines"] == 1 and code["wrap"] == "nowrap", code
        assert code["right"] <= width, code


def check_table(page, size, words):
    """The location's table: cards on the phone, a table at 1024."""
    first = page.locator("table tbody tr").first
    cells = first.locator("td")
    assert [cells.nth(i).get_attribute("data-label") for i in range(4)] == words["columns"]
    shape = cells.first.evaluate("""(td) => ({row: getComputedStyle(td.parentElement).display,
      cell: getComputedStyle(td).display, before: getComputedStyle(td, '::before').content,
      head: td.closest('table').tHead.getBoundingClientRect().height})""")
    if size == "phone":
        assert shape["row"] == "block" and shape["cell"] == "flex", shape
        assert shape["before"] == f'"{words["columns"][0]}"' and shape["head"] <= 1, shape
        # The card's cells: the column's name on the left, its value on the right.
        label_then_value = cells.nth(3).evaluate("""(td) => {
          const cell = td.getBoundingClientRect();
          return td.textContent.trim() && cell.width > 0 && cell.height < 80;
        }""")
        assert label_then_value
    else:
        assert shape["row"] == "table-row" and shape["cell"] == "table-cell", shape
        assert shape["before"] == "none" and shape["head"] > 20, shape
        heads = page.locator("table thead th").all_inner_texts()
        assert heads == words["columns"]


def check_nav(page, size, words, *, fits=False):
    """More tasks beyond the edge: a fade says so; when they all fit, no fade."""
    nav = page.locator(".bar nav")
    state = nav.evaluate(NAV)
    assert state["overflows"] is not fits, state
    if state["overflows"]:
        assert "linear-gradient" in state["mask"], state
        # Scrolled to its end, the last task shows whole, without the fade.
        nav.evaluate("(n) => { n.scrollLeft = n.scrollWidth; }")
        page.wait_for_function("""() => {
          const n = document.querySelector('.bar nav');
          const mask = getComputedStyle(n).maskImage || getComputedStyle(n).webkitMaskImage;
          return Math.ceil(n.scrollLeft + n.clientWidth) >= n.scrollWidth && mask === 'none';
        }""")
        expect(nav.get_by_role("link", name=words["more"], exact=True)).to_be_in_viewport()
        state = nav.evaluate(NAV)
        assert state["last"] <= state["right"] + 1, state
        nav.evaluate("(n) => { n.scrollLeft = 0; }")
    else:
        assert state["mask"] == "none", state
        assert state["last"] <= state["right"] + 1, state


@pytest.mark.parametrize("size, lang", MATRIX)
def test_tables_codes_and_navigation(live, shop, new_page, size, lang):
    words, width = WORDS[lang], SIZES[size]["width"]
    page, errors = open_page(new_page, "operator", size, lang, "/loc/STORE")
    assert page.evaluate("document.documentElement.lang") == lang
    check_table(page, size, words)
    check_codes_whole(page, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # An operator's tasks all fit on a tablet in English; the longer French names do not.
    check_nav(page, size, words, fits=(size, lang) == ("tablet", "en"))
    page.screenshot(path=str(SCREENSHOTS / f"layout-location-{size}-{lang}.png"),
                    full_page=True)

    page.goto(f"/l/{shop['wax_soon']}")
    check_codes_whole(page, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors() == []


@pytest.mark.parametrize("size, lang", MATRIX)
def test_enter_on_the_recipe_form_saves(live, shop, new_page, size, lang):
    words = WORDS[lang]
    page, errors = open_page(new_page, "manager", size, lang, "/production/recipes/CANDLE")
    form = page.locator("#recipe-form")
    first = form.locator("button[type=submit]").first
    expect(first).to_have_text(words["save"])
    assert first.get_attribute("name") is None  # the save button, not Recalculate
    check_nav(page, size, words)  # a manager's tasks: more than fit, even at 1024
    field = form.locator("input[name=labour_minutes]")
    field.fill("12")
    with page.expect_navigation():
        with page.expect_request(lambda r: r.method == "POST" and "/recipes/" in r.url) as sent:
            field.press("Enter")
    assert "preview=1" not in (sent.value.post_data or "")
    expect(page.locator(".flash.success")).to_have_text(re.compile(words["saved"]))
    page.screenshot(path=str(SCREENSHOTS / f"layout-recipe-{size}-{lang}.png"), full_page=True)
    assert errors() == []


CELLS = """() => Array.from(document.querySelectorAll('main table tbody td')).filter(
  (td) => !td.hasAttribute('data-label') && !td.hasAttribute('colspan') && td.textContent.trim()
).map((td) => td.closest('table').previousElementSibling.textContent + ': ' + td.textContent)"""


@pytest.mark.parametrize("size, lang", MATRIX)
def test_a_production_order_on_a_phone(live, shop, new_page, size, lang):
    words, width = WORDS[lang], SIZES[size]["width"]
    with live.db():
        number = production.plan_order(item="CANDLE", quantity="10").number
    page, errors = open_page(new_page, "manager", size, lang, f"/production/orders/{number}")
    # Every cell with something in it says which column it belongs to.
    assert page.evaluate(CELLS) == []
    suggested = page.locator("td[data-label]").filter(has=page.locator("a[href^='/l/']")).first
    expect(suggested).to_have_attribute("data-label", words["suggested"])
    check_codes_whole(page, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    cost = page.locator("main table").last
    planned = cost.locator("tbody tr").first.locator("td").first
    if size == "phone":
        assert planned.evaluate("(td) => getComputedStyle(td, '::before').content") == (
            f'"{words["planned"]}"')
        heading = cost.locator("tbody th").first.bounding_box()
        assert heading["width"] > width / 2  # the row's name heads its card
    else:
        assert planned.evaluate("(td) => getComputedStyle(td).display") == "table-cell"
    page.screenshot(path=str(SCREENSHOTS / f"layout-order-{size}-{lang}.png"), full_page=True)
    # The same order at the station: its suggested lots' codes stay whole too.
    page.goto(f"/station/{number}")
    check_codes_whole(page, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors() == []
