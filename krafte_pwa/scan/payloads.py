"""What a scanned or typed payload means, and the URLs our own labels carry.

Our label QR codes hold ``<base>/l/<lot>``, ``/loc/<code>``, ``/i/<sku>`` and
``/mo/<number>`` so that a phone's own camera app opens the right page.
Supplier barcodes carry GTINs (EAN/UPC) or GS1 element strings (GS1-128, GS1
DataMatrix, GS1 Digital Link), from which receiving fills item, batch, expiry and
net quantity. Everything else is a bare code that the resolver looks up.

GS1 and GTIN rules (check digits, AI formats, dates with day 00, implied decimals)
come from the ``biip`` library rather than being re-implemented here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementString
from biip.gs1_messages import GS1Message
from biip.gtin import Gtin

from ..errors import N_
from .errors import BarcodeError

# kind -> first path segment of the label URL; the reverse map is case-insensitive
# because some QR generators upper-case URLs to use the denser alphanumeric mode.
URL_SEGMENTS = {"lot": "l", "location": "loc", "item": "i", "production_order": "mo"}
_KIND_BY_SEGMENT = {segment: kind for kind, segment in URL_SEGMENTS.items()}

KINDS = frozenset({*URL_SEGMENTS, "gtin", "gs1", "code"})

# Symbologies whose content is by definition a GTIN (names as decode.Decoded uses).
_GTIN_SYMBOLOGIES = frozenset({"EAN13", "EAN8", "UPCA", "UPCE"})

# AIM symbology identifiers that announce a GS1 element string: GS1-128, GS1
# DataMatrix, GS1 QR Code, GS1 DataBar. Scanners in "AIM ID" mode and zxing-cpp
# prefix the payload with them.
_GS1_PREFIXES = ("]C1", "]d2", "]Q3", "]e0", "]J1")
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_SYMBOLOGY_BY_AIM_LETTER = {"E": "EAN13", "C": "CODE128", "Q": "QRCODE", "d": "DATAMATRIX"}
_HRI_START = re.compile(r"^\(\d{2,4}\)")
_GTIN_LENGTHS = frozenset({8, 12, 13, 14})

# Net content AIs (first three digits; the fourth is the decimal places) and units.
_NET_UNITS = {
    "310": "kg",
    "315": "l",
    "316": "m3",
    "320": "lb",
    "356": "oz t",
    "357": "oz",
    "360": "qt",
    "361": "gal",
    "364": "in3",
    "365": "ft3",
    "366": "yd3",
}


@dataclass(frozen=True)
class Parsed:
    """A payload understood: its kind, the code to look up, and extra fields.

    ``kind`` is one of :data:`KINDS`. For ``gtin`` and ``gs1`` the code is the
    14-digit GTIN (for a GS1 string without a GTIN, the string in HRI form).
    """

    kind: str
    code: str
    fields: dict = field(default_factory=dict)


def build_url(base: str, kind: str, code: str) -> str:
    """The URL a label QR code carries, e.g. ``https://x.example/l/R261123-004``.

    The code is percent-quoted with no safe characters, so a ``/``, ``?`` or ``#``
    in a code cannot change which page the URL opens.
    """
    if kind not in URL_SEGMENTS:
        raise ValueError(f"unknown label kind {kind!r}")
    if not code:
        raise ValueError("a label URL needs a code")
    return f"{base.rstrip('/')}/{URL_SEGMENTS[kind]}/{quote(code, safe='')}"


def parse_payload(text: str, *, symbology: str | None = None, gs1: bool = False) -> Parsed:
    """Classify a payload from a label, a supplier barcode or a keyboard wedge.

    ``symbology`` and ``gs1`` come from the image decoder when known: a Code 128 of
    digits is then a bare code, not a GTIN, and ``gs1=True`` says the symbol was
    flagged as a GS1 element string (FNC1 first). Raises :class:`BarcodeError`.
    """
    # Keyboard wedges end with Enter (and some with Tab); str.strip also drops a
    # leading or trailing GS, which carries no meaning at either end.
    text = (text or "").strip()
    if not text:
        raise BarcodeError("empty_payload", N_("The scan was empty."))

    if gs1 or text.startswith(_GS1_PREFIXES):
        return _parse_gs1(text)
    if _AIM_PREFIX.match(text):
        # Another AIM identifier (]E0 EAN, ]Q1 QR, ...): the content follows it.
        hint = _SYMBOLOGY_BY_AIM_LETTER.get(text[1], "OTHER")
        return parse_payload(text[3:], symbology=symbology or hint)

    if "://" in text:
        parsed = _parse_url(text)
        if parsed is not None:
            return parsed

    if text.isdigit() and len(text) in _GTIN_LENGTHS:
        if symbology is None or symbology in _GTIN_SYMBOLOGIES:
            return _parse_gtin(text)
    if "\x1d" in text or _HRI_START.match(text) or _looks_like_unflagged_gs1(text):
        return _parse_gs1(text)
    return Parsed("code", text)


def _parse_url(text: str) -> Parsed | None:
    """Our label URL on any host or prefix, then a GS1 Digital Link; else None."""
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        return None
    # Split before unquoting: a quoted "/" inside a code stays part of the code.
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 2:
        kind = _KIND_BY_SEGMENT.get(segments[-2].lower())
        code = unquote(segments[-1]).strip()
        if kind and code:
            return Parsed(kind, code, {"url": text})
    try:
        link = GS1DigitalLinkURI.parse(text)
    except ParseError:
        return None
    return _gs1_result(link.element_strings, {"url": text})


def _parse_gtin(digits: str) -> Parsed:
    try:
        gtin = Gtin.parse(digits)
    except ParseError as exc:
        raise BarcodeError("invalid_check_digit",
                           N_("%(gtin)s is not a valid GTIN: wrong check digit."),
                           gtin=digits) from exc
    return Parsed("gtin", gtin.as_gtin_14(), _gtin_fields(gtin.as_gtin_14()))


def _gtin_fields(gtin14: str) -> dict:
    fields = {"gtin": gtin14}
    # EAN-13 and UPC-A (as "0" + 12 digits) are how items usually store a GTIN.
    if gtin14.startswith("0"):
        fields["gtin13"] = gtin14[1:]
    return fields


def _looks_like_unflagged_gs1(text: str) -> bool:
    """A GS1-128 read without its FNC1 flag (zbar drops it, wedges often too).

    Only a string that opens with AI 01 and a GTIN with a valid check digit, and
    carries more than the GTIN, is taken for GS1: a lot code or SKU will not.
    """
    if len(text) <= 16 or not text.startswith("01") or not text[2:16].isdigit():
        return False
    try:
        Gtin.parse(text[2:16])
        GS1Message.parse(text)
    except ParseError:
        return False
    return True


def _parse_gs1(text: str) -> Parsed:
    raw = text[3:] if text.startswith(_GS1_PREFIXES) else text
    raw = raw.strip("\x1d")
    try:
        if _HRI_START.match(raw):
            message = GS1Message.parse_hri(raw)
        else:
            message = GS1Message.parse(raw)
    except ParseError as exc:
        raise BarcodeError("invalid_gs1", N_("%(text)s is not a valid GS1 barcode."),
                           text=raw) from exc
    return _gs1_result(message.element_strings, {})


def _gs1_result(elements: list[GS1ElementString], extra: dict) -> Parsed:
    if not elements:
        raise BarcodeError("invalid_gs1", N_("The GS1 element string is empty."))
    fields: dict = {}
    ais: dict[str, str] = {}
    for element in elements:
        ai = element.ai.ai
        ais[ai] = element.value
        # biip keeps parsing past a bad GTIN/SSCC/GLN check digit and reports it.
        error = element.gtin_error or element.sscc_error or element.gln_error
        if error:
            raise BarcodeError("invalid_check_digit",
                               N_("GS1 (%(ai)s): %(value)s has a wrong check digit."),
                               ai=ai, value=element.value)
        if ai == "01" and element.gtin is not None:
            fields.update(_gtin_fields(element.gtin.as_gtin_14()))
        elif ai == "10":
            fields["batch"] = element.value
        elif ai == "21":
            fields["serial"] = element.value
        elif ai == "00":
            fields["sscc"] = element.value
        elif ai in ("17", "15") and element.date is not None:
            # Expiry (17) wins over best-before (15); biip maps day 00 to month end.
            key = "expiry" if ai == "17" else "best_before"
            fields[key] = element.date.isoformat()
        elif ai[:3] in _NET_UNITS and element.decimal is not None and "quantity" not in fields:
            fields["quantity"] = str(element.decimal)
            fields["unit"] = _NET_UNITS[ai[:3]]
    if "expiry" not in fields and "best_before" in fields:
        fields["expiry"] = fields["best_before"]
    fields["ais"] = ais
    fields.update(extra)
    code = fields.get("gtin") or "".join(f"({ai}){value}" for ai, value in ais.items())
    return Parsed("gs1", code, fields)
