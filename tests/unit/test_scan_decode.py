"""Decoding uploaded images, and refusing the ones we must not open."""

from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
import qrcode
import zxingcpp
from PIL import Image

from krafte_pwa.scan import decode
from krafte_pwa.scan.decode import Decoded, decode_image
from krafte_pwa.scan.errors import ImageRejected
from krafte_pwa.scan.payloads import parse_payload

URL = "https://krafte.example/l/R261123-004"


def qr_image(payload: str = URL, box_size: int = 8) -> Image.Image:
    return qrcode.make(payload, box_size=box_size, border=4).get_image().convert("L")


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def zxing_symbol(content: str, fmt, scale: int = 4, **options) -> Image.Image:
    """A clean symbol drawn by zxing-cpp's writer (qrcode only draws QR codes)."""
    pixels = zxingcpp.write_barcode_to_image(
        zxingcpp.create_barcode(content, fmt, **options), scale=scale
    )
    view = memoryview(pixels)
    return Image.frombytes("L", (view.shape[1], view.shape[0]), view.tobytes())


def test_decodes_a_label_qr_code():
    assert decode_image(encode(qr_image())) == [Decoded("QRCODE", URL)]


def test_decodes_a_jpeg_photo_of_a_qr_code():
    assert decode_image(encode(qr_image().convert("RGB"), "JPEG", quality=70)) == [
        Decoded("QRCODE", URL)
    ]


def test_transparent_background_is_composited_onto_white():
    # Dark modules on transparent black: read as is, the whole image is black.
    mask = qr_image().point(lambda value: 255 - value)
    rgba = Image.new("RGBA", mask.size, (0, 0, 0, 0))
    rgba.putalpha(mask)
    assert [d.payload for d in decode_image(encode(rgba))] == [URL]
    assert [d.payload for d in decode_image(encode(rgba.convert("LA")))] == [URL]


def test_palette_image_with_transparency_decodes_without_warning():
    palette = qr_image().convert("P")
    palette.info["transparency"] = 255  # the white palette entry
    assert [d.payload for d in decode_image(encode(palette, "GIF"))] == [URL]


@pytest.mark.parametrize("angle", [30, 90, 180])
def test_rotated_qr_code_decodes(angle):
    image = qr_image().rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    assert [d.payload for d in decode_image(encode(image))] == [URL]


def test_small_qr_code_decodes():
    image = qr_image(box_size=2)
    assert max(image.size) < 100
    assert [d.payload for d in decode_image(encode(image))] == [URL]


def test_ean13_and_upca_are_13_digit_gtins():
    ean = zxing_symbol("4006381333931", zxingcpp.BarcodeFormat.EAN13)
    upc = zxing_symbol("036000291452", zxingcpp.BarcodeFormat.UPCA)
    assert decode_image(encode(ean)) == [Decoded("EAN13", "4006381333931")]
    assert decode_image(encode(upc)) == [Decoded("UPCA", "0036000291452")]


def test_gs1_datamatrix_is_flagged_and_keeps_group_separators():
    image = zxing_symbol(
        "(01)09501101020917(17)270500(10)ABCD12(3103)001250",
        zxingcpp.BarcodeFormat.DataMatrix,
        gs1=True,
    )
    [decoded] = decode_image(encode(image))
    assert decoded == Decoded(
        "DATAMATRIX", "01095011010209171727050010ABCD12\x1d3103001250", gs1=True
    )
    fields = parse_payload(decoded.payload, symbology=decoded.symbology, gs1=decoded.gs1).fields
    assert (fields["batch"], fields["expiry"], fields["quantity"]) == (
        "ABCD12",
        "2027-05-31",
        "1.250",
    )


def test_image_without_a_code_gives_no_result():
    assert decode_image(encode(Image.new("L", (320, 240), 200))) == []


def test_refuses_a_text_file():
    with pytest.raises(ImageRejected) as caught:
        decode_image(b"lot,quantity\nR261123-004,12\n")
    assert caught.value.code == "not_an_image"


