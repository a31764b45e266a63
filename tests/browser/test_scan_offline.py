"""The live camera decodes on the phone itself (zxing-cpp compiled to WebAssembly, vendored
under static/vendor) when the browser has no BarcodeDetector, loaded from our own static
path, cached by the service worker at first use, so it keeps reading labels offline. At
phone and tablet size, in English and French."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, TIMEOUT_MS, login, wait_for_worker
from tests.browser.images import label_video
from tests.browser.test_floor_matrix import BROWSER_LOCALE, MATRIX, SIZES
from tests.browser.test_offline import transfers

WORDS = {"en": {"camera": "Camera", "move": "Move"},
         "fr": {"camera": "Caméra", "move": "Déplacer"}}


@pytest.mark.parametrize("size, lang", MATRIX)
def test_camera_decodes_on_the_device_offline_and_queues_a_move(live, shop, new_page, launch,
                                                                 tmp_path, size, lang):
    code, words = shop["wax_soon"], WORDS[lang]
    label = new_page("operator").request.get(f"/labels/lots/{code}.png?size=62x29&dpi=300")
    assert label.status == 200
    video = label_video(label.body(), tmp_path / "label.y4m")
    browser = launch(extra_args=["--use-fake-device-for-media-stream",
                                 "--use-fake-ui-for-media-stream",
                                 f"--use-file-for-fake-video-capture={video}"])
    context = browser.new_context(base_url=live.url, viewport=SIZES[size],
                                  locale=BROWSER_LOCALE[lang], service_workers="allow",
                                  permissions=["camera"])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors, frames, elsewhere, decoder = [], [], [], []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    context.on("request", lambda r: (
        frames.append(r.url) if "/api/v1/scan/image" in r.url
        else elsewhere.append(r.url) if not r.url.startswith(live.url)
        else decoder.append(r.url) if "/static/vendor/" in r.url else None))
    login(page, live.url, "operator", "/move")
    assert wait_for_worker(page) == "activated"
    assert page.evaluate("'BarcodeDetector' in window") is False  # desktop Chromium on Linux

    lot_field = page.locator("#move-form input[name=lot]")
    camera = page.locator("#move-lot [data-camera]")
    expect(camera).to_have_text(words["camera"])
    # Online, first use: the decoder loads from our static folder and the worker keeps it.
    camera.click()
    expect(lot_field).to_have_value(code)
    assert any("/static/vendor/zxing-wasm/zxing_reader.wasm" in u for u in decoder), decoder
    assert any("/static/vendor/barcode-detector/ponyfill.js" in u for u in decoder), decoder
    page.wait_for_function("""async () => {
      const names = await caches.keys();
      for (const name of names.filter((n) => n.startsWith("krafte-shell-"))) {
        const keys = await (await caches.open(name)).keys();
        if (keys.some((r) => r.url.includes("zxing_reader.wasm"))) return true;
      }
      return false;
    }""", polling=200)

    # Offline: the page and the decoder come from the cache, the camera still reads.
    context.set_offline(True)
    assert page.reload().from_service_worker
    assert page.evaluate("fetch('/pwa/token').then(() => 'network', () => 'none')") == "none"
    expect(lot_field).to_have_value("")
    camera.click()
    expect(lot_field).to_have_value(code)
    page.locator("#move-to-text").fill(f"{live.url}/loc/SHELF")
    page.locator("#move-to-text").press("Enter")
    form = page.locator("#move-form")
    expect(form.locator("select[name=to]")).to_have_value("SHELF")
    form.locator("select[name=from]").select_option("STORE")
    form.locator("input[name=quantity]").fill("250")
    form.get_by_role("button", name=words["move"], exact=True).click()
    page.locator("[data-move-log] li.queued").wait_for()
    page.screenshot(path=str(SCREENSHOTS / f"scan-offline-{size}-{lang}.png"), full_page=True)
    expect(page.locator("[data-queue-count]")).to_have_text("1")
    assert transfers(live, code) == 0

    # Back online, the queued move goes through once.
    context.set_offline(False)
    expect(page.locator("[data-queue-count]").first).to_have_text("0")
    assert transfers(live, code) == 1
    assert frames == []  # every frame was decoded on the device
    assert elsewhere == []  # no CDN
    # Chromium logs each request that met no network; anything else is ours.
    assert [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
    context.close()
