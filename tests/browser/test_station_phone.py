"""The production station at phone (390×844) and tablet (1024×768) size, in English and
French: on a phone the scan box comes before the pick list (on a tablet the list and the
scan box sit side by side, both on screen); a suggested lot's code typed without network is
ticked and reaches the server when the network returns; no page of an order (planned, in
progress, completed, each reloaded) raises a script error."""

import re

import pytest
from playwright.sync_api import expect

from krafte_pwa.services import production
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_floor_matrix import MATRIX, SIZES, WORDS, open_page, scanned, wait_until
from tests.browser.test_offline import started

TEXT = {
    "en": {"picked": "picked:", "wrong_order": "Scan a production order here.",
           "label": "Print the output label", "start": "Start {order} with 1 scanned lot",
           "cannot": "{order}: cannot start an order that is in progress"},
    "fr": {"picked": "prélevé :", "wrong_order": "Scannez un ordre de fabrication ici.",
           "label": "Imprimer l’étiquette du lot produit",
           "start": "Lancer {order} avec 1 lot scanné",
           "cannot": "{order} : impossible de lancer un ordre en cours"},
}


ONE_LINE = """(e) => {  // the lines its text takes
  const range = document.createRange();
  range.selectNodeContents(e);
  return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size === 1;
}"""


def check_layout(page, size, first, then):
    """On a phone `first` sits above `then`; on a tablet beside it, both on screen; the
    page never scrolls sideways."""
    a, b = page.locator(first).bounding_box(), page.locator(then).bounding_box()
    width, height = SIZES[size]["width"], SIZES[size]["height"]
    if size == "phone":
        assert a["y"] + a["height"] <= b["y"], (a, b)
    else:
        assert b["x"] + b["width"] <= a["x"] and a["y"] < height and b["y"] < height, (a, b)
    assert a["x"] + a["width"] <= width and b["x"] + b["width"] <= width, (a, b)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def scan(page, text):
    page.locator("#station-scan-text").fill(text)
    page.locator("#station-scan-text").press("Enter")


@pytest.mark.parametrize("size, lang", MATRIX)
def test_station_layout_offline_code_and_no_script_errors(live, shop, new_page, size, lang):
    words, text = WORDS[lang], TEXT[lang]
    with live.db():
        number = production.plan_order(item="CANDLE", quantity="10").number
    page, errors = open_page(new_page, "operator", size, lang, f"/station/{number}")
    check_layout(page, size, "#station-scan", "ol.picklist")
    expect(page.locator("#station-scan-text")).to_be_in_viewport()
    # A suggestion that wraps starts its second line with the location, not a lone "·".
    details = page.locator(".sugg li[data-lot] > span").all_inner_texts()
    assert details and all(d.startswith("STORE · ") for d in details), details
    # A requirement's quantity and SKU stay on one line ("200 ml", "FO-LAV").
    for part in page.locator(".req h3 .need, .req h3 .muted").all():
        assert part.evaluate(ONE_LINE), part.inner_text()
    scan(page, f"{live.url}/l/{shop['wick']}")
    expect(page.locator(f".sugg li[data-lot='{shop['wick']}']")).to_have_class("picked")

    # Offline, the code of a lot the page suggests, typed: ticked, sent when back online.
    page.context.set_offline(True)
    scan(page, shop["jar"].lower())
    status = page.locator("#station-scan [data-status]")
    expect(status).to_have_text(re.compile(re.escape(f"{shop['jar']} {text['picked']}")))
    expect(page.locator(f".sugg li[data-lot='{shop['jar']}']")).to_have_class("picked")
    page.context.set_offline(False)
    wait_until(page, lambda: scanned(live, number) == [shop["wick"], shop["jar"]],
               timeout=20)
    page.screenshot(path=str(SCREENSHOTS / f"station-planned-{size}-{lang}.png"),
                    full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name=words["start"]).click()
    expect(page.locator("h1 .status")).to_have_text(words["in_progress"])
    page.reload()
    check_layout(page, size, "#complete-form", ".station-list table")
    scan(page, shop["oil"])  # a lot, where only an order label is wanted
    expect(status).to_have_text(re.compile(re.escape(text["wrong_order"])))
    expect(page.locator("[data-scanlog]")).to_have_count(0)  # no lot is scanned any more
    page.screenshot(path=str(SCREENSHOTS / f"station-running-{size}-{lang}.png"),
                    full_page=True)
    form = page.locator("#complete-form")
    form.locator("[data-confirm-expiry]").check()  # the wax caps the expiry
    with page.expect_navigation():
        form.get_by_role("button", name=words["complete"]).click()
    expect(page.locator("h1 .status")).to_have_text(words["completed"])
    page.reload()
    expect(page.locator("[data-output-lot]")).to_be_visible()
    expect(page.locator("[data-scanlog]")).to_have_count(0)
    output = page.get_by_role("link", name=text["label"])
    expect(output).to_be_in_viewport()
    page.screenshot(path=str(SCREENSHOTS / f"station-completed-{size}-{lang}.png"),
                    full_page=True)
    page.goto("/station")
    assert errors() == []


def station_with_wick_picked(live, shop, new_page):
    """A planned candle order's station on a phone, in English, its wick lot scanned."""
    with live.db():
        number = production.plan_order(item="CANDLE", quantity="10").number
    page, errors = open_page(new_page, "operator", "phone", "en", f"/station/{number}")
    scan(page, f"{live.url}/l/{shop['wick']}")
    expect(page.locator(f".sugg li[data-lot='{shop['wick']}']")).to_have_class("picked")
    return page, errors, number


