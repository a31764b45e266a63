"""The office's planning in a browser at tablet size (1024×768), in English and French:
a three-level soap bar short of one material (olive oil), "Can I make it?", the plan made
from it with its sub-orders, the order page's links, then what to buy and make and the
buy list drafted. Screenshots of each step in tests/browser/screenshots/."""

import pytest

from krafte_pwa.services.users import create_user
from tests.browser.conftest import SCREENSHOTS, use_language
from tests.conftest import reset_database
from tests.planning_factories import soap_workshop

TABLET_LANDSCAPE = {"width": 1024, "height": 768}
TEXT = {
    "en": {"make": "Can I make it?", "short": "Not from stock", "linked": "Linked orders",
           "draft": "Draft purchase orders made", "check": "Check"},
    "fr": {"make": "Puis-je le fabriquer ?", "short": "Pas avec le stock",
           "linked": "Ordres liés", "draft": "Commandes fournisseurs préparées",
           "check": "Vérifier"},
}


@pytest.fixture
def soap(live):
    with live.db():
        reset_database()
        for name, role in (("manager", "manager"), ("operator", "operator")):
            create_user(username=name, password=f"{name}-password", role=role)
        soap_workshop()


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET_LANDSCAPE["width"], f"{page.url} is {width} px wide"


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_can_i_make_it_plan_and_buy_at_tablet_size(live, soap, new_page, locale):
    words = TEXT[locale]
    page = new_page("manager", viewport=TABLET_LANDSCAPE, locale=locale)
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/items/BAR")
    if locale != "en":
        use_language(page, live.url, locale)
    page.get_by_role("link", name=words["make"]).click()
    page.fill("#make-form input[name=quantity]", "100")
    with page.expect_navigation():
        page.get_by_role("button", name=words["check"]).click()
    assert words["short"] in page.inner_text("[data-feasible]")
    assert page.inner_text("[data-max]").replace("\u202f", " ").startswith("74")
    assert "OLIVE" in page.inner_text("[data-shortages]")
    to_make = page.inner_text("[data-to-produce]")
    assert "LYE-OIL" in to_make and "MIX" in to_make
    _fits(page)
    page.screenshot(path=SCREENSHOTS / f"tablet-{locale}-planning-can-i-make.png",
                    full_page=True)
    with page.expect_navigation():
        page.click("form[action$='/planning/make/BAR'] button[type=submit]")
    assert "/production/orders/MO-" in page.url
    linked = page.inner_text("[data-linked-orders]")
    assert words["linked"] in linked and "MIX" in linked
    assert page.locator("[data-waits]").count() == 1
    _fits(page)
    page.screenshot(path=SCREENSHOTS / f"tablet-{locale}-planning-order.png", full_page=True)
    page.goto("/planning/")
    assert "OLIVE" in page.inner_text("[data-to-buy]")
    assert page.locator("[data-to-make] tbody tr").count() == 1  # nothing to make: planned
    _fits(page)
    page.screenshot(path=SCREENSHOTS / f"tablet-{locale}-planning-suggestions.png",
                    full_page=True)
    with page.expect_navigation():
        page.click("form[action$='/planning/purchase-orders'] button[type=submit]")
    assert words["draft"] in page.inner_text("main")
    assert page.locator("[data-to-buy]").count() == 0
    assert errors == []
