"""Label routes: what we print, we read back."""

import subprocess

import pytest

from krafte_pwa.scan.decode import decode_image
from krafte_pwa.services import items as item_actions
from tests.factories import candle_workshop, in_days, receive


@pytest.fixture
def lots(app, users):
    """Two lots of a material with a long accented name, on the store shelf."""
    candle_workshop()
    item_actions.create_item(sku="SHEA", kind="material", unit="kg",
                        name="Beurre de karité brut équitable — cœur de Ouagadougou, seau 5 kg")
    return [receive("SHEA", "12,5", expiry=in_days(200)), receive("SHEA", "3")]


def payloads_of(data: bytes) -> list[str]:
    return sorted(d.payload for d in decode_image(data))


def test_lot_png_and_zpl_carry_the_lot_url(client, login_as, lots):
    login_as("operator")
    code = lots[0]
    for size in ("62x29", "57x32", "100x50", "4x6in"):
        for dpi in ("203", "300"):
            got = client.get(f"/labels/lots/{code}.png?size={size}&dpi={dpi}")
            assert got.status_code == 200 and got.mimetype == "image/png"
            assert payloads_of(got.data) == [f"http://krafte.test/l/{code}"]
    zpl = client.get(f"/labels/lots/{code}.zpl").get_data(as_text=True)
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    assert f"^FDMA,http://krafte.test/l/{code}^FS" in zpl and code in zpl


def test_pdf_sheet_renders_and_scans_at_300_dpi(client, login_as, lots, tmp_path):
    login_as("manager")
    got = client.get(f"/labels/lots.pdf?codes={','.join(lots)}&layout=a4-2x7")
    assert got.status_code == 200 and got.mimetype == "application/pdf"
    (tmp_path / "sheet.pdf").write_bytes(got.data)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(tmp_path / "sheet.pdf"),
                    str(tmp_path / "page")], check=True)
    found = payloads_of((tmp_path / "page.png").read_bytes())
    assert found == sorted(f"http://krafte.test/l/{c}" for c in lots)
    single = client.get(f"/labels/lots/{lots[1]}.pdf")
    assert single.status_code == 200 and single.data.startswith(b"%PDF")


def test_location_and_item_labels(client, login_as, lots):
    login_as("operator")
    assert payloads_of(client.get("/labels/locations/SHELF.png").data) == [
        "http://krafte.test/loc/SHELF"]
    assert payloads_of(client.get("/labels/items/SHEA.png?size=100x50").data) == [
        "http://krafte.test/i/SHEA"]
    assert client.get("/labels/locations.pdf?codes=STORE,SHELF").status_code == 200


def test_bad_label_requests_are_4xx_json(client, login_as, lots):
    login_as("operator")
    for url, status in ((f"/labels/lots/{lots[0]}.png?size=1x1", 400),
                        (f"/labels/lots/{lots[0]}.png?dpi=72", 400),
                        ("/labels/lots.pdf?codes=" + lots[0] + "&layout=a9-1x1", 400),
                        ("/labels/lots.pdf", 400),
                        ("/labels/lots/NOPE.png", 404),
                        (f"/labels/lots/{lots[0]}.gif", 404)):
        got = client.get(url)
        assert got.status_code == status, url
        assert got.is_json and got.json["error"]["code"], url


def test_labels_need_a_login(client, lots):
    assert client.get(f"/labels/lots/{lots[0]}.png").status_code == 302
