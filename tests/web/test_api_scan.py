"""Scanning through the API: payloads and images resolve to our lots, locations, items."""

import io
import struct
import time
import zlib
from decimal import Decimal

import pytest
import qrcode
from PIL import Image
from werkzeug.test import EnvironBuilder

from krafte_pwa.services import items as item_actions
from tests.factories import candle_workshop, receive


@pytest.fixture
def workshop(app, users):
    """Candle workshop; the wax has a GTIN and the wicks a supplier barcode."""
    candle_workshop()
    item_actions.create_item(sku="JAR", name="Amber jar", kind="material", unit="pcs",
                        gtin="4006381333931")
    item_actions.add_barcode(item="WICK", code="WK-778812")


def scan(client, headers, payload):
    return client.post("/api/v1/scan", json={"payload": payload}, headers=headers)


def test_label_urls_resolve_even_from_another_host(client, operator, workshop):
    code = receive("WAX", "100")
    for payload in (f"http://krafte.test/l/{code}", f"https://old-server:8443/x/l/{code}",
                    f"{code}\n"):
        got = scan(client, operator, payload)
        assert got.status_code == 200, got.json
        assert got.json["kind"] == "lot" and got.json["code"] == code
        assert got.json["url"] == f"http://krafte.test/l/{code}"
    assert scan(client, operator, "http://krafte.test/loc/SHELF").json["kind"] == "location"
    assert scan(client, operator, "http://krafte.test/i/WAX").json["kind"] == "item"
    assert scan(client, operator, "WICK").json == {
        "kind": "item", "code": "WICK", "url": "http://krafte.test/i/WICK", "path": "/i/WICK",
        "item": "WICK"}


def test_unknown_codes_are_404(client, operator, workshop):
    for payload in ("http://krafte.test/l/R000000-999", "NOT-A-THING",
                    "http://krafte.test/loc/MARS"):
        got = scan(client, operator, payload)
        assert got.status_code == 404 and got.json["error"]["code"] == "unknown_code"


def test_gtin_finds_the_item_and_unknown_gtin_answers_item_null(client, operator, workshop):
    got = scan(client, operator, "4006381333931").json
    assert (got["kind"], got["item"], got["code"]) == ("gtin", "JAR", "04006381333931")
    unknown = scan(client, operator, "5901234123457")
    assert unknown.status_code == 200 and unknown.json["item"] is None
    bad = scan(client, operator, "4006381333932")
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_check_digit"
    assert scan(client, operator, "WK-778812").json["item"] == "WICK"


def test_gs1_string_gives_batch_expiry_and_quantity(client, operator, workshop):
    got = scan(client, operator, "]C10104006381333931\x1d10LOT-77\x1d17271231\x1d3102012500")
    assert got.status_code == 200, got.json
    body = got.json
    assert body["kind"] == "gs1" and body["item"] == "JAR"
    assert body["fields"]["batch"] == "LOT-77" and body["fields"]["expiry"] == "2027-12-31"
    assert Decimal(body["fields"]["quantity"]) == 125 and body["fields"]["unit"] == "kg"
    assert scan(client, operator, "").status_code == 400
    assert scan(client, operator, 12).status_code == 400


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def post_image(client, headers, data: bytes, name="photo.png"):
    # The builder spools big bodies to a temporary file; close it ourselves.
    builder = EnvironBuilder(path="/api/v1/scan/image", method="POST", headers=headers,
                             data={"image": (io.BytesIO(data), name)})
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def test_a_photo_of_a_label_resolves_to_the_lot(client, operator, workshop):
    code = receive("WAX", "100")
    qr = qrcode.make(f"http://krafte.test/l/{code}", border=4).convert("L")
    frame = Image.new("L", (1280, 720), 140)
    frame.paste(qr.resize((300, 300)), (500, 200))
    got = post_image(client, operator, _png(frame))
    assert got.status_code == 200, got.json
    [result] = got.json["results"]
    assert result["symbology"] == "QRCODE" and result["resolved"]["code"] == code
    empty = post_image(client, operator, _png(Image.new("L", (640, 480), 200)))
    assert empty.json == {"results": []}


