"""Phone layout on a narrow phone (340 px) and without script: lot codes stay whole, tables
become stacked cards under 480 px, the scrolling navigation shows there is more. The same
at phone and tablet size in both languages, the login checkbox and Enter on the recipe
form: test_floor_matrix_layout.py and test_first_run.py."""

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS

NARROW = {"width": 340, "height": 740}


def watch_errors(page):
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_tables_are_cards_codes_stay_whole_and_the_nav_fades(live, shop, new_page):
    code = shop["wax_soon"]
    page = new_page("operator", viewport=NARROW, next_path=f"/l/{code}")
    errors = watch_errors(page)
    page.reload()
    cell = page.locator("table tbody tr").first.locator("td").first
    expect(cell).to_have_attribute("data-label", "Location")
    assert cell.evaluate("(td) => getComputedStyle(td.parentElement).display") == "block"
    assert cell.evaluate("(td) => getComputedStyle(td, '::before').content") == '"Location"'
    assert page.locator("thead").first.bounding_box()["height"] <= 1
    # The page is no wider than the phone: the table does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    # The lot code, in the title and in the tables, on one line.
    for element in page.locator(".code").all()[:5]:
        if element.is_visible():
            assert element.evaluate("(e) => e.getClientRects().length") == 1
            assert element.evaluate("(e) => getComputedStyle(e).whiteSpace") == "nowrap"
    nav = page.locator(".bar nav")
    assert nav.evaluate("(n) => n.scrollWidth > n.clientWidth")
    mask = nav.evaluate(
        "(n) => getComputedStyle(n).maskImage || getComputedStyle(n).webkitMaskImage")
    assert "linear-gradient" in mask
    page.screenshot(path=str(SCREENSHOTS / "lot-phone-narrow.png"), full_page=True)
    # Wider than 480 px: an ordinary table again.
    page.set_viewport_size({"width": 600, "height": 800})
    assert cell.evaluate("(td) => getComputedStyle(td).display") == "table-cell"
    assert errors == []


def test_shop_floor_tables_carry_their_labels_without_script(live, shop, new_page):
    page = new_page(None, viewport=NARROW, java_script_enabled=False)
    page.goto("/login?next=/loc/STORE")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", "operator-password")
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")
    cells = page.locator("table tbody tr").first.locator("td")
    assert [cells.nth(i).get_attribute("data-label") for i in range(4)] == [
        "Lot", "Item", "Expiry", "Quantity"]
    assert cells.first.evaluate("(td) => getComputedStyle(td, '::before').content") == '"Lot"'
