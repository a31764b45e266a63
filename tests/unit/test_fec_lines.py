"""The FEC file's lines, written with plain string operations, field by field."""

from datetime import date, datetime
from decimal import Decimal as D

from krafte_pwa.services.accounting.exports import FEC_FIELDS, fec
from krafte_pwa.services.accounting.journal import Entry, Journal, Line
from krafte_pwa.services.accounting.settings import DEFAULT_ACCOUNTS


def test_fec_fields_amounts_and_cleaning():
    accounts = dict(DEFAULT_ACCOUNTS)
    journal = Journal("perpetual", datetime(2026, 3, 1), datetime(2026, 4, 1))
    journal.entries = [
        Entry(date(2026, 3, 2), "Receipt\tR-1\nsecond line", "R 1", [
            Line(accounts["raw_materials"], D("1234567.5"), D(0)),
            Line(accounts["goods_received_not_invoiced"], D(0), D("1234567.50"))], number=1),
        Entry(date(2026, 3, 31), "Adjustment", None, [
            Line(accounts["adjustment_loss"], D("0.05"), D(0)),
            Line("999999", D(0), D("0.05"))], number=2),
    ]
    lines = fec(journal, accounts, "Stock\tjournal", "123456789").content.decode(
        "iso-8859-15").split("\r\n")
    assert lines[0].split("\t") == list(FEC_FIELDS) and lines[-1] == ""
    rows = [line.split("\t") for line in lines[1:-1]]
    assert all(len(row) == 18 for row in rows)
    first = dict(zip(FEC_FIELDS, rows[0], strict=True))
    assert first["JournalCode"] == "ST" and first["JournalLib"] == "Stock journal"
    assert first["EcritureNum"] == "1" and first["EcritureDate"] == "20260302"
    assert first["CompteNum"] == accounts["raw_materials"] and first["CompteLib"]
    assert first["PieceRef"] == "R 1" and first["PieceDate"] == "20260302"
    assert first["EcritureLib"] == "Receipt R-1 second line"
    assert (first["Debit"], first["Credit"]) == ("1234567,50", "0,00")
    assert first["ValidDate"] == "20260302"
    assert [(r[11], r[12]) for r in rows[1:]] == [
        ("0,00", "1234567,50"), ("0,05", "0,00"), ("0,00", "0,05")]
    assert rows[2][8] == "ST2"  # no document: the entry's own reference
    assert rows[3][4:6] == ["999999", "999999"]  # an account outside the map: its number
