"""Payloads: our label URLs, GTINs, GS1 element strings, bare codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from krafte_pwa.scan.errors import BarcodeError
from krafte_pwa.scan.payloads import Parsed, build_url, parse_payload

BASE = "https://krafte.example"


@pytest.mark.parametrize(
    ("kind", "code", "url"),
    [
        ("lot", "R261123-004", "https://krafte.example/l/R261123-004"),
        ("location", "A-01-2", "https://krafte.example/loc/A-01-2"),
        ("item", "WAX-SOY", "https://krafte.example/i/WAX-SOY"),
        ("production_order", "MO-00042", "https://krafte.example/mo/MO-00042"),
    ],
)
def test_label_url_round_trips(kind, code, url):
    assert build_url(BASE, kind, code) == url
    parsed = parse_payload(url)
    assert (parsed.kind, parsed.code) == (kind, code)


def test_build_url_quotes_characters_that_would_change_the_path():
    url = build_url(BASE + "/", "item", "SKU/1 ?#é")
    assert url == "https://krafte.example/i/SKU%2F1%20%3F%23%C3%A9"
    assert parse_payload(url).code == "SKU/1 ?#é"


@given(st.text(min_size=1).filter(lambda s: s.strip() == s and s.strip()))
def test_any_code_round_trips_through_a_label_url(code):
    parsed = parse_payload(build_url("https://k.example/app", "lot", code))
    assert (parsed.kind, parsed.code) == ("lot", code)


def test_build_url_refuses_unknown_kind_and_empty_code():
    with pytest.raises(ValueError):
        build_url(BASE, "customer", "X")
    with pytest.raises(ValueError):
        build_url(BASE, "lot", "")


def test_url_from_another_host_and_prefix_parses_by_its_path():
    parsed = parse_payload("https://other.host/prefix/l/R261123-004")
    assert (parsed.kind, parsed.code) == ("lot", "R261123-004")
    assert parse_payload("HTTP://OTHER.HOST/LOC/A-01/").kind == "location"


def test_foreign_url_that_is_not_a_label_is_a_bare_code():
    assert parse_payload("http://code.google.com/p/zxing/") == Parsed(
        "code", "http://code.google.com/p/zxing/"
    )


@pytest.mark.parametrize(
    ("text", "gtin14", "gtin13"),
    [
        ("96385074", "00000096385074", "0000096385074"),  # GTIN-8 (EAN-8)
        ("036000291452", "00036000291452", "0036000291452"),  # GTIN-12 (UPC-A)
        ("4006381333931", "04006381333931", "4006381333931"),  # GTIN-13 (EAN-13)
        ("04006381333931", "04006381333931", "4006381333931"),  # GTIN-14, indicator 0
        ("10012345678902", "10012345678902", None),  # GTIN-14 of a case: no EAN-13
    ],
)
def test_gtin_is_normalised_to_14_digits(text, gtin14, gtin13):
    parsed = parse_payload(text)
    assert (parsed.kind, parsed.code, parsed.fields["gtin"]) == ("gtin", gtin14, gtin14)
    assert parsed.fields.get("gtin13") == gtin13


@pytest.mark.parametrize("text", ["96385075", "036000291453", "4006381333932", "10012345678903"])
def test_gtin_with_wrong_check_digit_is_refused(text):
    with pytest.raises(BarcodeError) as caught:
        parse_payload(text)
    assert caught.value.code == "invalid_check_digit"
    assert text in caught.value.message


def test_digits_read_from_a_code128_are_a_bare_code_not_a_gtin():
    assert parse_payload("15182881", symbology="CODE128") == Parsed("code", "15182881")
    assert parse_payload("]C015182881") == Parsed("code", "15182881")


GS1_FIELDS = {
    "gtin": "09501101020917",
    "gtin13": "9501101020917",
    "batch": "ABCD12",
    "expiry": "2027-05-31",  # day 00 is the end of the month
    "quantity": "1.250",
    "unit": "kg",
}


@pytest.mark.parametrize(
    "text",
    [
        "]C101095011010209171727050010ABCD12\x1d3103001250",  # GS1-128, AIM prefix
        "\x1d01095011010209171727050010ABCD12\x1d3103001250",  # GS1-128 from a wedge
        "]d201095011010209171727050010ABCD12\x1d3103001250",  # GS1 DataMatrix
        "(01)09501101020917(17)270500(10)ABCD12(3103)001250",  # human readable
    ],
)
def test_gs1_element_string_fills_gtin_batch_expiry_and_net_weight(text):
    parsed = parse_payload(text)
    assert parsed.kind == "gs1"
    assert parsed.code == "09501101020917"
    assert {key: parsed.fields.get(key) for key in GS1_FIELDS} == GS1_FIELDS


def test_gs1_flag_from_the_decoder_parses_a_payload_without_prefix():
    payload = "010890381998765921S1ND6MPPFCGG6B869XES\x1d1731063010BNav4Cam2"
    parsed = parse_payload(payload, gs1=True)
    assert parsed.fields["serial"] == "S1ND6MPPFCGG6B869XES"
    assert parsed.fields["expiry"] == "2031-06-30"
    assert parsed.fields["batch"] == "BNav4Cam2"


def test_gs1_best_before_and_pounds():
    parsed = parse_payload("(01)09501101020917(15)280229(3202)000150")
    assert parsed.fields["expiry"] == "2028-02-29"
    assert parsed.fields["best_before"] == "2028-02-29"
    assert (parsed.fields["quantity"], parsed.fields["unit"]) == ("1.50", "lb")


def test_gs1_digital_link_url_is_gs1():
    parsed = parse_payload("https://id.gs1.org/01/09501101020917/10/ABC?17=270131")
    assert parsed.kind == "gs1"
    assert (parsed.fields["batch"], parsed.fields["expiry"]) == ("ABC", "2027-01-31")


def test_gs1_with_wrong_gtin_check_digit_is_refused():
    with pytest.raises(BarcodeError) as caught:
        parse_payload("]C101095011010209121727050010ABCD12")
    assert caught.value.code == "invalid_check_digit"
    assert "check digit" in caught.value.message


@pytest.mark.parametrize("text", ["]C1XYZ", "(01)09501101020917(17)271332", "]d20112"])
def test_malformed_gs1_is_refused(text):
    with pytest.raises(BarcodeError) as caught:
        parse_payload(text)
    assert caught.value.code == "invalid_gs1"


@pytest.mark.parametrize("text", ["R261123-004", "MO-00042", "WAX-SOY", "A-01-2", "12345"])
def test_anything_else_is_a_bare_code(text):
    assert parse_payload(text) == Parsed("code", text)


def test_keyboard_wedge_whitespace_is_stripped():
    assert parse_payload("  R261123-004\r\n").code == "R261123-004"
    assert parse_payload("4006381333931\n").code == "04006381333931"
    assert parse_payload("https://krafte.example/l/R1\t").code == "R1"


@pytest.mark.parametrize("text", ["", "   ", "\r\n", None])
def test_empty_payload_is_refused(text):
    with pytest.raises(BarcodeError) as caught:
        parse_payload(text)
    assert caught.value.code == "empty_payload"


def test_gs1_128_read_without_its_fnc1_flag_is_still_gs1():
    # zbar drops the leading FNC1 and many wedges send no separator at all.
    parsed = parse_payload("01095011010209171727050010ABCD12")
    assert (parsed.kind, parsed.fields["batch"]) == ("gs1", "ABCD12")


_PAYLOAD_ALPHABET = st.sampled_from("0123456789()]/:.-\x1dCdQEe1lhtpsAB ")


@given(
    st.one_of(
        st.text(),
        st.text(_PAYLOAD_ALPHABET),
        st.builds(lambda s: "https://x.example/" + s, st.text(_PAYLOAD_ALPHABET)),
        st.builds(lambda s: "]C1" + s, st.text(_PAYLOAD_ALPHABET)),
        st.builds(lambda s: "(01)" + s, st.text(_PAYLOAD_ALPHABET)),
    )
)
def test_any_text_parses_or_raises_barcode_error(text):
    # The API turns BarcodeError into a 4xx; anything else would be a 500.
    try:
        parsed = parse_payload(text)
    except BarcodeError as exc:
        assert exc.code in {"empty_payload", "invalid_check_digit", "invalid_gs1"}
    else:
        assert parsed.code
