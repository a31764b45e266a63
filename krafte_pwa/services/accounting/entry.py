"""A journal entry and its lines. Plain Python."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

ZERO = Decimal(0)
CENT = Decimal("0.01")
JOURNAL_CODE = "ST"


def cents(value: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(slots=True)
class Line:
    account: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO

    @property
    def signed(self) -> Decimal:
        return self.debit - self.credit


class Entry:
    """A balanced entry. Its amounts are (account, signed cents: debit > 0) in account
    order; its lines, with Decimal debit and credit, are made from them when first read
    (or given, and the amounts made from them)."""

    __slots__ = ("date", "label", "document", "journal", "number", "_lines", "_amounts")

    def __init__(self, date: date, label: str, document: str | None,
                 lines: list[Line] | None = None, journal: str = JOURNAL_CODE,
                 number: int = 0, amounts: list[tuple[str, int]] | None = None):
        self.date = date
        self.label = label
        self.document = document
        self.journal = journal
        self.number = number
        self._lines = lines
        self._amounts = amounts if amounts is not None or lines is not None else []

    @property
    def lines(self) -> list[Line]:
        if self._lines is None:
            self._lines = [Line(a, Decimal(v).scaleb(-2), ZERO) if v > 0 else
                           Line(a, ZERO, Decimal(-v).scaleb(-2)) for a, v in self._amounts]
        return self._lines

    @property
    def amounts(self) -> list[tuple[str, int]]:
        if self._amounts is None:
            self._amounts = [(ln.account, int(cents(ln.debit - ln.credit).scaleb(2)))
                             for ln in self._lines]
        return self._amounts

    def __repr__(self) -> str:
        return (f"Entry({self.number}, {self.date}, {self.label!r}, {self.document!r}, "
                f"{self.amounts!r})")

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "journal": self.journal, "label": self.label,
                "document": self.document,
                "lines": [[ln.account, str(ln.debit), str(ln.credit)] for ln in self.lines]}

    @classmethod
    def from_dict(cls, data: dict) -> "Entry":
        return cls(date.fromisoformat(data["date"]), data["label"], data.get("document"),
                   [Line(a, Decimal(d), Decimal(c)) for a, d, c in data["lines"]],
                   data.get("journal", JOURNAL_CODE))
