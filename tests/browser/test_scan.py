"""Scan anything: live camera (fake device fed a label the app rendered), a phone photo,
a keyboard wedge; a hit routes to the page; sound and vibration tell success from
failure."""

import json
import re
from decimal import Decimal

from playwright.sync_api import expect
from sqlalchemy import select

from krafte_pwa.models import Balance, Location, Lot
from tests.browser.conftest import PHONE, login
from tests.browser.images import label_video, phone_photo

# Records vibrations and beeps in sessionStorage, which survives the navigation a hit makes.
FEEDBACK_PROBE = """(() => {
  const log = (key, value) => {
    const all = JSON.parse(sessionStorage.getItem(key) || "[]");
    all.push(value);
    sessionStorage.setItem(key, JSON.stringify(all));
  };
  navigator.vibrate = (pattern) => { log("vibrate", pattern); return true; };
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    log("tone", this.frequency.value);
    return start.apply(this, args);
  };
})();"""


def feedback(page, key):
    return json.loads(page.evaluate(f"sessionStorage.getItem('{key}') || '[]'"))


def label_png(page, code):
    response = page.request.get(f"/labels/lots/{code}.png?size=62x29&dpi=300")
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    return response.body()


def test_live_camera_without_the_device_decoder_sends_frames_to_the_server(live, shop, new_page,
                                                                           launch, tmp_path):
    """The on-device decoder (test_scan_offline.py) could not load: the server decodes."""
    code = shop["wax_soon"]
    page = new_page("operator")
    video = label_video(label_png(page, code), tmp_path / "label.y4m")
    browser = launch(extra_args=["--use-fake-device-for-media-stream",
                                 "--use-fake-ui-for-media-stream",
                                 f"--use-file-for-fake-video-capture={video}"])
    context = browser.new_context(base_url=live.url, viewport=PHONE, service_workers="block",
                                  permissions=["camera"])
    context.add_init_script(FEEDBACK_PROBE)
    context.route("**/static/vendor/**", lambda route: route.abort())
    camera_page = context.new_page()
    login(camera_page, live.url, "operator", "/scan")
    frames = []
    camera_page.on("request", lambda r: "/api/v1/scan/image?live=1" in r.url and frames.append(r))
    assert camera_page.evaluate("'BarcodeDetector' in window") is False  # frames go to the server
    camera_page.get_by_role("button", name="Camera").click()
    camera_page.wait_for_url(re.compile(rf"/l/{code}$"))
    assert camera_page.locator("h1").inner_text().startswith(code)
    assert frames, "the frames went to /api/v1/scan/image?live=1"
    assert feedback(camera_page, "vibrate") == [80]
    context.close()


# Desktop Chromium on Linux has no BarcodeDetector; phones do. This stands in for the
# browser's detector (it reports the label once the camera shows frames) to check that the
# page uses it and sends no frame to the server.
DETECTOR_STAND_IN = """(() => {
  window.detectorCalls = 0;
  window.BarcodeDetector = class {
    static async getSupportedFormats() { return ["qr_code", "ean_13", "data_matrix"]; }
    constructor(options) { window.detectorFormats = options.formats; }
    async detect(source) {
      window.detectorCalls += 1;
      if (!(source instanceof HTMLVideoElement) || !source.videoWidth) return [];
      return window.detectorCalls < 3 ? [] : [{rawValue: PAYLOAD, format: "qr_code"}];
    }
  };
})();"""


def test_live_camera_uses_the_browsers_barcode_detector_where_it_exists(live, shop, launch):
    code = shop["wax_soon"]
    browser = launch(extra_args=["--use-fake-device-for-media-stream",
                                 "--use-fake-ui-for-media-stream"])
    context = browser.new_context(base_url=live.url, viewport=PHONE, service_workers="block",
                                  permissions=["camera"])
    context.add_init_script(DETECTOR_STAND_IN.replace(
        "PAYLOAD", json.dumps(f"https://krafte.example/l/{code}")))
    page = context.new_page()
    login(page, live.url, "operator", "/scan")
    frames = []
    page.on("request", lambda r: "/api/v1/scan/image" in r.url and frames.append(r))
    page.get_by_role("button", name="Camera").click()
    page.wait_for_url(re.compile(rf"/l/{code}$"))
    assert page.locator("h1").inner_text().startswith(code)
    assert frames == []  # decoded on the phone
    context.close()


