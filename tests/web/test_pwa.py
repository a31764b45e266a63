"""The installable app and the shop-floor pages, without a browser: manifest, icons,
service worker, offline page, strings for the scripts in both languages, label URLs,
home tasks, the station, the move page's no-JavaScript fallback."""

import io
import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import g
from PIL import Image

from krafte_pwa.services import catalog, production, stock
from tests.factories import in_days, receive
from tests.production_factories import candle_batch_workshop

ROOT = Path(__file__).resolve().parents[2] / "krafte_pwa"


@pytest.fixture
def shop(app, users):
    """A candle maker ready for a batch (tests/production_factories.py)."""
    return candle_batch_workshop()


def strings(page: str) -> dict:
    blob = re.search(r'<script type="application/json" id="k-strings">(.*?)</script>', page, re.S)
    return json.loads(blob.group(1))


def test_manifest_is_public_and_complete(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    data = response.get_json(force=True)
    assert data["display"] == "standalone" and data["start_url"].startswith("/")
    assert data["scope"] == "/" and data["theme_color"].startswith("#")
    assert [s["url"] for s in data["shortcuts"]] == ["/scan", "/receive"]
    for icon in data["icons"] + [i for s in data["shortcuts"] for i in s["icons"]]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.mimetype == "image/png"
        image = Image.open(io.BytesIO(png.data)).convert("RGBA")
        assert f"{image.width}x{image.height}" == icon["sizes"]
        corner = image.getpixel((0, 0))[3]
        # maskable icons are full bleed; the others have rounded, transparent corners
        assert corner == (255 if icon["purpose"] == "maskable" else 0), icon["src"]
    assert {i["purpose"] for i in data["icons"]} == {"any", "maskable"}


def test_service_worker_is_served_from_the_root_with_a_versioned_shell(app, client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    text = response.get_data(as_text=True)
    version = re.search(r'const VERSION = "(\w+)"', text).group(1)
    shell = json.loads(re.search(r"const SHELL_URLS = (\[.*?\]);", text).group(1))
    assert "/offline" in shell and "/manifest.webmanifest" in shell
    assert any(u.startswith("/static/js/app.js?v=" + version) for u in shell)
    for url in shell:  # all public: the worker installs before anyone logs in
        with client.get(url) as answer:
            assert answer.status_code == 200, url
    app.config["PWA_VERSION"] = "next"
    assert 'const VERSION = "next"' in client.get("/sw.js").get_data(as_text=True)


def test_every_script_a_page_loads_is_in_the_shell(client, login_as):
    """The shared scripts (one module each: queue, feedback, wedge...) and a page's own
    open offline: the worker keeps each at install, under the same versioned URL."""
    text = client.get("/sw.js").get_data(as_text=True)
    shell = set(json.loads(re.search(r"const SHELL_URLS = (\[.*?\]);", text).group(1)))
    login_as("operator")
    for url in ("/", "/scan", "/move", "/queue"):
        scripts = re.findall(r'<script (?:type="module" )?src="([^"]+)"',
                             client.get(url).get_data(as_text=True))
        assert "/static/js/offline-queue.js" in " ".join(scripts), url
        assert scripts and set(scripts) <= shell, (url, set(scripts) - shell)


def test_offline_page_carries_nothing_of_the_user(client, login_as):
    login_as("operator")
    page = client.get("/offline").get_data(as_text=True)
    assert "No network" in page and "operator" not in page and "csrf" not in page


def test_every_page_has_the_scan_button_the_manifest_and_its_strings(client, login_as, shop):
    login_as("operator")
    for url in ("/", "/items/", "/items/WAX", f"/l/{shop['wax_soon']}", "/loc/STORE",
                "/receive", "/locations", "/scan", "/move", "/queue", "/station"):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert 'class="scan-button" href="/scan"' in page, url
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page, url
        assert strings(page)["queued"], url


def test_script_strings_exist_in_french(client, login_as):
    login_as("operator")
    english = strings(client.get("/").get_data(as_text=True))
    client.post("/language", data={"locale": "fr", "next": "/"})
    g.pop("_flask_babel", None)  # the test client shares one app context: forget "en"
    french = strings(client.get("/").get_data(as_text=True))
    same = {k for k in english if english[k] == french[k]}
    assert same == {"kind_lot"}, same  # "lot" is French too
    assert french["move_label"].count("%(") == english["move_label"].count("%(")


def test_french_catalogue_covers_the_shop_floor_pages():
    """Every text of the shop-floor pages (home, scan, move, queue, station, stock) has its
    French."""
    mine = ("web/pwa.py", "web/floor.py", "web/station.py", "web/pages.py",
            "templates/base.html", "templates/floor/", "templates/pwa/", "templates/pages/",
            "templates/stock/")
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    with (ROOT / "translations/fr/LC_MESSAGES/messages.po").open("rb") as f:
        catalogue = read_po(f)
    missing = []
    for filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map={"**/templates/**.html": {}}):
        if not filename.replace("\\", "/").startswith(mine):
            continue
        msgid = message if isinstance(message, str) else message[0]
        found = catalogue.get(msgid)
        if not found or not found.string:
            missing.append((filename, msgid))
    assert not missing, missing


def test_label_urls_for_items_and_orders_open_their_pages(client, login_as, operator, shop):
    number = production.plan_order(item="CANDLE", quantity="4").number
    answer = client.post("/api/v1/scan", json={"payload": f"https://x.example/mo/{number}"},
                         headers=operator)
    assert answer.get_json()["path"] == f"/mo/{number}"
    login_as("operator")
    assert client.get("/i/WAX").headers["Location"].endswith("/items/WAX")
    assert client.get(f"/mo/{number}").headers["Location"].endswith(f"/station/{number}")


def test_move_page_without_javascript_posts_a_transfer(client, login_as, shop):
    login_as("operator")
    response = client.post("/move", data={"lot": shop["jar"], "from": "STORE", "to": "SHELF",
                                          "quantity": "20,0"})
    assert response.status_code == 302
    assert "Stock moved." in client.get("/move").get_data(as_text=True)
    page = client.get(f"/l/{shop['jar']}").get_data(as_text=True)
    assert "SHELF" in page and "/move?lot=" in page


def test_home_lists_what_needs_doing(client, login_as, shop):
    expired = receive("FO-LAV", "50", expiry=in_days(-1))
    stock.change_lot_status(lot=shop["wick"], status="quarantine", reason="QC")
    production.plan_order(item="CANDLE", quantity="3")
    catalog.create_item(sku="LID", name="Bamboo lid", kind="material", unit="pcs",
                        reorder_point="100")
    login_as("operator")
    page = client.get("/").get_data(as_text=True)
    tiles = dict(re.findall(r'href="#(\w+)"><strong>[^<]+</strong><span>(\d+)</span>', page))
    assert tiles == {"low": "1", "expired": "1", "expiring": "1", "quarantine": "1"}
    assert expired in page and shop["wax_soon"] in page and shop["wick"] in page
    assert "Bamboo lid" in page, page
    assert "0 pcs available, reorder at 100 pcs" in page
    assert re.search(r"MO-\d{4}-\d{4}", page)


def test_station_pages_for_each_state_of_an_order(client, login_as, shop):
    login_as("operator")
    number = production.plan_order(item="CANDLE", quantity="10").number
    page = client.get(f"/station/{number}").get_data(as_text=True)
    assert shop["wax_soon"] in page and "Start production" in page
    data = json.loads(re.search(r'id="order-data">(.*?)</script>', page, re.S).group(1))
    assert [r["item"] for r in data["requirements"]] == ["WAX", "FO-LAV", "WICK", "JAR"]
    assert "cost" not in json.dumps(data)
    production.start_order(number=number)
    page = client.get(f"/station/{number}").get_data(as_text=True)
    assert 'name="quantity"' in page and 'value="10"' in page
    done = production.complete_order(number=number, quantity="9", location="SHELF")
    page = client.get(f"/station/{number}").get_data(as_text=True)
    assert done.output_lot.code in page and f"/labels/lots/{done.output_lot.code}.pdf" in page
    assert number not in client.get("/station").get_data(as_text=True)  # no longer open
