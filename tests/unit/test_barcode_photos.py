"""The decoder on 178 real phone photos (shared/barcode-photos): no misreads, and
at least as many reads as measured when the decoder was tuned (bench/decode.py).

Matching rule (the photos' README): exact payload; EAN/UPC compared as 13-digit
GTINs, a 12-digit UPC-A being "0" + its digits. decode_image already returns
EAN-13/UPC-A payloads in 13-digit form, so the expected payload is normalised and
compared exactly.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from krafte_pwa.scan.decode import decode_image

# The checkout sits in /work/main or in a worktree /work/wt/<branch>; the photos in
# /work/shared: the nearest parent that holds them.
PHOTOS = next((base / "shared" / "barcode-photos" for base in Path(__file__).resolve().parents
               if (base / "shared" / "barcode-photos").is_dir()),
              Path(__file__).resolve().parents[2].parent / "shared" / "barcode-photos")

# Reached when tuning (zxing-cpp alone reads 152); raise it when the decoder improves.
FLOOR = 162
TOTAL = 178
# Out-of-focus close-ups that no common decoder reads: reported on their own.
STRESS_SET = "ean13-zxing-5"
STRESS_FLOOR = 0
# Japanese books carry a second EAN-13 (192 + classification + price) under the
# ISBN; these photos show part of it and it is a true read, not a misread.
KNOWN_OTHER_SYMBOLS = {
    "ean13-zxing-2/14.png": {"1920081045006"},
    "ean13-zxing-2/20.png": {"1920081045006"},
    "ean13-zxing-2/24.png": {"1920081045006"},
}

pytestmark = [
    pytest.mark.skipif(not (PHOTOS / "MANIFEST.tsv").is_file(),
                       reason=f"barcode photos not found at {PHOTOS}"),
    # The photos are decoded once per module: under pytest-xdist, on one worker only.
    pytest.mark.xdist_group("barcode_photos"),
]


def _text(raw: bytes) -> str:
    # The same rule as decode_image: UTF-8, else latin-1 (binary DataMatrix).
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _expected(row: dict) -> str:
    photo = PHOTOS / row["path"]
    suffix = ".bin" if photo.with_suffix(".bin").exists() else ".txt"
    payload = _text(photo.with_suffix(suffix).read_bytes())
    if row["symbology"] in ("EAN13", "UPCA") and len(payload) == 12:
        payload = "0" + payload
    return payload


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[str, str, set[str]]]:
    """(path, expected payload, payloads decoded) for every photo, decoded once."""
    with open(PHOTOS / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        (
            row["path"],
            _expected(row),
            {d.payload for d in decode_image((PHOTOS / row["path"]).read_bytes())},
        )
        for row in rows
    ]


def test_every_photo_is_in_the_run(outcomes):
    assert len(outcomes) == TOTAL


def test_no_photo_is_misread(outcomes):
    misreads = {
        path: sorted(payloads - {expected} - KNOWN_OTHER_SYMBOLS.get(path, set()))
        for path, expected, payloads in outcomes
        if payloads - {expected} - KNOWN_OTHER_SYMBOLS.get(path, set())
    }
    assert misreads == {}


def test_reads_at_least_the_floor(outcomes):
    unread = [path for path, expected, payloads in outcomes if expected not in payloads]
    reads = TOTAL - len(unread)
    stress = [path for path in unread if path.startswith(STRESS_SET)]
    print(
        f"\nread {reads}/{TOTAL}; unread outside {STRESS_SET}: {sorted(set(unread) - set(stress))}"
    )
    assert reads >= FLOOR, f"read {reads}/{TOTAL}, floor {FLOOR}; unread: {unread}"


def test_stress_set_is_reported_separately(outcomes):
    stress = [(p, e, got) for p, e, got in outcomes if p.startswith(STRESS_SET)]
    reads = sum(expected in payloads for _, expected, payloads in stress)
    print(f"\n{STRESS_SET}: read {reads}/{len(stress)} (counted in the total too)")
    assert stress, "the stress set is part of the manifest"
    assert reads >= STRESS_FLOOR
