"""Labels: every printed QR code scans back to its exact payload.

Round trips go through our own decoder (``krafte_pwa.scan.decode``); PNGs are also
read with plain zbar (pyzbar), the engine a phone-less deployment relies on. PDFs
are rasterised with poppler's ``pdftoppm`` at 300 and 150 dpi, like a printer
driver would, and every label cell of every page is decoded.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pyzbar import pyzbar
from pyzbar.pyzbar import ZBarSymbol

from krafte_pwa.labels import (
    DPIS,
    ROLL_SIZES,
    SHEET_LAYOUTS,
    LabelData,
    LabelError,
    SheetLayout,
    parse_layout,
    render_pdf,
    render_png,
    render_zpl,
    roll_size,
    shorten,
    wrap,
)
from krafte_pwa.labels.layout import QUIET_ZONE
from krafte_pwa.labels.pdf import layout_pdf
from krafte_pwa.labels.png import layout_png
from krafte_pwa.labels.text import ASCENT, DESCENT, ELLIPSIS
from krafte_pwa.labels.zpl import layout_zpl
from krafte_pwa.scan.decode import decode_image

CREME = "Crème hydratante à l'huile d'argan et beurre de karité bio — pot 50 ml"
COEUR = "Cœur de bougie parfumée"
HUGE = ("Émulsion très concentrée œillet, génépi & ça va — " * 8)[:290] + "0123456789"

SAMPLES = [
    LabelData(
        "lot",
        CREME,
        "R261123-004",
        "http://host:8000/l/R261123-004",
        quantity_text="25 kg",
        expiry_text="23/11/2027",
        date_text="23/11/2025",
        supplier_lot_text="FOURN-2025-Ç77",
    ),
    LabelData(
        "lot",
        COEUR,
        "P261123-002",
        "https://atelier.example.fr/l/P261123-002",
        quantity_text="1 234,50 g",
        expiry_text="01/06/2026",
        date_text="23/11/2025",
        extra_lines=("Conserver au frais", "Lot de production"),
    ),
    LabelData(
        "location",
        "Étagère matières premières — allée B, niveau 3",
        "B-02-03",
        "http://192.168.1.20:8000/loc/B-02-03",
    ),
    LabelData("item", COEUR, "CBP-200", "http://host:8000/i/CBP-200", quantity_text="12 pcs"),
    LabelData(
        "lot",
        HUGE,
        "R261123-999",
        "https://inventaire.savonnerie-exemple.fr/l/R261123-999",
        quantity_text="3 × 5 kg",
        expiry_text="31/12/2030",
    ),
]


def our_qr_payloads(png: bytes) -> list[str]:
    return sorted(d.payload for d in decode_image(png) if d.symbology == "QRCODE")


def zbar_qr_payloads(image: Image.Image) -> list[str]:
    return sorted(s.data.decode() for s in pyzbar.decode(image, symbols=[ZBarSymbol.QRCODE]))


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# --- PNG ---------------------------------------------------------------------------


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("size", list(ROLL_SIZES))
def test_png_label_scans_back_to_its_exact_payload(size, dpi):
    for label in SAMPLES:
        data = render_png(label, size, dpi)
        image = Image.open(io.BytesIO(data))
        assert image.size == roll_size(size).pixels(dpi)
        assert image.mode == "1"
        assert tuple(round(v) for v in image.info["dpi"]) == (dpi, dpi)
        assert our_qr_payloads(data) == [label.qr_payload]
        assert zbar_qr_payloads(image.convert("L")) == [label.qr_payload]


def test_png_grayscale_mode_scans_too():
    data = render_png(SAMPLES[0], "57x32", 203, mode="L")
    assert Image.open(io.BytesIO(data)).mode == "L"
    assert our_qr_payloads(data) == [SAMPLES[0].qr_payload]


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("size", list(ROLL_SIZES))
def test_png_qr_has_whole_dot_modules_and_a_clean_quiet_zone(size, dpi):
    for label in SAMPLES:
        layout = layout_png(label, size, dpi)
        qr = layout.qr
        assert qr.module == int(qr.module) >= 2
        image = Image.open(io.BytesIO(render_png(label, size, dpi))).convert("L")
        quiet = QUIET_ZONE * qr.module
        box = (qr.x - quiet, qr.y - quiet, qr.x + qr.side + quiet, qr.y + qr.side + quiet)
        assert box[0] >= 0 and box[1] >= 0
        assert box[2] <= image.width and box[3] <= image.height
        ring = image.crop(box)
        ring.paste(255, (quiet, quiet, quiet + int(qr.side), quiet + int(qr.side)))
        assert ring.getextrema() == (255, 255), "text or ink inside the quiet zone"


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("size", list(ROLL_SIZES))
def test_png_text_stays_inside_its_box(size, dpi):
    for label in SAMPLES:
        layout = layout_png(label, size, dpi)
        x0, y0, x1, y1 = layout.text_box
        assert layout.runs, "a label with no text"
        for run in layout.runs:
            assert run.x >= x0 and run.x + run.width <= x1 + 0.01, run
            assert run.baseline - ASCENT * run.size >= y0 - 1, run
            assert run.baseline + DESCENT * run.size <= y1 + 1, run
        # And in pixels: nothing printed in the margin right of the text box.
        image = Image.open(io.BytesIO(render_png(label, size, dpi))).convert("L")
        margin = image.crop((int(x1) + 2, 0, image.width, image.height))
        assert margin.getextrema() == (255, 255)


def test_png_lot_label_shows_every_field_with_code_and_expiry_largest():
    layout = layout_png(SAMPLES[0], "62x29", 300)
    texts = [run.text for run in layout.runs]
    for expected in (
        "R261123-004",
        "25 kg",
        "23/11/2027",
        "23/11/2025",
        "FOURN-2025-Ç77",
        "Lot",
        "Exp.",
    ):
        assert expected in texts
    sizes = {run.text: run.size for run in layout.runs}
    title_size = max(r.size for r in layout.runs if r.text.startswith("Crème"))
    assert sizes["R261123-004"] == max(sizes.values())
    assert sizes["23/11/2027"] > max(sizes["25 kg"], title_size, sizes["23/11/2025"])


def test_a_300_character_name_is_shortened_with_an_ellipsis_everywhere():
    label = SAMPLES[-1]
    assert len(label.title) == 300
    for size in ROLL_SIZES:
        texts = [r.text for r in layout_png(label, size, 203).runs]
        title = texts[: texts.index("Lot")]  # the title lines come before the code
        assert title and title[-1].endswith(ELLIPSIS)
        assert label.title.startswith(" ".join(title)[:-1].rstrip())
        assert "R261123-999" in texts
    assert ELLIPSIS in render_zpl(label, "62x29", 203)
    assert any(r.text.endswith(ELLIPSIS) for r in layout_pdf(label, 63.5, 33.9).runs)


def test_captions_are_the_callers_translations():
    label = LabelData(
        "lot",
        "Cire de soja",
        "R1",
        "http://h/l/R1",
        expiry_text="01/01/2027",
        captions={"expiry": "DLUO", "lot": ""},
    )
    texts = [r.text for r in layout_png(label, "62x29", 300).runs]
    assert "DLUO" in texts and "Exp." not in texts and "Lot" not in texts
    with pytest.raises(LabelError) as error:
        LabelData("lot", "x", "R1", "http://h/l/R1", captions={"expiryy": "DLUO"})
    assert error.value.code == "bad_label"


# --- text fitting ------------------------------------------------------------------


def test_shorten_keeps_text_that_fits_and_cuts_the_rest_with_an_ellipsis():
    assert shorten("Cire de soja", 12, len) == "Cire de soja"
    assert shorten("Cire de soja", 8, len) == "Cire de" + ELLIPSIS
    assert shorten("Cire de soja", 6, len) == "Cire" + ELLIPSIS  # no dangling space
    assert shorten("Cire", 0.5, len) == ""


def test_wrap_breaks_between_words_and_marks_what_it_drops():
    assert wrap("Cœur de bougie parfumée", 14, len, 2) == ["Cœur de bougie", "parfumée"]
    lines = wrap(CREME, 20, len, 2)
    assert len(lines) == 2 and lines[-1].endswith(ELLIPSIS)
    assert all(len(line) <= 20 for line in lines)
    assert wrap("A" * 50, 20, len, 5) == ["A" * 20, "A" * 20, "A" * 10]


# --- PDF ---------------------------------------------------------------------------

CUSTOM = "page=a4;grid=3x3;label=60x80;margin=10x20;gap=5x10"  # tall labels: QR below
PDF_LAYOUTS = ["a4-3x8", "a4-2x7", "letter-3x10", *(f"roll-{s}" for s in ROLL_SIZES), CUSTOM]


def lot_labels(count: int) -> list[LabelData]:
    names = [CREME, COEUR, "Cire de soja", "Savon surgras au lait de chèvre", HUGE]
    return [
        LabelData(
            "lot",
            names[i % len(names)],
            f"R261123-{i:03d}",
            f"http://host:8000/l/R261123-{i:03d}",
            quantity_text=f"{i + 1} kg",
            expiry_text="23/11/2027",
            date_text="23/11/2025",
        )
        for i in range(count)
    ]


def rasterise(pdf: bytes, dpi: int, tmp_path: Path) -> list[Image.Image]:
    source = tmp_path / "labels.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-gray", str(source), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    pages = []
    for path in sorted(tmp_path.glob("page-*.png")):
        with Image.open(path) as page:
            pages.append(page.convert("L"))
    return pages


def cell(page: Image.Image, sheet: SheetLayout, position: int, dpi: int) -> Image.Image:
    x, y = sheet.origin(position)
    scale = dpi / 25.4
    return page.crop(
        (
            round(x * scale),
            round(y * scale),
            round((x + sheet.label_width_mm) * scale),
            round((y + sheet.label_height_mm) * scale),
        )
    )


needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed"
)


@needs_pdftoppm
@pytest.mark.parametrize("dpi", [300, 150])
@pytest.mark.parametrize("layout", PDF_LAYOUTS)
def test_pdf_every_label_on_every_page_scans_back(layout, dpi, tmp_path):
    sheet = parse_layout(layout)
    count = sheet.per_page + 2 if sheet.per_page > 1 else 2  # always two pages
    labels = lot_labels(count)
    pages = rasterise(render_pdf(labels, layout), dpi, tmp_path)
    assert len(pages) == 2
    decoded = 0
    for index, label in enumerate(labels):
        page = pages[index // sheet.per_page]
        expected_size = (sheet.page_width_mm / 25.4 * dpi, sheet.page_height_mm / 25.4 * dpi)
        assert all(abs(a - b) <= 1 for a, b in zip(page.size, expected_size, strict=True))
        found = our_qr_payloads(png_bytes(cell(page, sheet, index, dpi)))
        assert found == [label.qr_payload], (layout, dpi, index)
        decoded += 1
    assert decoded == count
    # The cells after the last label are blank.
    for position in range(count, 2 * sheet.per_page):
        assert cell(pages[1], sheet, position, dpi).getextrema() == (255, 255)


@needs_pdftoppm
def test_pdf_whole_page_scan_counts_every_label(tmp_path):
    labels = lot_labels(24)
    (page,) = rasterise(render_pdf(labels, "a4-3x8"), 300, tmp_path)
    assert zbar_qr_payloads(page) == sorted(label.qr_payload for label in labels)


@needs_pdftoppm
def test_pdf_start_position_skips_used_labels_on_the_first_sheet(tmp_path):
    sheet = SHEET_LAYOUTS["a4-3x8"]
    labels = lot_labels(22)
    pages = rasterise(render_pdf(labels, "a4-3x8", start_position=5), 150, tmp_path)
    assert len(pages) == 2  # 20 on the first sheet, 2 on the second
    for position in range(4):
        assert cell(pages[0], sheet, position, 150).getextrema() == (255, 255)
    assert our_qr_payloads(png_bytes(cell(pages[0], sheet, 4, 150))) == [labels[0].qr_payload]
    assert our_qr_payloads(png_bytes(cell(pages[1], sheet, 1, 150))) == [labels[21].qr_payload]


def test_pdf_page_size_and_single_label():
    pdf = render_pdf(SAMPLES[0], "roll-62x29")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") == 1
    (box,) = re.findall(rb"/MediaBox \[ ([\d. ]+) \]", pdf)
    x0, y0, x1, y1 = map(float, box.split())
    assert (x0, y0) == (0, 0)
    assert x1 == pytest.approx(62 / 25.4 * 72) and y1 == pytest.approx(29 / 25.4 * 72)


# --- ZPL ---------------------------------------------------------------------------


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("size", list(ROLL_SIZES))
def test_zpl_label_structure(size, dpi):
    width, height = roll_size(size).pixels(dpi)
    for label in SAMPLES:
        zpl = render_zpl(label, size, dpi)
        lines = zpl.strip().splitlines()
        assert lines[0] == "^XA" and lines[-1] == "^XZ"
        assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1
        assert "^CI28" in lines and f"^PW{width}" in lines and f"^LL{height}" in lines
        qr_lines = [line for line in lines if "^BQN,2," in line]
        assert len(qr_lines) == 1
        assert qr_lines[0].endswith(f"^FDMA,{label.qr_payload}^FS")
        magnification = int(qr_lines[0].split("^BQN,2,")[1].split("^")[0])
        assert 1 <= magnification <= 10
        assert f"^FD{label.code}^FS" in zpl
        for value in (label.expiry_text, label.quantity_text):
            if value:
                assert f"^FD{value}^FS" in zpl
        for line in lines:
            if line.startswith("^FT"):
                x, y = map(int, line[3:].split("^")[0].split(","))
                assert 0 <= x < width and 0 < y <= height
                assert "^A0N," in line and "^FB" in line


def test_zpl_escapes_caret_and_tilde_in_field_data():
    label = LabelData("item", "Cire^B~C_D", "SKU_1", "http://h/i/SKU_1")
    zpl = render_zpl(label, "100x50", 300)
    assert "^FH_^FDCire_5EB_7EC_5FD^FS" in zpl
    assert "^FDSKU_1^FS" in zpl  # no ^FH: the underscore is plain data
    assert "^FDMA,http://h/i/SKU_1^FS" in zpl


def test_zpl_copies_are_printed_by_the_printer():
    zpl = render_zpl(SAMPLES[3], "57x32", 203, copies=5)
    assert zpl.strip().splitlines()[-2:] == ["^PQ5", "^XZ"]
    assert "^PQ" not in render_zpl(SAMPLES[3], "57x32", 203)


def test_zpl_qr_leaves_room_for_the_printers_own_encoding():
    layout = layout_zpl(SAMPLES[2], "57x32", 203)
    assert layout.text_box[0] >= layout.qr.x + layout.qr.side + QUIET_ZONE * layout.qr.module


# --- sizes, layouts, errors --------------------------------------------------------


def test_named_sheet_layouts_fit_their_pages():
    assert {"a4-3x8", "a4-2x7", "letter-3x10"} <= set(SHEET_LAYOUTS)
    for sheet in SHEET_LAYOUTS.values():
        x, y = sheet.origin(sheet.per_page - 1)
        assert x + sheet.label_width_mm <= sheet.page_width_mm
        assert y + sheet.label_height_mm <= sheet.page_height_mm
    assert SHEET_LAYOUTS["a4-3x8"].per_page == 24


def test_parse_layout_accepts_names_rolls_specs_and_mappings():
    a4 = SHEET_LAYOUTS["a4-3x8"]
    assert parse_layout(" A4-3x8 ") is a4
    assert parse_layout(a4) is a4
    assert parse_layout(a4.spec).spec == a4.spec
    roll = parse_layout("roll-4x6in")
    assert (roll.per_page, roll.page_width_mm, roll.page_height_mm) == (1, 101.6, 152.4)
    custom = parse_layout(
        {
            "page_width_mm": 100,
            "page_height_mm": 100,
            "cols": 2,
            "rows": 2,
            "label_width_mm": 45,
            "label_height_mm": 45,
            "margin_left_mm": 5,
            "margin_top_mm": 5,
        }
    )
    assert custom.origin(3) == (50, 50)
    centred = parse_layout("page=210x297;grid=2x2;label=100x100;gap=0x0")
    assert (centred.margin_left_mm, centred.margin_top_mm) == (5, 48.5)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: render_png(SAMPLES[0], "99x99"), "unknown_size"),
        (lambda: render_zpl(SAMPLES[0], "A4"), "unknown_size"),
        (lambda: render_png(SAMPLES[0], "62x29", 150), "bad_dpi"),
        (lambda: render_zpl(SAMPLES[0], "62x29", "abc"), "bad_dpi"),
        (lambda: render_pdf(SAMPLES, "a4-9x9"), "unknown_layout"),
        (lambda: render_pdf(SAMPLES, "roll-99x99"), "unknown_layout"),
        (lambda: render_pdf(SAMPLES, "page=a4;grid=4x8;label=63.5x33.9"), "bad_layout"),
        (lambda: render_pdf(SAMPLES, "page=a4;grid=3x8"), "unknown_layout"),
        (lambda: render_pdf(SAMPLES, "a4-3x8", start_position=25), "bad_position"),
        (lambda: render_pdf(SAMPLES, "a4-3x8", start_position=0), "bad_position"),
        (lambda: render_pdf([], "a4-3x8"), "no_labels"),
        (
            lambda: render_png(LabelData("lot", "x", "R1", "http://h/l/" + "x" * 3000)),
            "payload_too_long",
        ),
        (lambda: LabelData("pallet", "x", "R1", "http://h/l/R1"), "bad_label"),
        (lambda: render_png(SAMPLES[0], "62x29", 300, mode="RGB"), "bad_mode"),
        (lambda: render_zpl(SAMPLES[0], copies=0), "bad_copies"),
    ],
)
def test_bad_requests_raise_label_errors_with_a_code(call, code):
    with pytest.raises(LabelError) as error:
        call()
    assert error.value.code == code
    assert isinstance(error.value, ValueError)
