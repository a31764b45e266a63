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
    order, kept flat (account, cents, account, cents, …: one object an entry, and few
    objects to allocate and for the garbage collector to visit in a month of them); its
    lines, with Decimal debit and credit, are made from them when first read (or given,
    and the amounts made from them)."""

    __slots__ = ("date", "label", "document", "journal", "number", "_lines", "_flat")

    def __init__(self, date: date, label: str, document: str | None,
                 lines: list[Line] | None = None, journal: str = JOURNAL_CODE,
                 number: int = 0, amounts: list[tuple[str, int]] | None = None,
                 flat: tuple | None = None):
        self.date = date
        self.label = label
        self.document = document
        self.journal = journal
        self.number = number
        self._lines = lines
        if flat is None and amounts is not None:
            flat = tuple(part for pair in amounts for part in pair)
        self._flat = flat if flat is not None or lines is not None else ()

    @property
    def flat(self) -> tuple:
        """(account, signed cents, account, signed cents, …)."""
        if self._flat is None:
            self._flat = tuple(part for ln in self._lines for part in (
                ln.account, int(cents(ln.debit - ln.credit).scaleb(2))))
        return self._flat

    @property
    def amounts(self) -> list[tuple[str, int]]:
        flat = self.flat
        return list(zip(flat[::2], flat[1::2], strict=True))

    @property
    def lines(self) -> list[Line]:
        if self._lines is None:
            self._lines = [Line(a, Decimal(v).scaleb(-2), ZERO) if v > 0 else
                           Line(a, ZERO, Decimal(-v).scaleb(-2)) for a, v in self.amounts]
        return self._lines

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
