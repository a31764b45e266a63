"""Images to barcode payloads: uploaded phone photos and live camera frames.

Two engines, because they fail on different photos (measured on the 178 photos in
``shared/barcode-photos``, see ``bench/decode.py``): zxing-cpp alone reads 152,
zbar (pyzbar) alone 131, both with this module's ladder 162, with no misread.
zxing-cpp is also the only one that reads DataMatrix and tells a GS1 symbol (FNC1
first) from a plain one.

The order, measured: zxing-cpp first (fast, the most reads, a 720p label frame in
~20 ms); zbar on the autocontrasted frame when zxing-cpp read nothing or only EANs;
only when still nothing was read, a short ladder of preprocessed variants that
stops at the first read. Preprocessing creates EAN-13 misreads (its one mod-10 check
digit is weak), so a ladder EAN/UPC result counts only when two variants agree.

Untrusted uploads are refused early and cheaply (ImageRejected): too many bytes
before opening, too many pixels from the header before any pixel is decoded,
anything that is not an image Pillow is allowed to open, truncated or damaged files
(a PNG is checked chunk by chunk, CRCs included, up to its IEND: Pillow alone decodes
a PNG whose end is cut off once it has the pixels, and never checks the IDAT CRCs).

The work per photo is bounded: a JPEG is decoded by libjpeg at 1/2, 1/4 or 1/8 of its
size when big (cheap), other formats must decode every pixel and are limited to
MAX_FULL_DECODE_PIXELS; the engines' first pass runs at WORK_SIDE, zbar and the ladder
at LADDER_SIDE, and the ladder stops once LADDER_BUDGET seconds have gone.
"""

from __future__ import annotations

import io
import struct
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageOps
from pyzbar import pyzbar

from ..errors import N_
from .errors import ImageRejected

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Formats decoded at full size (PNG, WebP, GIF, BMP): 40 MP of PNG costs seconds of
# inflating and unfiltering; no phone photo comes as one (photos are JPEG).
MAX_FULL_DECODE_PIXELS = 16_000_000
# Pillow's own guard, set explicitly rather than left to its default (89 MP): it warns
# past this and refuses past twice this while reading the header.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# Formats a phone or a browser canvas produces; the other Pillow plugins (TIFF, EPS,
# PSD, ICO, ...) are attack surface we do not need.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")

# Bigger frames are reduced before decoding: a 12 MP phone photo decodes in a
# fraction of the time at 2000 px, and a barcode worth reading survives it.
WORK_SIDE = 2000
# zbar and the preprocessing ladder run on a frame no larger than this: on a big,
# textured photo each of their passes costs ~2.5x less than at 2000 px. Every photo
# of the accuracy set (shared/barcode-photos) is at most 1280 px: none is affected.
LADDER_SIDE = 1280
# The ladder starts no new step after this many seconds of decoding (one step at
# LADDER_SIDE is ~0.3 s at worst on a busy 2-core machine): a photo with no code cannot
# hold a worker for long. Photos small enough to matter for accuracy finish far sooner
# (p95 ~50 ms, bench/decode.py), so the budget never changes what they read.
LADDER_BUDGET = 1.0
# Small frames (a phone crop, a 240 px test photo) get a 2x upscale in the ladder.
UPSCALE_BELOW = 1024

_ZXING_FORMATS = {
    zxingcpp.BarcodeFormat.QRCode: "QRCODE",
    zxingcpp.BarcodeFormat.EAN13: "EAN13",
    zxingcpp.BarcodeFormat.EAN8: "EAN8",
    zxingcpp.BarcodeFormat.UPCA: "UPCA",
    zxingcpp.BarcodeFormat.Code128: "CODE128",
    zxingcpp.BarcodeFormat.DataMatrix: "DATAMATRIX",
}
# zbar restricted to what we print and receive: with every symbology enabled it is
# several times slower, and its EAN-2/5, Codabar, I25 decoders add false reads.
_ZBAR_SYMBOLS = [
    pyzbar.ZBarSymbol.QRCODE,
    pyzbar.ZBarSymbol.EAN13,
    pyzbar.ZBarSymbol.EAN8,
    pyzbar.ZBarSymbol.UPCA,
    pyzbar.ZBarSymbol.CODE128,
]
_RETAIL = frozenset({"EAN13", "UPCA", "EAN8"})


@dataclass(frozen=True)
class Decoded:
    """One symbol read from an image.

    ``symbology`` is one of QRCODE, EAN13, UPCA, EAN8, CODE128, DATAMATRIX.
    EAN-13 and UPC-A payloads are 13-digit GTIN-13 strings (a UPC-A is ``"0"`` +
    its 12 digits, and is reported as UPCA whichever engine read it, since the two
    are the same bars); EAN-8 stays 8 digits. ``gs1`` is True for a GS1 element
    string (FNC1 first): its payload keeps ``\\x1d`` separators and has no
    symbology prefix; pass it on as ``parse_payload(payload, gs1=True)``.
    """

    symbology: str
    payload: str
    gs1: bool = False


