"""The journal as the files accounting packages import. Plain Python: no Flask.

- fec: the French Fichier des Écritures Comptables (LPF art. A47 A-1): the 18 fields in
  their order, a header line of their names, tab-separated, one line per entry line,
  dates YYYYMMDD, amounts with a decimal comma, entries numbered 1, 2, … without gaps;
  named <SIREN>FEC<end of period YYYYMMDD>.txt; ISO 8859-15, as the article allows.
- xero: Xero's manual journal import (*Narration, *Date, Description, *AccountCode,
  *TaxRate, *Amount signed: debit > 0, credit < 0, tracking columns); the lines of one
  journal share narration and date; dates dd/mm/yyyy.
- quickbooks: QuickBooks Online's journal entry import (Journal No, Journal Date,
  Account Name, Debits, Credits, Description, Name); dates MM/DD/YYYY.
- csv: one row per line, ISO dates, decimal points.
"""

import csv
import io
from collections.abc import Callable, Iterator
from decimal import Decimal

from .journal import Journal
from .settings import DEFAULT_ACCOUNTS, account_label

FORMATS = ("fec", "xero", "quickbooks", "csv")
FEC_FIELDS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum",
              "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib",
              "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise",
              "Idevise")
XERO_FIELDS = ("*Narration", "*Date", "Description", "*AccountCode", "*TaxRate", "*Amount",
               "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2")
XERO_TAX_RATE = "Tax Exempt"  # stock movements carry no tax
QUICKBOOKS_FIELDS = ("Journal No", "Journal Date", "Account Name", "Debits", "Credits",
                     "Description", "Name")
CSV_FIELDS = ("number", "date", "journal", "label", "document", "account", "account_label",
              "debit", "credit", "currency")


class Export:
    """A file: its name, its type and its bytes, given at once or made in chunks as they
    are sent (stream()); `content` is them all."""

    def __init__(self, filename: str, mimetype: str, content: bytes | None = None,
                 chunks: Callable[[], Iterator[bytes]] | None = None):
        self.filename = filename
        self.mimetype = mimetype
        self._content = content
        self._chunks = chunks

    def stream(self) -> Iterator[bytes]:
        if self._content is not None or self._chunks is None:
            yield self._content or b""
        else:
            yield from self._chunks()

    @property
    def content(self) -> bytes:
        if self._content is None:
            self._content = b"".join(self.stream())
        return self._content


def _labels(accounts: dict[str, str]) -> dict[str, str]:
    """Account number -> what it is (the first name using it, in the map's order)."""
    labels: dict[str, str] = {}
    for name in DEFAULT_ACCOUNTS:
        labels.setdefault(accounts[name], account_label(name))
    return labels


def _clean(text) -> str:
    """No field separator or line break inside a field."""
    if text.__class__ is str and text.isprintable() and "  " not in text \
            and text.strip(" ") is text:
        return text  # already clean (all whitespace but the space is non-printable)
    return " ".join(str(text or "").replace("\t", " ").split())


def _plain(value: Decimal) -> str:
    text = str(value)  # an amount in cents already prints as such, and str() is fast
    return text if len(text) > 3 and text[-3] == "." and "E" not in text else f"{value:.2f}"


_CENTS = [f"{n:02d}" for n in range(100)]
FEC_CHUNK = 2_500  # entries (their lines) encoded and sent at a time
# the characters ISO 8859-15 writes otherwise than ISO 8859-1 (Latin-1)
_NOT_LATIN_1 = tuple(bytes([code]) for code in (0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE))


def fec(journal: Journal, accounts: dict[str, str], journal_name: str,
        siren: str | None = None) -> Export:
    """The file is written as it is sent, the lines of FEC_CHUNK entries at a time
    (plain string operations on pre-formatted fields: a month is hundreds of thousands
    of lines); what needs the application (translated names) is read here, before."""
    labels = {account: _clean(label) for account, label in _labels(accounts).items()}
    name = _clean(journal_name)
    filename = f"{siren or '000000000'}FEC{journal.last_day.strftime('%Y%m%d')}.txt"
    entries = journal.entries
    return Export(filename, "text/plain; charset=iso-8859-15",
                  chunks=lambda: map(_iso_8859_15, _fec_text(entries, labels, name)))


