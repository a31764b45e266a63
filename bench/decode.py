"""Measure the server-side barcode decoder against zxing-cpp alone.

    .venv/bin/python bench/decode.py

Prints, for our decoder (krafte_pwa.scan.decode) and for zxing-cpp alone (all
symbologies, default options) on the same photos in the same run: read rate,
misreads, median and p95 time per photo (both timed from the uploaded bytes, so
both include opening the image); then the median time to decode a synthetic
1280x720 camera frame holding one label QR code, as the live scanner sends it.

Matching rule (shared/barcode-photos/README.md): exact payload; EAN/UPC compared
as 13-digit GTINs. A payload that differs from the expected one is a misread,
except the second, real barcode in three photos (see KNOWN_OTHER_SYMBOLS).
"""

from __future__ import annotations

import csv
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import qrcode
import zxingcpp
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from krafte_pwa.scan.decode import decode_image, open_gray  # noqa: E402

# The checkout sits in /work/main or in /work/wt/<branch>; the photos in /work/shared.
PHOTOS = next((base / "shared" / "barcode-photos" for base in ROOT.parents
               if (base / "shared" / "barcode-photos").is_dir()),
              ROOT.parent / "shared" / "barcode-photos")
STRESS_SET = "ean13-zxing-5"
# Japanese books carry a second EAN-13 (192 + classification + price) under the
# ISBN; these photos show part of it and decoders rightly read it.
KNOWN_OTHER_SYMBOLS = {
    "ean13-zxing-2/14.png": {"1920081045006"},
    "ean13-zxing-2/20.png": {"1920081045006"},
    "ean13-zxing-2/24.png": {"1920081045006"},
}
RETAIL = {"EAN13", "UPCA", "EAN-13", "UPC-A"}


def load_manifest() -> list[tuple[str, str, str]]:
    """(path, symbology, expected payload) per photo."""
    with open(PHOTOS / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    manifest = []
    for row in rows:
        photo = PHOTOS / row["path"]
        for suffix in (".txt", ".bin"):
            if photo.with_suffix(suffix).exists():
                expected = as_text(photo.with_suffix(suffix).read_bytes())
        manifest.append((row["path"], row["symbology"], normalise(row["symbology"], expected)))
    return manifest


def as_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def normalise(symbology: str, payload: str) -> str:
    if symbology in RETAIL and payload.isdigit() and len(payload) == 12:
        return "0" + payload
    return payload


def ours(data: bytes) -> set[str]:
    return {d.payload for d in decode_image(data)}


def zxing_alone(data: bytes) -> set[str]:
    gray = open_gray(data)
    return {normalise(str(b.format), as_text(bytes(b.bytes))) for b in zxingcpp.read_barcodes(gray)}


def measure(decoder: Callable[[bytes], set[str]], manifest) -> dict:
    reads, misreads, times, stress_reads = 0, [], [], 0
    for path, _symbology, expected in manifest:
        data = (PHOTOS / path).read_bytes()
        start = time.perf_counter()
        payloads = decoder(data)
        times.append(time.perf_counter() - start)
        if expected in payloads:
            reads += 1
            stress_reads += path.startswith(STRESS_SET)
        wrong = payloads - {expected} - KNOWN_OTHER_SYMBOLS.get(path, set())
        if wrong:
            misreads.append((path, sorted(wrong)))
    times.sort()
    return {
        "reads": reads,
        "stress_reads": stress_reads,
        "misreads": misreads,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000,
    }


def camera_frame(payload: str, seed: int = 1) -> bytes:
    """A 1280x720 JPEG: grey noisy background, a white label with a QR, slight blur."""
    rng = random.Random(seed)
    frame = Image.effect_noise((1280, 720), 24).point(lambda v: v * 0.6 + 40).convert("RGB")
    label = Image.new("RGB", (360, 260), "white")
    code = qrcode.make(payload, box_size=5, border=2).get_image().convert("RGB")
    label.paste(code, (10, 10))
    frame.paste(label, (rng.randrange(0, 900), rng.randrange(0, 440)))
    frame = frame.filter(ImageFilter.GaussianBlur(0.8))
    out = io.BytesIO()
    frame.save(out, "JPEG", quality=85)
    return out.getvalue()


def frame_median_ms(payload: str, runs: int = 40) -> tuple[float, bool]:
    data = camera_frame(payload)
    ok = payload in ours(data)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        decode_image(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, ok


def main() -> None:
    if not PHOTOS.is_dir():
        sys.exit(f"no photos at {PHOTOS}")
    manifest = load_manifest()
    stress_total = sum(path.startswith(STRESS_SET) for path, _, _ in manifest)
    print(f"{len(manifest)} photos ({stress_total} in the {STRESS_SET} stress set)")
    print(f"{'decoder':<14}{'read':>6}{'stress':>8}{'misread':>9}{'median':>10}{'p95':>9}")
    for name, decoder in (("ours", ours), ("zxing-cpp", zxing_alone)):
        m = measure(decoder, manifest)
        print(
            f"{name:<14}{m['reads']:>6}{m['stress_reads']:>8}{len(m['misreads']):>9}"
            f"{m['median_ms']:>8.1f}ms{m['p95_ms']:>7.1f}ms"
        )
        for path, wrong in m["misreads"]:
            print(f"    misread {path}: {wrong}")
    median, ok = frame_median_ms("https://krafte.example/l/R261123-004")
    print(f"1280x720 camera frame with one label QR: median {median:.1f} ms, read={ok}")


if __name__ == "__main__":
    main()
