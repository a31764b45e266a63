"""Labels that phones can open: with no KRAFTE_BASE_URL, a label printed from a browser
on localhost / 127.0.0.1 carries the machine's LAN address (KRAFTE_LAN_URL, which `make
run` sets from hostname -I); the settings page says which address labels carry."""

from contextlib import contextmanager

from krafte_pwa.scan.decode import decode_image
from tests.browser.conftest import PHONE

LAN = "http://192.168.1.50:8000/"


@contextmanager
def lan_config(live, base="", lan=LAN):
    before = {k: live.app.config.get(k) for k in ("BASE_URL", "LAN_URL")}
    live.app.config.update(BASE_URL=base, LAN_URL=lan)
    try:
        yield
    finally:
        live.app.config.update(before)


def test_labels_printed_on_localhost_carry_the_lan_address(live, shop, new_page):
    code = shop["wax_soon"]
    page = new_page("admin", viewport=PHONE)
    with lan_config(live):
        page.goto("/settings")
        shown = page.locator("[data-label-base]")
        assert LAN in shown.inner_text()
        assert "local network" in shown.inner_text()
        label = page.request.get(f"/labels/lots/{code}.png?size=62x29&dpi=300")
        assert label.status == 200
        payloads = [d.payload for d in decode_image(label.body())]
        assert f"{LAN}l/{code}" in payloads, payloads
        answer = page.request.post("/api/v1/scan", data={"payload": code}, headers={
            "X-CSRFToken": page.locator('meta[name="csrf-token"]').get_attribute("content")})
        assert answer.json()["url"] == f"{LAN}l/{code}"
    with lan_config(live, base="https://krafte.example.com/"):
        page.goto("/settings")
        assert "https://krafte.example.com/" in page.locator("[data-label-base]").inner_text()
        assert "KRAFTE_BASE_URL" in page.locator("[data-label-base]").inner_text()
    with lan_config(live, lan=""):
        page.goto("/settings")
        assert live.url in page.locator("[data-label-base]").inner_text()


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
