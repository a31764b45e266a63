"""Settings (admin only): lot code pattern, expiry warning days, how labels print and
custom label sheets; the menu lists each area a role may open. Both databases."""

import io
import re
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from krafte_pwa.extensions import db
from krafte_pwa.labels import ROLL_SIZES
from krafte_pwa.labels.sizes import mm_to_dots
from krafte_pwa.models import Setting
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services.settings import get_setting
from tests.factories import candle_workshop, receive

GENERAL = {"lot_code_pattern": "{origin}{date:%y%m%d}-{seq:03d}", "expiry_warning_days": "30",
           "label_roll_size": "62x29", "label_dpi": "", "label_sheet_layout": "a4-3x8"}
SHEET = {"name": "a4-4x10", "page": "a4", "columns": "4", "rows": "10",
         "label_width": "48,5", "label_height": "25,4", "gap_x": "", "gap_y": ""}


@pytest.fixture
def shop(app, users):
    candle_workshop()
    for n in range(1, 26):
        location_actions.create_location(code=f"B{n:02d}", name=f"Bay {n}")


def stored() -> dict:
    db.session.expire_all()
    return {s.key: s.value for s in db.session.execute(select(Setting)).scalars()}


def pages_in(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_only_admins_open_or_change_settings(client, login_as, shop):
    for role in ("manager", "operator"):
        login_as(role)
        assert client.get("/settings/").status_code == 403
        assert client.post("/settings/", data=GENERAL).status_code == 403
        assert client.post("/settings/sheets", data=SHEET).status_code == 403
        client.post("/logout")
    assert stored() == {}


def test_lot_code_pattern_and_expiry_warning(client, login_as, shop):
    login_as("admin")
    page = client.get("/settings/").get_data(as_text=True)
    today = date.today()
    assert f"R{today:%y%m%d}-001" in page and f"P{today:%y%m%d}-001" in page
    saved = client.post("/settings/", data={
        **GENERAL, "lot_code_pattern": "{sku}-{date:%y%j}-{seq:02d}", "expiry_warning_days": "45"})
    assert saved.status_code == 302
    assert get_setting("expiry_warning_days") == "45"
    assert receive("WAX", "10") == f"WAX-{today:%y%j}-01"
    assert f"WAX-{today:%y%j}-01" in client.get("/settings/").get_data(as_text=True)
    assert "Expiring within 45 days" in client.get("/alerts").get_data(as_text=True)

    before = stored()
    for bad, message in (({"lot_code_pattern": "{origin}{date:%y%m%d}"}, "{seq}"),
                         ({"lot_code_pattern": "{colour}-{seq}"}, "unknown field"),
                         ({"expiry_warning_days": "0"}, "1 to 3650"),
                         ({"expiry_warning_days": "two"}, "1 to 3650"),
                         ({"label_roll_size": "70x40"}, "unknown label size"),
                         ({"label_dpi": "600"}, "203, 300"),
                         ({"label_sheet_layout": "a4-9x99"}, "unknown sheet layout")):
        # the good values in the same form are not saved either
        answer = client.post("/settings/", data={**GENERAL, "expiry_warning_days": "60", **bad})
        assert answer.status_code == 400, bad
        assert message in answer.get_data(as_text=True), bad
        assert stored() == before, bad


def test_roll_size_and_printer_resolution_apply_to_every_label(client, login_as, shop):
    code = receive("WAX", "10")
    login_as("admin")
    png = client.get(f"/labels/lots/{code}.png")
    assert Image.open(io.BytesIO(png.data)).size == ROLL_SIZES["62x29"].pixels(300)
    assert "^PW" + str(mm_to_dots(62, 203)) in client.get(f"/labels/lots/{code}.zpl").text

    assert client.post("/settings/", data={**GENERAL, "label_roll_size": "100x50",
                                           "label_dpi": "203"}).status_code == 302
    png = client.get(f"/labels/lots/{code}.png")
    assert Image.open(io.BytesIO(png.data)).size == ROLL_SIZES["100x50"].pixels(203)
    assert "^PW" + str(mm_to_dots(100, 203)) in client.get(f"/labels/lots/{code}.zpl").text
    pdf = client.get(f"/labels/lots/{code}.pdf").data  # one label: a page the roll's size
    width, height = (float(v) for v in re.search(
        rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups())
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (100, 50)
    # an explicit size in the address still wins
    png = client.get(f"/labels/lots/{code}.png?size=57x32&dpi=300")
    assert Image.open(io.BytesIO(png.data)).size == ROLL_SIZES["57x32"].pixels(300)


def test_custom_sheet_saved_used_as_default_and_deleted(client, login_as, shop):
    codes = ",".join(f"B{n:02d}" for n in range(1, 26))  # 25 labels
    login_as("admin")
    assert pages_in(client.get(f"/labels/locations.pdf?codes={codes}").data) == 2  # 24 a page

    before = stored()
    for bad, message in (({"columns": "5"}, "do not fit"),
                         ({"name": "a4-3x8"}, "built-in"),
                         ({"name": "Mes étiquettes"}, "lower-case letters"),
                         ({"label_width": "large"}, "label width must be a number"),
                         ({"rows": "2.5"}, "whole number"),
                         ({"page": "a3"}, "a4, letter, a5"),
                         ({"margin_left": "5"}, "both margins")):
        answer = client.post("/settings/sheets", data={**SHEET, **bad})
        assert answer.status_code == 400, bad
        assert message in answer.get_data(as_text=True), bad
        assert stored() == before, bad

    assert client.post("/settings/sheets", data=SHEET).status_code == 302
    page = client.get("/settings/").get_data(as_text=True)
    assert "page=a4;grid=4x10;label=48.5x25.4;gap=0x0" in page
    sheet = client.get(f"/labels/locations.pdf?codes={codes}&layout=a4-4x10")
    assert sheet.status_code == 200 and pages_in(sheet.data) == 1  # 40 a page
    assert client.post("/settings/", data={**GENERAL, "label_sheet_layout": "a4-4x10"}
                       ).status_code == 302
    assert pages_in(client.get(f"/labels/locations.pdf?codes={codes}").data) == 1
    # the default sheet cannot be deleted; another can
    refused = client.post("/settings/sheets/a4-4x10/delete")
    assert refused.status_code == 400 and "default" in refused.get_data(as_text=True)
    client.post("/settings/", data=GENERAL)
    assert client.post("/settings/sheets/a4-4x10/delete").status_code == 302
    assert client.get(f"/labels/locations.pdf?codes={codes}&layout=a4-4x10").status_code == 400


@pytest.mark.parametrize("role, sees, hidden", [
    ("operator", ["/counts/", "/alerts", "/production/recipes"], ["/reports/", "/settings/",
                                                                 "/recall/", "/purchasing/"]),
    ("manager", ["/reports/", "/recall/", "/purchasing/"], ["/settings/"]),
    ("admin", ["/reports/", "/settings/"], []),
])
def test_the_menu_links_to_what_the_role_may_open(client, login_as, shop, role, sees, hidden):
    login_as(role)
    page = client.get("/menu").get_data(as_text=True)
    links = set(re.findall(r'<a class="tile" href="([^"]+)"', page))
    assert set(sees) <= links and not links & set(hidden)
    for link in links:
        assert client.get(link).status_code == 200, link
    assert 'href="/menu"' in client.get("/").get_data(as_text=True)  # from every page's bar
