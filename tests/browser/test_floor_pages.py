"""Every page an operator can open shows no cost or value (in both languages, API answers
included); screenshots of the main pages at phone and tablet sizes in English and French
for a person to look at; touch targets of at least 44 px."""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from krafte_pwa.services import production
from tests.browser.conftest import PHONE, SCREENSHOTS, TABLET

SKIP = ("/labels/", "/static/", "/api/", "/icons/", "/logout", "/sw.js", "/manifest",
        "/language")
FILES = re.compile(r"[?&]format=|\.(csv|pdf|png|zpl)$")
MONEY = re.compile(r"€|\$|\bcosts?\b|\bco[uû]ts?\b|\bvalue\b|\bvaleur\b|\bprice\b|\bprix\b"
                   r"|\bmargin\b|\bmarge\b", re.IGNORECASE)
# In the HTML (attributes, JSON blobs for the scripts): money fields by their names.
MONEY_FIELDS = re.compile(r"€|unit_cost|\bcosts?\b|sale_price|valuation|overhead|labour_rate",
                          re.IGNORECASE)


@pytest.fixture
def batches(live, shop):
    """Three candle orders: one planned, one in progress, one completed (its output lot
    carries a cost an operator must not see)."""
    with live.db():
        planned = production.plan_order(item="CANDLE", quantity="5").number
        running = production.plan_order(item="CANDLE", quantity="5").number
        production.start_order(number=running)
        done = production.plan_order(item="CANDLE", quantity="5").number
        production.start_order(number=done)
        output = production.complete_order(number=done, quantity="5",
                                           location="SHELF").output_lot.code
    return {"planned": planned, "running": running, "done": done, "output": output}


def crawl(page, live, starts, limit):
    """Breadth first over the links of the app's pages, from `starts`; yields each page
    opened (status 200) while it is displayed."""
    seen, queue, opened = set(starts), deque(starts), 0
    while queue and opened < limit:
        path = queue.popleft()
        try:
            response = page.goto(path)
        except PlaywrightError as exc:  # a file (CSV export...), not a page
            assert "Download is starting" in str(exc), exc
            continue
        if response.status != 200:
            continue  # a page the operator may not open (403) is not shown to them
        opened += 1
        yield path
        for href in page.eval_on_selector_all("a[href]", "(els) => els.map((a) => a.href)"):
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != live.url:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen and not target.startswith(SKIP) and not FILES.search(target):
                seen.add(target)
                queue.append(target)


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_an_operator_sees_no_cost_on_any_page(live, shop, batches, new_page, locale):
    page = new_page("operator", viewport=TABLET, locale=locale)
    answers = []
    page.on("response", lambda r: "/api/" in r.url and answers.append((r.url, r.text())))
    starts = ["/", "/alerts", "/scan", "/queue", "/receive", "/move",
              f"/move?lot={batches['output']}",
              "/station", *(f"/station/{batches[k]}" for k in ("planned", "running", "done")),
              f"/l/{batches['output']}", f"/production/trace/{batches['output']}"]
    opened = []
    for path in crawl(page, live, starts, limit=70):
        text = page.locator("body").inner_text()
        found = MONEY.search(text) or MONEY_FIELDS.search(page.content())
        assert not found, f"{path} shows {found.group(0)!r}"
        opened.append(path)
    assert len(opened) >= 30, opened
    for must in ("/", "/alerts", "/receive", "/move", "/scan", "/queue", "/station", "/items/",
                 f"/l/{shop['wax_soon']}", "/loc/STORE", f"/station/{batches['done']}"):
        assert must in opened, must
    assert answers, "the move page asked the API about the lot"
    for url, text in answers:
        assert not MONEY_FIELDS.search(text), url


MAIN_PAGES = [
    ("home", "/"), ("scan", "/scan"), ("receive", "/receive"), ("move", "/move?lot={wax}"),
    ("queue", "/queue"), ("lot", "/l/{wax}"), ("location", "/loc/STORE"),
    ("items", "/items/"), ("item", "/items/WAX"), ("station", "/station"),
    ("station-planned", "/station/{planned}"), ("station-running", "/station/{running}"),
    ("station-done", "/station/{done}"),
]


@pytest.mark.parametrize("size", ["phone", "tablet"])
def test_screenshots_of_the_main_pages(live, shop, batches, new_page, size):
    SCREENSHOTS.mkdir(exist_ok=True)
    viewport = PHONE if size == "phone" else TABLET
    values = {"wax": shop["wax_soon"], **batches}
    for locale in ("en", "fr"):
        page = new_page("manager" if size == "tablet" else "operator", viewport=viewport,
                        locale="fr-FR" if locale == "fr" else "en-GB")
        for name, path in MAIN_PAGES:
            response = page.goto(path.format(**values))
            assert response.status == 200, path
            if name == "move":
                page.locator("[data-lot-card] li").first.wait_for()
            page.screenshot(path=SCREENSHOTS / f"{size}-{locale}-{name}.png", full_page=True)
            small = page.evaluate(TOO_SMALL)
            assert not small, f"{path}: targets under 44 px: {small}"
            wide = page.evaluate("document.documentElement.scrollWidth > innerWidth + 1")
            assert not wide, f"{path} scrolls sideways at {size} size"


# Buttons, inputs, selects, and links that stand alone (header, lists, table cells) are
# at least 44 px tall: gloves. Links inside running text are not counted.
TOO_SMALL = """() => {
  const out = [];
  const targets = "main button, main input:not([type=hidden]):not([type=file]), main select," +
    " main .button, header a, .list a, td a, .foot button";
  for (const el of document.querySelectorAll(targets)) {
    // a check box is tapped through the label around it
    const box = el.matches("input[type=checkbox], input[type=radio]") && el.closest("label");
    const r = (box || el).getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || el.closest("[hidden]")) continue;  // not shown
    if (r.height < 43.5) {
      const name = (el.textContent || el.name || "").trim().slice(0, 30);
      out.push(`${el.tagName} ${name} ${Math.round(r.height)}`);
    }
  }
  return out;
}"""