def test_refuses_a_truncated_jpeg():
    data = encode(qr_image().convert("RGB"), "JPEG")
    with pytest.raises(ImageRejected) as caught:
        decode_image(data[: len(data) // 2])
    assert caught.value.code == "truncated_image"


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit all-black PNG: ~100 KB on disk, 900 Mpx once decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    rows = bytes(1 + (width + 7) // 8) * 1000  # filter byte 0, then zero bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(rows) for _ in range(height // 1000)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def test_refuses_a_decompression_bomb_without_decoding_it():
    bomb = png_bomb(30_000, 30_000)
    assert len(bomb) < 200_000
    start = time.perf_counter()
    with pytest.raises(ImageRejected) as caught:
        decode_image(bomb)
    assert caught.value.code == "image_too_large"
    # Header-only: well under a millisecond; the bound only catches a full decode.
    assert time.perf_counter() - start < 2  # a full decode takes far longer


def test_refuses_more_pixels_than_allowed_from_the_header():
    data = encode(qr_image())
    with pytest.raises(ImageRejected) as caught:
        decode_image(data, max_pixels=100 * 100)
    assert caught.value.code == "image_too_large"


def test_refuses_an_upload_over_the_byte_limit_before_opening_it():
    data = encode(qr_image()) + bytes(20 * 1024 * 1024)  # a valid PNG, padded
    with pytest.raises(ImageRejected) as caught:
        decode_image(data)
    assert caught.value.code == "upload_too_large"


def test_pillow_limit_is_set_explicitly():
    assert Image.MAX_IMAGE_PIXELS == decode.MAX_PIXELS


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "BMP", "JPEG", "WEBP"])
def test_every_cut_of_an_image_is_refused(fmt):
    image = qr_image().convert("RGB" if fmt in ("JPEG", "WEBP") else "L")
    data = encode(image, fmt)
    assert decode_image(data)  # whole, it reads
    for cut in sorted({1, 2, 4, 12, 20, len(data) // 2, len(data) - 40}):
        with pytest.raises(ImageRejected) as caught:
            decode_image(data[:-cut])
        assert caught.value.code in ("truncated_image", "not_an_image"), (cut, caught.value)


def test_a_png_failing_its_checksums_is_refused():
    data = bytearray(encode(qr_image()))
    data[len(data) - 30] ^= 0x01  # a bit of the last IDAT: Pillow alone decodes it
    with pytest.raises(ImageRejected) as caught:
        decode_image(bytes(data))
    assert caught.value.code == "bad_image"


def test_more_pixels_than_a_full_decode_is_worth_are_refused_from_the_header():
    """A PNG must be inflated pixel by pixel; a JPEG is decoded at a fraction of its size."""
    start = time.perf_counter()
    with pytest.raises(ImageRejected) as caught:
        decode_image(png_bomb(5000, 4000))
    assert caught.value.code == "image_too_large"
    assert time.perf_counter() - start < 2  # a full decode takes far longer


def _photo(size: tuple[int, int], payload: str | None, box: int) -> bytes:
    """A textured JPEG photo (textures are what slow the engines down), with a QR."""
    w, h = size
    frame = Image.effect_noise((w // 8, h // 8), 30).resize(size, Image.Resampling.BILINEAR)
    frame = frame.point(lambda v: v * 0.5 + 60).convert("RGB")
    if payload:
        frame.paste(qr_image(payload, box).convert("RGB"), (w // 3, h // 3))
    return encode(frame, "JPEG", quality=88)


def test_the_ladder_runs_small_and_stops_at_its_budget(monkeypatch):
    sizes = []
    real_zbar = decode._zbar
    monkeypatch.setattr(decode, "_zbar", lambda gray: sizes.append(gray.size) or real_zbar(gray))
    data = _photo((4032, 3024), None, 8)
    assert decode_image(data) == []
    assert sizes and max(max(s) for s in sizes) <= 1600  # 1280 px, or its 45 degree turn
    sizes.clear()
    monkeypatch.setattr(decode, "LADDER_BUDGET", 0)
    assert decode_image(data) == []
    assert len(sizes) == 1  # the first pass only: no ladder step after the deadline


@pytest.mark.parametrize("size,box", [((7296, 5472), 14), ((4032, 3024), 8)])
def test_a_big_phone_photo_reads_quickly(size, box):
    data = _photo(size, URL, box)
    start = time.perf_counter()
    assert [d.payload for d in decode_image(data)] == [URL]
    assert time.perf_counter() - start < 3  # ~0.3-0.5 s here; generous for a busy CI