def test_photo_of_a_label_routes_to_the_lot(live, shop, new_page):
    code = shop["oil"]
    page = new_page("operator", next_path="/scan")
    photo = phone_photo(label_png(page, code))
    page.locator("[data-photo]").set_input_files(
        files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": photo}])
    page.wait_for_url(re.compile(rf"/l/{code}$"))
    assert code in page.locator("h1").inner_text()


def test_photo_without_a_barcode_says_so(live, shop, new_page):
    page = new_page("operator", next_path="/scan")
    page.add_init_script(FEEDBACK_PROBE)
    page.reload()
    page.locator("[data-photo]").set_input_files(files=[{
        "name": "floor.jpg", "mimeType": "image/jpeg",
        "buffer": phone_photo(_blank_png())}])
    status = page.locator("#scan [data-status]")
    status.and_(page.locator(".fail")).wait_for()
    assert "No barcode" in status.inner_text()
    assert feedback(page, "vibrate") == [[200, 100, 200]]


def _blank_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 140), "white").save(out, "PNG")
    return out.getvalue()


def test_keyboard_wedge_types_a_lot_url_and_enter_opens_it(live, shop, new_page):
    code = shop["wick"]
    page = new_page("operator", next_path="/scan")
    page.add_init_script(FEEDBACK_PROBE)
    page.reload()
    # ready for the scanner: the field has focus once the page's script has run
    page.wait_for_function("document.activeElement && document.activeElement.id === 'scan-text'")
    page.keyboard.type(f"{live.url}/l/{code}", delay=2)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/l/{code}$"))
    assert feedback(page, "vibrate") == [80]
    assert feedback(page, "tone")[0] > 1000  # the high beep


def test_wedge_with_an_unknown_code_fails_loudly_and_stays(live, shop, new_page):
    page = new_page("operator", next_path="/scan")
    page.add_init_script(FEEDBACK_PROBE)
    page.reload()
    # the scan field takes focus once the page's script has run
    page.wait_for_function("document.activeElement && document.activeElement.id === 'scan-text'")
    page.keyboard.type("NO-SUCH-THING", delay=2)
    page.keyboard.press("Enter")
    status = page.locator("#scan [data-status].fail")
    status.wait_for()
    assert "NO-SUCH-THING" in status.inner_text()
    assert page.url.endswith("/scan")
    assert feedback(page, "vibrate") == [[200, 100, 200]]
    assert feedback(page, "tone")[:2] == [220, 180]  # the low double tone


def scanner_burst(page, text: str):
    """A hardware scanner typing while no field has the focus: the keys, then Enter, in one
    burst, as the scanner sends them. Typed by Playwright, each key waits for the page's
    answer, and on a loaded machine a gap can pass the 100 ms that tells a scanner from
    a person typing (the code then arrives cut)."""
    page.evaluate("""(text) => {
      for (const key of [...text, "Enter"]) {
        document.body.dispatchEvent(new KeyboardEvent("keydown", {key: key, bubbles: true}));
      }
    }""", text)


def test_a_scanner_works_on_any_page_and_the_scan_button_is_one_tap_away(live, shop, new_page):
    code = shop["jar"]
    page = new_page("operator", next_path="/items/")
    page.locator("h1").click()  # nothing focused that takes text
    scanner_burst(page, f"{live.url}/l/{code}")
    page.wait_for_url(re.compile(rf"/l/{code}$"))
    page.locator("header .scan-button").click()
    page.wait_for_url(re.compile(r"/scan$"))
    box = page.locator("header .scan-button").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44


def test_a_scanner_typing_with_no_field_focused_fills_the_task_in_progress(live, shop,
                                                                           new_page):
    from playwright.sync_api import expect

    page = new_page("operator", next_path="/move")
    page.locator("h1").click()
    scanner_burst(page, f"{live.url}/l/{shop['jar']}")
    expect(page.locator("#move-form input[name=lot]")).to_have_value(shop["jar"])
    assert page.url.endswith("/move")


def test_a_hardware_scanner_moves_stock_lot_then_shelf_without_touching_the_screen(
        live, shop, new_page):
    """The wedge types into whatever has the focus: after the lot, the focus must be on
    the destination, so the shelf label lands there (not back in the lot field)."""
    wax = shop["wax_soon"]
    page = new_page("operator", next_path="/move")
    expect(page.locator("#move-lot-text")).to_be_focused()
    page.keyboard.type(f"{live.url}/l/{wax}")
    page.keyboard.press("Enter")
    page.locator("[data-lot-card] li").first.wait_for()  # the lot's stock is shown
    expect(page.locator("#move-lot [data-status]")).to_have_class(re.compile(r"\bok\b"))
    expect(page.locator("#move-to-text")).to_be_focused()
    page.keyboard.type(f"{live.url}/loc/SHELF")
    page.keyboard.press("Enter")
    expect(page.locator("#move-form select[name=to]")).to_have_value("SHELF")
    expect(page.locator("#move-form input[name=quantity]")).to_be_focused()
    page.keyboard.type("1000")
    page.keyboard.press("Enter")
    page.locator("[data-move-log] li.ok").wait_for()
    with live.db() as session:
        assert session.execute(
            select(Balance.quantity).join(Lot, Lot.id == Balance.lot_id)
            .join(Location, Location.id == Balance.location_id)
            .where(Lot.code == wax, Location.code == "SHELF")).scalar() == Decimal(1000)
