"""The FEC file's lines, written with plain string operations, field by field."""

from datetime import date, datetime
from decimal import Decimal as D

from krafte_pwa.services.accounting import exports
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


def _journal(entries):
    journal = Journal("perpetual", datetime(2026, 3, 1), datetime(2026, 4, 1))
    journal.entries = entries
    return journal


def test_a_long_fec_is_sent_in_chunks_that_join_into_the_same_lines(monkeypatch):
    accounts = dict(DEFAULT_ACCOUNTS)
    stock, received = accounts["raw_materials"], accounts["goods_received_not_invoiced"]
    entries = [Entry(date(2026, 3, 1 + n % 28), f"Receipt R-{n}", f"R-{n}", number=n + 1,
                     amounts=[(stock, n * 101 + 1), (received, -(n * 101 + 1))])
               for n in range(25)]
    monkeypatch.setattr(exports, "FEC_CHUNK", 7)
    export = fec(_journal(entries), accounts, "Stock")
    chunks = list(export.stream())
    assert len(chunks) == 4  # 25 entries, 7 a chunk, the header with the first ones
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)
    assert [chunk.count(b"\r\n") for chunk in chunks] == [13, 14, 14, 10]
    lines = b"".join(chunks).decode("iso-8859-15").split("\r\n")
    assert export.content == b"".join(chunks)
    rows = [line.split("\t") for line in lines[1:-1]]
    assert len(rows) == 50 and all(len(row) == 18 for row in rows)
    assert [r[2] for r in rows[:4]] == ["1", "1", "2", "2"]
    assert (rows[2][11], rows[2][12], rows[3][11], rows[3][12]) == (
        "1,02", "0,00", "0,00", "1,02")
    assert rows[-1][11:13] == ["0,00", "24,25"] and rows[-1][8] == "R-24"


def test_fec_is_iso_8859_15_whatever_the_text():
    """Latin-1 is used where it writes the same bytes; the euro sign and the other
    characters where the two differ are written as ISO 8859-15 says."""
    accounts = dict(DEFAULT_ACCOUNTS)
    stock, loss = accounts["raw_materials"], accounts["adjustment_loss"]
    for label, expected in (("Réception", "Réception".encode("latin-1")),
                            ("Coût 5 €", b"Co\xfbt 5 \xa4"), ("½ lot ¤", b"? lot ?"),
                            ("Œuvre 漢", b"\xbcuvre ?")):
        entry = Entry(date(2026, 3, 2), label, None, number=1,
                      amounts=[(stock, 5), (loss, -5)])
        content = fec(_journal([entry]), accounts, "Stock").content
        assert content.split(b"\r\n")[1].split(b"\t")[10] == expected, label
        assert content == content.decode("iso-8859-15").encode("iso-8859-15")


def test_fields_are_cleaned_as_before():
    for text in ("plain", "Réception R-1", " lead", "trail ", "two  spaces", "tab\there",
                 "line\nbreak", "nbsp\xa0here", "", None, 12, "ok€"):
        assert exports._clean(text) == " ".join(str(text or "").replace("\t", " ").split())


def test_entry_amounts_and_lines_are_the_same_figures():
    made = Entry(date(2026, 3, 2), "x", None, amounts=[("31", 123456), ("408", -123456)])
    assert [(ln.account, ln.debit, ln.credit) for ln in made.lines] == [
        ("31", D("1234.56"), D(0)), ("408", D(0), D("1234.56"))]
    given = Entry(date(2026, 3, 2), "x", None, [Line("31", D("0.5")), Line("408", D(0), D("0.50"))])
    assert given.amounts == [("31", 50), ("408", -50)]
    assert Entry.from_dict(made.as_dict()).amounts == made.amounts