def start_while_offline(page):
    """Start tapped without network: saved in the queue."""
    page.context.set_offline(True)
    page.get_by_role("button", name=WORDS["en"]["start"]).click()
    expect(page.locator("[data-queue-count]").first).to_have_text("1")


def first_request_fails(page, pattern) -> list:
    """The next request matching `pattern` fails as a network error (online, no route);
    the URLs so failed are listed in the answer. The route is lifted by a message sent
    after the handler ran, so until then a request that follows waits for Playwright: wait
    through Playwright (expect, or wait_until), not in plain Python."""
    dropped = []

    def fails(route):
        dropped.append(route.request.url)
        route.abort("internetdisconnected")

    page.route(pattern, fails, times=1)
    return dropped


@pytest.mark.parametrize("size, lang", MATRIX)
def test_a_start_saved_offline_and_refused_later_says_why_at_the_station(live, shop, new_page,
                                                                          size, lang):
    """Started offline while someone else started it online: the refusal, with its reason,
    on the station page the operator is looking at, and on the queue page."""
    words, text = WORDS[lang], TEXT[lang]
    with live.db():
        number = production.plan_order(item="CANDLE", quantity="10").number
    page, errors = open_page(new_page, "operator", size, lang, f"/station/{number}")
    scan(page, f"{live.url}/l/{shop['wick']}")
    expect(page.locator(f".sugg li[data-lot='{shop['wick']}']")).to_have_class("picked")
    page.context.set_offline(True)
    page.get_by_role("button", name=words["start"]).click()
    expect(page.locator("[data-queue-count]").first).to_have_text("1")
    with live.db():
        production.start_order(number=number)
    page.context.set_offline(False)
    banner = page.locator("[data-refused-banner]")
    expect(banner.locator("strong")).to_have_text(words["refused"])
    expect(banner.locator("li")).to_have_text(
        text["start"].format(order=number) + " — " + text["cannot"].format(order=number))
    expect(banner).to_be_in_viewport()
    expect(page.locator("h1 .status")).to_have_text(words["in_progress"])  # as it now is
    page.screenshot(path=str(SCREENSHOTS / f"station-refused-{size}-{lang}.png"),
                    full_page=True)
    banner.get_by_role("link").click()
    refused = page.locator("[data-queue-list] > li.refused")
    expect(refused.locator(".reason")).to_have_text(text["cannot"].format(order=number))
    assert errors() == []


def test_a_start_saved_offline_shows_the_order_started_once_sent(live, shop, new_page):
    page, errors, number = station_with_wick_picked(live, shop, new_page)
    start_while_offline(page)
    expect(page.locator("h1 .status")).to_have_text("planned")
    page.context.set_offline(False)
    expect(page.locator("h1 .status")).to_have_text(WORDS["en"]["in_progress"])
    expect(page.locator("#complete-form")).to_be_visible()
    assert errors() == []


def test_a_replay_that_finds_no_route_yet_is_tried_again_within_seconds(live, shop, new_page):
    """The browser says it is online before requests get through (Wi-Fi joined, no route
    yet): the first replayed Start fails as a network error; it is sent again within
    seconds, not at the next 30-second round, and applied once."""
    page, errors, number = station_with_wick_picked(live, shop, new_page)
    start_while_offline(page)
    dropped = first_request_fails(page, "**/start")
    page.context.set_offline(False)
    expect(page.locator("h1 .status")).to_have_text(WORDS["en"]["in_progress"])
    assert len(dropped) == 1
    assert started(live, number)[0] == "in_progress"
    assert errors() == []


def test_picks_that_find_no_route_yet_are_sent_again_within_seconds(live, shop, new_page):
    """A lot ticked offline whose first send, once the browser says it is online, fails
    as a network error reaches the server within seconds, without another scan."""
    with live.db():
        number = production.plan_order(item="CANDLE", quantity="10").number
    page, errors = open_page(new_page, "operator", "phone", "en", f"/station/{number}")
    page.context.set_offline(True)
    scan(page, shop["jar"])
    expect(page.locator(f".sugg li[data-lot='{shop['jar']}']")).to_have_class("picked")
    dropped = first_request_fails(page, "**/station-picks")
    with page.expect_event("requestfailed"):  # the handler runs while Playwright waits
        page.context.set_offline(False)
    # The route is lifted by a message sent after its handler ran: Playwright must be
    # waiting for the request that follows to get through.
    wait_until(page, lambda: scanned(live, number) == [shop["jar"]], timeout=20)
    assert len(dropped) == 1
    assert errors() == []


def test_a_start_that_finds_no_route_while_online_is_sent_within_seconds(live, shop, new_page):
    """Start tapped where the phone thinks it is online but nothing gets through: saved,
    then sent on the quick schedule (no `online` event will come to prompt it)."""
    page, errors, number = station_with_wick_picked(live, shop, new_page)
    dropped = first_request_fails(page, "**/start")
    page.get_by_role("button", name=WORDS["en"]["start"]).click()
    expect(page.locator("h1 .status")).to_have_text(WORDS["en"]["in_progress"])
    assert len(dropped) == 1
    assert started(live, number)[0] == "in_progress"
    assert errors() == []