def _png_bomb(width: int, height: int) -> bytes:
    """A valid PNG header claiming a huge 1-bit image, with a tiny compressed body."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(
        b"IEND", b"")


def test_bad_uploads_get_a_quick_4xx_and_the_server_stays_up(client, operator, workshop):
    qr = _png(qrcode.make("x").convert("L"))
    jpeg = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 80, 40)).save(jpeg, format="JPEG")
    for data, status in ((b"just some text, not a picture", 400),
                         (jpeg.getvalue()[:2000], 400),
                         (_png_bomb(30000, 30000), 413),
                         (b"\x00" * (20 * 1024 * 1024), 413)):
        started = time.perf_counter()
        got = post_image(client, operator, data)
        assert got.status_code == status, (got.status_code, got.data[:200])
        assert got.is_json and got.json["error"]["code"]
        # Decoding any of these would take minutes or gigabytes; the bound is loose so a
        # busy CI machine does not trip it.
        assert time.perf_counter() - started < 10
    assert post_image(client, operator, qr).status_code == 200
    missing = client.post("/api/v1/scan/image", headers=operator, data={})
    assert missing.status_code == 400 and missing.json["error"]["code"] == "no_image"


def _chunks(png: bytes) -> list[tuple[int, bytes]]:
    """(offset, type) of each chunk of a PNG."""
    found, position = [], 8
    while position < len(png):
        length, kind = struct.unpack_from(">I4s", png, position)
        found.append((position, kind))
        position += 12 + length
    return found


def test_a_truncated_or_damaged_png_is_a_400_never_a_200(client, operator, workshop):
    code = receive("WAX", "100")
    frame = Image.new("L", (640, 480), 230)
    frame.paste(qrcode.make(f"http://krafte.test/l/{code}").convert("L").resize((300, 300)),
                (170, 90))
    png = _png(frame)
    assert post_image(client, operator, png).json["results"][0]["resolved"]["code"] == code
    iend = [offset for offset, kind in _chunks(png) if kind == b"IEND"][0]
    idat = [offset for offset, kind in _chunks(png) if kind == b"IDAT"][-1]
    damaged = bytearray(png)
    damaged[idat + 20] ^= 0xFF  # inside the compressed pixels: only the CRC tells
    cases = [
        (png[:iend], "truncated_image"),  # every pixel there, the end missing
        (png[:iend - 2], "truncated_image"),  # the last CRC cut
        (png[:len(png) // 2], "truncated_image"),
        (png[:30], "not_an_image"),
        (bytes(damaged), "bad_image"),
    ]
    for data, error in cases:
        got = post_image(client, operator, data)
        assert got.status_code == 400, (error, got.status_code, got.data[:200])
        assert got.json["error"]["code"] == error
        assert got.json["error"]["message"]


def test_other_cut_images_are_a_400(client, operator, workshop):
    image = qrcode.make("http://krafte.test/l/X").convert("L")
    for fmt, options in (("GIF", {}), ("BMP", {}), ("JPEG", {}), ("WEBP", {"lossless": True})):
        out = io.BytesIO()
        image.convert("RGB" if fmt in ("JPEG", "WEBP") else "L").save(out, fmt, **options)
        data = out.getvalue()
        for cut in (1, 2, len(data) // 3):
            got = post_image(client, operator, data[:-cut], name=f"photo.{fmt.lower()}")
            assert got.status_code == 400, (fmt, cut, got.status_code, got.data[:200])


def test_a_full_decode_image_with_too_many_pixels_is_refused(client, operator, workshop):
    """A PNG decodes every pixel: 20 MP is refused from its header, at once."""
    started = time.perf_counter()
    got = post_image(client, operator, _png_bomb(5000, 4000))
    assert got.status_code == 413 and got.json["error"]["code"] == "image_too_large"
    assert time.perf_counter() - started < 5  # decoding 20 MP would take far longer


def test_an_unknown_gtin_linked_to_an_item_finds_it_next_time(client, operator, workshop):
    unknown = scan(client, operator, "5901234123457").json
    assert unknown["item"] is None
    linked = client.post("/api/v1/items/WICK/barcodes", json={"code": unknown["code"]},
                         headers=operator)
    assert linked.status_code == 201 and linked.json["sku"] == "WICK"
    assert scan(client, operator, "5901234123457").json["item"] == "WICK"
    again = client.post("/api/v1/items/WAX/barcodes", json={"code": unknown["code"]},
                        headers=operator)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "duplicate_barcode"
    missing = client.post("/api/v1/items/NOPE/barcodes", json={"code": "123"}, headers=operator)
    assert missing.status_code == 404
    empty = client.post("/api/v1/items/WICK/barcodes", json={}, headers=operator)
    assert empty.status_code == 400
