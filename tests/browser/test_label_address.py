"""Labels that phones can open: with no KRAFTE_BASE_URL, a label printed from a browser
on localhost / 127.0.0.1 carries the machine's LAN address (KRAFTE_LAN_URL, which `make
run` sets from hostname -I); the settings page says which address labels carry."""

from contextlib import contextmanager

import pytest

from krafte_pwa.scan.decode import decode_image
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_floor_matrix import MATRIX, SIZES, open_page

LAN = "http://192.168.1.50:8000/"


@contextmanager
def lan_config(live, base="", lan=LAN):
    before = {k: live.app.config.get(k) for k in ("BASE_URL", "LAN_URL")}
    live.app.config.update(BASE_URL=base, LAN_URL=lan)
    try:
        yield
    finally:
        live.app.config.update(before)


LABEL_WORDS = {
    "en": {"opens": "QR codes on labels open:", "lan": "local network",
           "configured": "Set by KRAFTE_BASE_URL.", "request": "The address this page was"},
    "fr": {"opens": "Les QR codes des étiquettes ouvrent :", "lan": "réseau local",
           "configured": "Défini par KRAFTE_BASE_URL.",
           "request": "L’adresse avec laquelle cette page a été ouverte"},
}


def label_base_shown(page, size) -> str:
    """The settings page's sentence on the labels' address, which fits the screen."""
    page.goto("/settings")
    shown = page.locator("[data-label-base]")
    box = shown.locator(".code").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    return " ".join(shown.inner_text().split())


@pytest.mark.parametrize("size, lang", MATRIX)
def test_labels_printed_on_localhost_carry_the_lan_address(live, shop, new_page, size, lang):
    code, words = shop["wax_soon"], LABEL_WORDS[lang]
    page, errors = open_page(new_page, "admin", size, lang, "/")
    with lan_config(live):
        shown = label_base_shown(page, size)
        assert shown.startswith(words["opens"]) and LAN in shown and words["lan"] in shown
        page.screenshot(path=str(SCREENSHOTS / f"label-address-{size}-{lang}.png"),
                        full_page=True)
        label = page.request.get(f"/labels/lots/{code}.png?size=62x29&dpi=300")
        assert label.status == 200
        payloads = [d.payload for d in decode_image(label.body())]
        assert f"{LAN}l/{code}" in payloads, payloads
        answer = page.request.post("/api/v1/scan", data={"payload": code}, headers={
            "X-CSRFToken": page.locator('meta[name="csrf-token"]').get_attribute("content")})
        assert answer.json()["url"] == f"{LAN}l/{code}"
    with lan_config(live, base="https://krafte.example.com/"):
        shown = label_base_shown(page, size)
        assert "https://krafte.example.com/" in shown and words["configured"] in shown
    with lan_config(live, lan=""):
        shown = label_base_shown(page, size)
        assert live.url in shown and words["request"] in shown
    assert errors() == []


def test_a_request_on_the_lan_address_keeps_its_own(app, client, users):
    """Opened from a phone (not localhost): labels carry the address it used."""
    app.config.update(BASE_URL="", LAN_URL=LAN)
    from krafte_pwa.web.labels import label_base

    with app.test_request_context("/", base_url="http://10.0.0.7:8000"):
        assert label_base() == ("http://10.0.0.7:8000/", "request")
    with app.test_request_context("/", base_url="http://localhost:8000"):
        assert label_base() == (LAN, "lan")
    with app.test_request_context("/", base_url="http://[::1]:8000"):
        assert label_base() == (LAN, "lan")
