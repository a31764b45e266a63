"""The perpetual journal, worked out in integers from rows read through the database
driver a day at a time, is the journal a plain reading of the ledger gives, in Decimal:
the same entries in the same order, with the same accounts and cents."""

from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from krafte_pwa.domain.vocabulary import MOVEMENT_KINDS
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Item, Location, Lot, Movement
from krafte_pwa.services import accounting, counts, reports, stock
from krafte_pwa.services.accounting.settings import VARIATION_OF
from tests.accounting_factories import Clock, workshop_month

BY_ITEM_KIND = {"material": "raw_materials", "intermediate": "intermediates",
                "product": "finished_goods"}


def _cents(value: D) -> D:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _events(lower: datetime, upper: datetime) -> list[list]:
    """[day, first id, kind, document, [(category, kind, item, exact value)]] per event
    (document or lone movement, class of operation, day), in (day, first id) order."""
    rows = db.session.execute(
        select(Movement, Item.kind, Location.kind).join(Item, Item.id == Movement.item_id)
        .join(Location, Location.id == Movement.location_id)
        .where(Movement.created_at >= lower, Movement.created_at < upper)
        .order_by(Movement.id)).all()
    events: dict = {}
    for m, item_kind, location_kind in rows:
        category = "wip" if location_kind == "wip" else BY_ITEM_KIND[item_kind]
        key = (m.document if m.document is not None else m.id,
               MOVEMENT_KINDS[m.kind].journal, m.created_at.date())
        event = events.setdefault(key, [m.created_at.date(), m.id, m.kind, m.document, []])
        event[4].append((category, m.kind, m.item_id, m.quantity * m.unit_cost))
    return sorted(events.values(), key=lambda e: (e[0], e[1]))


def _counterpart(accounts, category, kind, sign_of_item) -> str:
    counterpart = MOVEMENT_KINDS[kind].counterpart
    if counterpart is None:
        return accounts["production_absorbed"]
    if counterpart == "variation":
        return accounts[VARIATION_OF[category]]
    if isinstance(counterpart, tuple):
        return accounts[counterpart[0] if sign_of_item < 0 else counterpart[1]]
    return accounts[counterpart]


def reference(lower: datetime, upper: datetime) -> list[tuple]:
    """(day, document, [(account, signed Decimal)]) per entry, from first principles."""
    accounts = accounting.accounts()
    running: dict[str, D] = {}
    for category, raw in reports._past_values(lower).items():
        running[accounts[category]] = running.get(accounts[category], D(0)) + \
            reports.to_money(raw)
    result = []
    for day, _first, _kind, document, parts in _events(lower, upper):
        per_item: dict = {}
        for category, kind, item, value in parts:
            per_item[(category, kind, item)] = per_item.get((category, kind, item), 0) + value
        stock: dict[str, D] = {}
        counter: dict[str, D] = {}
        for (category, kind, _item), value in per_item.items():
            account = accounts[category]
            stock[account] = stock.get(account, D(0)) + value
            other = _counterpart(accounts, category, kind, value)
            counter[other] = counter.get(other, D(0)) - value
        lines = {account: _cents(value) for account, value in counter.items()}
        for account, change in stock.items():
            before = running.get(account, D(0))
            running[account] = before + change
            lines[account] = lines.get(account, D(0)) + _cents(before + change) - \
                _cents(before)
        rest = sum(lines.values(), D(0))
        if rest:
            lines[accounts["rounding"]] = lines.get(accounts["rounding"], D(0)) - rest
        made = sorted((a, v) for a, v in lines.items() if v)
        if made:
            result.append((day, document, made))
    return result


def _journal(lower: datetime, upper: datetime) -> list[tuple]:
    book = accounting.journal(lower.date().isoformat(), (upper - timedelta(days=1)).date()
                              .isoformat())
    return [(e.date, e.document, [(ln.account, ln.debit - ln.credit) for ln in e.lines])
            for e in book.entries]


def _count_with_a_loss_and_a_gain(month) -> None:
    """On day 25: one count of the lab finds the almond oil over and the pots short (one
    entry, a gain and a loss; every other lot as expected), then a pot is found (an
    adjustment: a gain of its own) and creams are lost and found, dated back there."""
    clock = Clock()
    clock.last = db.session.execute(select(func.max(Movement.id))).scalar()
    count, _created = counts.open_count(location="LAB")
    changes = {month["lots"]["oil_2"]: D("0.25"), month["lots"]["pots"]: D(-4)}
    held = db.session.execute(
        select(Lot.code, Balance.quantity).join(Lot, Lot.id == Balance.lot_id)
        .join(Location, Location.id == Balance.location_id)
        .where(Location.code == "LAB", Balance.quantity > 0)).all()
    for code, quantity in held:
        counts.record_line(number=count.number, lot=code,
                           quantity=str(quantity + changes.get(code, 0)))
    counts.confirm_count(number=count.number)
    stock.adjust_stock(lot=month["lots"]["pots"], location="LAB", quantity="1", reason="found")
    for quantity in ("-3", "-1", "2"):  # at the cream's cost, not a whole number of cents
        stock.adjust_stock(lot=month["lots"]["cream"], location="FG", quantity=quantity,
                           reason="damaged" if quantity[0] == "-" else "found")
    clock.at(month["first"] + timedelta(days=24), hour=23)


@pytest.mark.parametrize("rounding", ["658", "100", "999"])
def test_perpetual_journal_is_the_plain_reading_of_the_ledger(app, rounding):
    """The rounding account before, between or after an entry's other two accounts."""
    month = workshop_month()
    _count_with_a_loss_and_a_gain(month)
    accounting.save(method="perpetual", accounts={"rounding": rounding})
    first = datetime.combine(month["first"], time())
    end = datetime.combine(month["last"] + timedelta(days=1), time())
    whole = _journal(first, end)
    assert whole == reference(first, end)
    assert len(whole) >= 8
    count = [e for e in whole if e[0] == month["first"] + timedelta(days=24)]
    assert len(count) == 5 and {a for a, _v in count[0][2]} >= {"658", "758"}
    assert "758" in {a for a, v in count[1][2] if v < 0}  # the pot found
    middle = (first + timedelta(days=5), first + timedelta(days=15))
    assert _journal(*middle) == reference(*middle)