def _iso_8859_15(text: str) -> bytes:
    """As text.encode("iso-8859-15", errors="replace"), through Latin-1 (several times
    faster) when the two agree."""
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("iso-8859-15", errors="replace")
    for code in _NOT_LATIN_1:
        if code in data:
            return text.encode("iso-8859-15", errors="replace")
    return data


def _amount(value: int) -> str:
    """Signed cents (debit > 0, credit < 0: never 0) -> the Debit and Credit fields."""
    if value > 0:
        return f"{value // 100},{_CENTS[value % 100]}\t0,00"
    return f"0,00\t{-value // 100},{_CENTS[-value % 100]}"


class _Accounts(dict):
    """Account number -> its two FEC fields (number and label), each made once."""

    def __init__(self, labels: dict[str, str]):
        super().__init__()
        self.labels = labels

    def __missing__(self, number: str) -> str:
        label = self.labels[number] if number in self.labels else _clean(number)
        found = self[number] = f"{number}\t{label}"
        return found


def _fec_text(entries, labels: dict[str, str], name: str) -> Iterator[str]:
    """The file's text in chunks: the header, then one line per entry line (an entry's
    two lines as one string). Each day (YYYYMMDD and the line's last fields) and each
    account's fields are made once; a label or a document is cleaned only when it needs
    it."""
    accounts = _Accounts(labels)
    days: dict = {}
    rows = ["\t".join(FEC_FIELDS)]
    append = rows.append
    for entry in entries:
        day_end = days.get(entry.date)
        if day_end is None:
            day = entry.date.strftime("%Y%m%d")
            day_end = days[entry.date] = (day, f"\t\t\t{day}\t\t")
        day, end = day_end
        number = entry.number
        document, label = entry.document or f"ST{number}", entry.label
        if not (document.isprintable() and label.isprintable()) or "  " in document \
                or "  " in label or document.strip(" ") is not document \
                or label.strip(" ") is not label:
            document, label = _clean(document), _clean(label)
        head = f"{entry.journal}\t{name}\t{number}\t{day}\t"
        tail = f"\t\t\t{document}\t{day}\t{label}\t"
        flat = entry.flat
        if len(flat) == 4:  # most entries: two lines, written as one string
            first, a, second, b = flat
            append(f"{head}{accounts[first]}{tail}{_amount(a)}{end}\r\n"
                   f"{head}{accounts[second]}{tail}{_amount(b)}{end}")
        else:
            parts = iter(flat)
            for account, value in zip(parts, parts, strict=True):
                append(f"{head}{accounts[account]}{tail}{_amount(value)}{end}")
        if len(rows) >= FEC_CHUNK:
            rows.append("")
            yield "\r\n".join(rows)
            rows.clear()
    if rows:
        rows.append("")
        yield "\r\n".join(rows)


def _csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xero(journal: Journal) -> Export:
    rows = []
    for entry in journal.entries:
        narration = _clean(f"{entry.number} {entry.label}")
        for line in entry.lines:
            rows.append((narration, entry.date.strftime("%d/%m/%Y"), _clean(entry.label),
                         line.account, XERO_TAX_RATE, _plain(line.debit - line.credit),
                         "", "", "", ""))
    return Export(f"xero-journals-{_span(journal)}.csv", "text/csv; charset=utf-8",
                  _csv(XERO_FIELDS, rows))


def quickbooks(journal: Journal) -> Export:
    rows = []
    for entry in journal.entries:
        for line in entry.lines:
            rows.append((entry.number, entry.date.strftime("%m/%d/%Y"), line.account,
                         _plain(line.debit) if line.debit else "",
                         _plain(line.credit) if line.credit else "", _clean(entry.label), ""))
    return Export(f"quickbooks-journal-entries-{_span(journal)}.csv",
                  "text/csv; charset=utf-8", _csv(QUICKBOOKS_FIELDS, rows))


def plain_csv(journal: Journal, accounts: dict[str, str], currency: str) -> Export:
    labels = _labels(accounts)
    rows = []
    for entry in journal.entries:
        for line in entry.lines:
            rows.append((entry.number, entry.date.isoformat(), entry.journal,
                         _clean(entry.label), entry.document or "", line.account,
                         labels.get(line.account, ""), _plain(line.debit),
                         _plain(line.credit), currency))
    return Export(f"journal-{_span(journal)}.csv", "text/csv; charset=utf-8",
                  _csv(CSV_FIELDS, rows))


def _span(journal: Journal) -> str:
    return f"{journal.start.date().isoformat()}-{journal.last_day.isoformat()}"