def decode_image(
    data: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    thorough: bool = True,
) -> list[Decoded]:
    """Every barcode found in an uploaded image, without duplicates.

    ``thorough=False`` skips the preprocessing ladder: for live camera frames,
    where the next frame is a better retry than 20 ms of image filters.
    Raises :class:`ImageRejected`.
    """
    started = time.monotonic()
    gray = open_gray(data, max_bytes=max_bytes, max_pixels=max_pixels)
    return decode_gray(gray, thorough=thorough, deadline=started + LADDER_BUDGET)


def open_gray(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> Image.Image:
    """Open untrusted bytes as a grayscale image no larger than WORK_SIDE."""
    if len(data) > max_bytes:
        raise ImageRejected("upload_too_large", N_("The upload is over %(limit)s bytes."),
                            limit=max_bytes)
    try:
        # Image.open reads the header only; Pillow itself raises
        # DecompressionBombError here past twice its own pixel limit.
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # The warning is only raised when warnings are errors (as in the tests).
        raise ImageRejected("image_too_large", N_("The image has too many pixels.")) from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted bytes
        raise ImageRejected("not_an_image", N_("The upload is not a readable image.")) from exc
    width, height = image.size
    jpeg = image.format in ("JPEG", "MPO")  # MPO: JPEG with a depth map (iPhone)
    limit = max_pixels if jpeg else min(max_pixels, MAX_FULL_DECODE_PIXELS)
    if width * height > limit or width == 0 or height == 0:
        raise ImageRejected("image_too_large", N_("The image has too many pixels."))
    _check_complete(data, image.format)
    if jpeg:
        # Let libjpeg decode straight to gray and, for a big photo, scale by 1/2,
        # 1/4 or 1/8 while decoding: far cheaper than decoding every pixel of a
        # 12 MP colour photo and reducing afterwards.
        scale = max(1, max(width, height) // WORK_SIDE)
        image.draft("L", (width // scale, height // scale))
    try:
        image.load()
        return _reduce(_to_gray(image), WORK_SIDE)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected("image_too_large", N_("The image has too many pixels.")) from exc
    except (OSError, SyntaxError, EOFError) as exc:
        raise ImageRejected("truncated_image", N_("The image is truncated or damaged.")) from exc
    except Exception as exc:  # noqa: BLE001 - a decoder failing on crafted bytes
        raise ImageRejected("bad_image", N_("The image is damaged.")) from exc


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _check_complete(data: bytes, image_format: str | None) -> None:
    """Refuse a file whose end is missing or whose checksums fail, where the format says
    so and Pillow would not: PNG chunks up to IEND with their CRCs, the GIF trailer,
    the BMP file size. (A cut JPEG or WebP already fails in Pillow.)"""
    if image_format == "PNG":
        _check_png(data)
    elif image_format == "GIF" and not data.rstrip(b"\0").endswith(b"\x3b"):
        raise ImageRejected("truncated_image", N_("The image is truncated or damaged."))
    elif image_format == "BMP" and len(data) >= 6:
        declared = struct.unpack_from("<I", data, 2)[0]
        if declared > len(data):
            raise ImageRejected("truncated_image", N_("The image is truncated or damaged."))


def _check_png(data: bytes) -> None:
    """Every chunk whole and with its right CRC, up to IEND (~1 ms per MB)."""
    view = memoryview(data)
    position = len(_PNG_SIGNATURE)
    while True:
        if position + 8 > len(data):
            raise ImageRejected("truncated_image", N_("The image is truncated or damaged."))
        length, kind = struct.unpack_from(">I4s", data, position)
        end = position + 8 + length
        if length > 0x7FFFFFFF or end + 4 > len(data):
            raise ImageRejected("truncated_image", N_("The image is truncated or damaged."))
        (crc,) = struct.unpack_from(">I", data, end)
        if zlib.crc32(view[position + 4:end]) != crc:
            raise ImageRejected("bad_image", N_("The image is damaged."))
        if kind == b"IEND":
            return
        position = end + 4


def decode_gray(gray: Image.Image, *, thorough: bool = True,
                deadline: float | None = None) -> list[Decoded]:
    """Decode an "L" image: zxing-cpp, then zbar, then the ladder if nothing was read.

    zxing-cpp reads at up to WORK_SIDE; zbar and the ladder at up to LADDER_SIDE. No
    ladder step starts after ``deadline`` (a ``time.monotonic()`` value)."""
    found = _zxing(gray)
    small = _reduce(gray, LADDER_SIDE)
    if not found or all(d.symbology in _RETAIL for d in found):
        # Retail packs often carry a second EAN (outer and inner GTIN, a book's
        # price code) and each engine may see a different one: worth ~3 ms.
        found = _unique([*found, *_zbar(ImageOps.autocontrast(small, cutoff=1))])
    if found or not thorough:
        return found
    votes: Counter[Decoded] = Counter()
    for variant in _ladder(small):
        if deadline is not None and time.monotonic() > deadline:
            break
        accepted = []
        for decoded in _unique(variant()):
            votes[decoded] += 1
            if decoded.symbology not in _RETAIL or votes[decoded] >= 2:
                accepted.append(decoded)
        if accepted:
            return accepted
    return []


def _ladder(gray: Image.Image) -> list[Callable[[], list[Decoded]]]:
    """Preprocessed variants, cheapest and most productive first (measured)."""
    steps: list[Callable[[], list[Decoded]]] = []
    if max(gray.size) <= UPSCALE_BELOW:
        big = gray.resize((gray.width * 2, gray.height * 2), Image.Resampling.BICUBIC)
        steps += [lambda: _zxing(big), lambda: _zbar(big)]
    steps += [
        lambda: _zbar(_otsu(ImageOps.autocontrast(gray, cutoff=1))),
        lambda: _zxing(gray, binarizer=zxingcpp.Binarizer.GlobalHistogram),
        # zbar scans rows and columns only: a 1-D code at 45 degrees needs help.
        lambda: _zbar(gray.rotate(45, Image.Resampling.BILINEAR, expand=True, fillcolor=255)),
    ]
    return steps


def _zxing(gray: Image.Image, **options) -> list[Decoded]:
    results = []
    for barcode in zxingcpp.read_barcodes(gray, formats=tuple(_ZXING_FORMATS), **options):
        symbology = _ZXING_FORMATS.get(barcode.format, barcode.format.name.upper())
        gs1 = barcode.content_type == zxingcpp.ContentType.GS1
        results.append(_decoded(symbology, _text(bytes(barcode.bytes)), gs1))
    return results


def _zbar(gray: Image.Image) -> list[Decoded]:
    # zbar's type names (QRCODE, EAN13, ...) are already the ones we report.
    return [
        _decoded(symbol.type, _text(symbol.data), False)
        for symbol in pyzbar.decode(gray, symbols=_ZBAR_SYMBOLS)
    ]


def _decoded(symbology: str, payload: str, gs1: bool) -> Decoded:
    if symbology in ("EAN13", "UPCA") and payload.isdigit():
        # The same bars are an EAN-13 starting with 0 or a UPC-A: name them by
        # their digits, not by which engine (or setting) read them.
        payload = payload.zfill(13)
        symbology = "UPCA" if payload.startswith("0") else "EAN13"
    return Decoded(symbology, payload, gs1)


def _text(raw: bytes) -> str:
    # Our labels and GS1 strings are ASCII; binary DataMatrix content survives
    # latin-1 byte for byte.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _unique(results: Iterable[Decoded]) -> list[Decoded]:
    """Drop repeats, keeping the first (zxing-cpp's, which knows about GS1)."""
    seen: dict[tuple[str, str], Decoded] = {}
    for decoded in results:
        family = "retail" if decoded.symbology in _RETAIL else decoded.symbology
        seen.setdefault((family, decoded.payload), decoded)
    return list(seen.values())


def _to_gray(image: Image.Image) -> Image.Image:
    """Grayscale, with any transparency composited onto white (labels are dark on
    light; transparent pixels are black underneath in most PNGs)."""
    if image.mode == "P":
        # Converting P with transparency straight to L warns and loses the alpha.
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode.startswith("I") or image.mode == "F":
        # 16-bit or 32-bit gray: stretch its actual range, as convert("L") clips.
        image = image.convert("F")
        low, high = image.getextrema()
        scale = 255 / (high - low) if high > low else 1.0
        image = image.point(lambda value: (value - low) * scale).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        white.alpha_composite(image.convert("RGBA"))
        image = white
    return image if image.mode == "L" else image.convert("L")


def _reduce(gray: Image.Image, side: int) -> Image.Image:
    longest = max(gray.size)
    if longest <= side:
        return gray
    scale = side / longest
    size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
    return gray.resize(size, Image.Resampling.BOX)


def _otsu(gray: Image.Image) -> Image.Image:
    """Black and white at Otsu's threshold (maximum between-class variance)."""
    histogram = gray.histogram()
    total = sum(histogram)
    sum_all = sum(level * count for level, count in enumerate(histogram))
    weight_below = sum_below = 0
    best_variance, threshold = -1.0, 127
    for level, count in enumerate(histogram):
        weight_below += count
        weight_above = total - weight_below
        if weight_below == 0:
            continue
        if weight_above == 0:
            break
        sum_below += level * count
        mean_below = sum_below / weight_below
        mean_above = (sum_all - sum_below) / weight_above
        variance = weight_below * weight_above * (mean_below - mean_above) ** 2
        if variance > best_variance:
            best_variance, threshold = variance, level
    return gray.point(lambda value: 255 if value > threshold else 0)
