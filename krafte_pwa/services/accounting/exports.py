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
from dataclasses import dataclass
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


@dataclass
class Export:
    filename: str
    mimetype: str
    content: bytes


def _labels(accounts: dict[str, str]) -> dict[str, str]:
    """Account number -> what it is (the first name using it, in the map's order)."""
    labels: dict[str, str] = {}
    for name in DEFAULT_ACCOUNTS:
        labels.setdefault(accounts[name], account_label(name))
    return labels


def _clean(text) -> str:
    """No field separator or line break inside a field."""
    return " ".join(str(text or "").replace("\t", " ").split())


def _plain(value: Decimal) -> str:
    text = str(value)  # an amount in cents already prints as such, and str() is fast
    return text if len(text) > 3 and text[-3] == "." and "E" not in text else f"{value:.2f}"


def fec(journal: Journal, accounts: dict[str, str], journal_name: str,
        siren: str | None = None) -> Export:
    """Plain string operations, each field cleaned and each date formatted once: a month
    is hundreds of thousands of lines."""
    labels = {account: _clean(label) for account, label in _labels(accounts).items()}
    name = _clean(journal_name)
    days: dict = {}
    amounts: dict[Decimal, str] = {}
    accounts_part: dict[str, str] = {}
    rows = ["\t".join(FEC_FIELDS)]
    append = rows.append
    for entry in journal.entries:
        day = days.get(entry.date)
        if day is None:
            day = days[entry.date] = entry.date.strftime("%Y%m%d")
        number = str(entry.number)
        head = f"{entry.journal}\t{name}\t{number}\t{day}\t"
        tail = (f"\t\t\t{_clean(entry.document or f'ST{number}')}\t{day}\t"
                f"{_clean(entry.label)}\t")
        end = f"\t\t\t{day}\t\t"
        for line in entry.lines:
            account = line.account
            part = accounts_part.get(account)
            if part is None:
                part = accounts_part[account] = \
                    f"{account}\t{labels[account] if account in labels else _clean(account)}"
            debit = amounts.get(line.debit)
            if debit is None:
                debit = amounts[line.debit] = _plain(line.debit).replace(".", ",")
            credit = amounts.get(line.credit)
            if credit is None:
                credit = amounts[line.credit] = _plain(line.credit).replace(".", ",")
            append(f"{head}{part}{tail}{debit}\t{credit}{end}")
    filename = f"{siren or '000000000'}FEC{journal.last_day.strftime('%Y%m%d')}.txt"
    text = "\r\n".join(rows) + "\r\n"
    return Export(filename, "text/plain; charset=iso-8859-15",
                  text.encode("iso-8859-15", errors="replace"))


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
