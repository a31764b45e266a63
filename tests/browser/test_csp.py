"""The Content-Security-Policy (no inline script or style) breaks nothing: the main pages,
opened by a manager and by an operator in Chromium, with the service worker running and
their scripts used (scan, live recipe cost, the recipe box, the offline page), raise no
CSP violation and no script error."""

import re

import pytest
from playwright.sync_api import expect

from krafte_pwa.services import counts, production
from krafte_pwa.services.users import get_user
from tests.browser.conftest import TABLET, login, wait_for_worker

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} `
                    + `at ${e.sourceFile || location.pathname}:${e.lineNumber}`);
});
"""


class Watch:
    """CSP violations (the DOM event, and Chromium's console report) and script errors."""

    def __init__(self, page):
        self.page, self.console, self.errors = page, [], []
        page.context.add_init_script(WATCH)
        page.on("console", lambda m: "Content Security Policy" in m.text
                and self.console.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))

    def check(self, path):
        self.page.wait_for_timeout(200)  # the violation event is queued as a task
        violations = self.page.evaluate("window.__csp || ['no watcher in this page']")
        assert violations == [], f"{path}: {violations}"
        assert self.console == [], self.console
        assert self.errors == [], self.errors


@pytest.fixture
def workshop(live, shop):
    with live.db():
        planned = production.plan_order(item="CANDLE", quantity="5").number
        running = production.plan_order(item="CANDLE", quantity="5").number
        production.start_order(number=running)
        manager_id = get_user("manager").id
        count = counts.open_count(location="SHELF", user_id=manager_id)[0].number
    return dict(shop, planned=planned, running=running, count=count)


def pages(w) -> list[str]:
    return ["/", "/alerts", "/scan", "/receive", "/move", f"/move?lot={w['wax_soon']}",
            "/queue", "/station", f"/station/{w['planned']}", f"/station/{w['running']}",
            f"/l/{w['wax_soon']}", "/loc/STORE", "/locations", "/items", "/items/WAX",
            "/counts/", f"/counts/{w['count']}", f"/production/trace/{w['wax_soon']}",
            "/production/", f"/production/orders/{w['running']}", "/production/recipes",
            "/production/recipes/CANDLE", "/shipments/", "/purchasing/", "/menu",
            "/reports/", "/reports/stock-level?item=WAX", "/reports/movements",
            "/reports/accounting", "/reports/turnover", "/settings/", "/offline"]


@pytest.mark.parametrize("user", ["manager", "operator"])
def test_main_pages_raise_no_csp_violation(live, workshop, browser, user):
    context = browser.new_context(base_url=live.url, viewport=TABLET,
                                  service_workers="allow")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        watch = Watch(page)
        page.goto("/login")
        watch.check("/login")
        login(page, live.url, user)
        assert wait_for_worker(page) == "activated"  # /sw.js registered and running
        watch.check("/ (with its service worker)")
        opened = 0
        for path in pages(workshop):
            response = page.goto(path)
            assert response.status in (200, 403), (path, response.status)
            opened += response.status == 200
            watch.check(path)
        assert opened >= (30 if user == "manager" else 20), opened

        # Scripts moved out of the templates still do their work.
        page.goto("/scan")
        field = page.locator("#scan-text")
        field.fill(workshop["wax_later"])
        with page.expect_navigation(url=re.compile(r"/l/")):
            field.press("Enter")
        watch.check("/scan, then a scanned lot")
        page.goto("/offline")
        with page.expect_navigation():
            page.get_by_role("button", name="Try again").click()
        watch.check("/offline, reloaded")
        if user == "manager":
            page.goto("/production/recipes")
            page.locator("form[data-recipe-jump] input[name=sku]").fill("CANDLE")
            with page.expect_navigation(url=re.compile(r"/production/recipes/CANDLE$")):
                page.locator("form[data-recipe-jump] button").click()
            cost = page.locator("#cost-per-unit")
            before = cost.inner_text()
            with page.expect_response(re.compile(r"/production/recipes/CANDLE/cost$")):
                page.locator("input[name=yield_quantity]").fill("2")
            expect(cost).not_to_have_text(before)
            watch.check("/production/recipes/CANDLE, live cost")
    finally:
        context.close()
