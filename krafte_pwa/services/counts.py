"""Stock counts of a location: open (or resume) a count, scan lots and enter the
quantity found, see the lots expected there but not scanned, confirm or cancel.

Confirming posts each difference as a movement of kind COUNT with reason "count", all in
one transaction: expected = on hand at that moment (not when the count was opened, so
work done meanwhile is not undone); a lot expected but not scanned was not found and is
taken to zero; a lot found but not expected (even one never seen here) is added.

Concurrency: one open count per location. Opening locks the location row (PostgreSQL;
SQLite serializes writers), so two people opening the same shelf get the same count.
Confirming locks the count row, then the location's balance rows in lot order (the
ledger's lock order), so nobody moves that stock between "expected" and the posting.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..errors import BadInput, Forbidden, InvalidTransition, NotFound
from ..extensions import db
from ..messages import N_, _
from ..models import (
    Balance,
    Item,
    Location,
    Lot,
    MovementKind,
    StockCount,
    StockCountLine,
    User,
)
from ..models.types import utcnow
from . import _inputs as read
from ._ledger import Posting, post
from ._sequences import document_number
from ._tx import transactional, upsert
from .queries import Page, newest_first, paging, statuses
from .settings import get_setting

ZERO = Decimal(0)
REASON = "count"
STATUSES = ("open", "submitted", "posted", "cancelled")


@dataclass
class CountedLine:
    line: StockCountLine
    lot: Lot
    on_hand: Decimal  # now (while open) or when posted

    @property
    def difference(self) -> Decimal:
        return self.line.counted - self.on_hand


@dataclass
class ExpectedLot:
    lot: Lot
    on_hand: Decimal


@dataclass
class CountView:
    count: StockCount
    lines: list[CountedLine] = field(default_factory=list)
    missing: list[ExpectedLot] = field(default_factory=list)  # expected, not scanned


@dataclass
class Confirmed:
    count: StockCount
    movements: list = field(default_factory=list)


# ---------------------------------------------------------------- helpers

def _count(number, *, for_update: bool = False) -> StockCount:
    return read.fetch(StockCount.number, number, "number", N_("no stock count '%(number)s'"),
                      "unknown_count", for_update=for_update)


def _must_be_open(count: StockCount, action: str) -> None:
    if count.status != "open":
        raise InvalidTransition(_refusal(count, action),
                                details={"count": count.number, "status": count.status})


def _refusal(count: StockCount, action: str) -> str:
    """Why a count that is not open refuses the action: whole sentences, one per case."""
    number, status = count.number, count.status
    messages = {
        ("posted", "changed"): _("%(count)s is posted: it cannot be changed", count=number),
        ("posted", "confirmed"): _("%(count)s is posted: it cannot be confirmed", count=number),
        ("posted", "cancelled"): _("%(count)s is posted: it cannot be cancelled", count=number),
        ("cancelled", "changed"): _("%(count)s is cancelled: it cannot be changed",
                                    count=number),
        ("cancelled", "confirmed"): _("%(count)s is cancelled: it cannot be confirmed",
                                      count=number),
        ("cancelled", "cancelled"): _("%(count)s is cancelled: it cannot be cancelled",
                                      count=number),
    }
    return messages.get((status, action)) or _(
        "%(count)s is %(status)s: it cannot be %(action)s",
        count=number, status=status, action=action)


def _balances(location_id: int, *, lock: bool = False) -> dict[int, Decimal]:
    """On hand per lot at the location (rows with stock)."""
    query = (select(Balance.lot_id, Balance.quantity)
             .where(Balance.location_id == location_id, Balance.quantity > 0)
             .order_by(Balance.lot_id))
    if lock:
        query = query.with_for_update()
    return dict(db.session.execute(query).all())


# ---------------------------------------------------------------- actions

@transactional
def open_count(*, location, blind=None, user_id=None, today: date | None = None
               ) -> tuple[StockCount, bool]:
    """A new count of the location, or the open one (resume): one open count per place.
    blind (default: the count_blind setting): counters do not see expected quantities.
    Returns (count, resumed)."""
    today = today or date.today()
    if blind in (None, ""):
        blind = get_setting("count_blind") == "1"
    elif not isinstance(blind, bool):
        if str(blind).lower() not in ("0", "1", "true", "false"):
            raise BadInput(_("blind must be true or false"), details={"field": "blind"})
        blind = str(blind).lower() in ("1", "true")
    code = read.text(location, "location")
    where = db.session.execute(
        select(Location).where(Location.code == code).with_for_update(key_share=True)
    ).scalar()
    if where is None or where.kind != "storage":
        raise NotFound(_("no location with code '%(code)s'", code=code), code="unknown_location",
                       details={"field": "location"})
    current = db.session.execute(
        select(StockCount).where(StockCount.location_id == where.id,
                                 StockCount.status.in_(("open", "submitted")))
        .order_by(StockCount.id).limit(1)).scalar()
    if current is not None:
        return current, True
    count = StockCount(number=document_number("CT", today.year), location_id=where.id,
                       status="open", blind=blind, user_id=user_id)
    db.session.add(count)
    db.session.flush()
    return count, False


@transactional
def record_line(*, number, lot, quantity, unit=None, reason=None, user_id=None
                ) -> StockCountLine:
    """The quantity of a lot found at the counted location, with why it differs if known;
    scanning it again replaces it."""
    count = _count(number, for_update=True)
    _must_be_open(count, "changed")
    the_lot = read.lot(lot)
    counted = read.base_quantity(the_lot.item, quantity, unit, allow_zero=True)
    why = read.text(reason, "reason", required=False, max_length=500)
    table = StockCountLine.__table__
    stmt = upsert(table).values(count_id=count.id, lot_id=the_lot.id, counted=counted,
                                user_id=user_id, counted_at=utcnow(), reason=why)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.count_id, table.c.lot_id],
        set_={"counted": stmt.excluded.counted, "user_id": stmt.excluded.user_id,
              "counted_at": stmt.excluded.counted_at, "reason": stmt.excluded.reason})
    db.session.execute(stmt)
    line = db.session.execute(
        select(StockCountLine).where(StockCountLine.count_id == count.id,
                                     StockCountLine.lot_id == the_lot.id)
        .execution_options(populate_existing=True)).scalar_one()
    return line


@transactional
def confirm_count(*, number, user_id=None) -> Confirmed:
    """Post every difference as a COUNT movement (reason "count", or the line's reason);
    one transaction. By a manager, always; by anyone else, only when every difference is
    within count_tolerance_percent of what was expected, else the count is "submitted"
    and waits for a manager's confirm."""
    count = _count(number, for_update=True)
    user = db.session.get(User, user_id) if user_id is not None else None
    manager = user is None or user.has_role("manager")
    if count.status == "submitted":
        if not manager:
            raise Forbidden(_("%(count)s waits for a manager's confirm", count=count.number),
                            code="count_submitted")
    else:
        _must_be_open(count, "confirmed")
    on_hand = _balances(count.location_id, lock=True)
    lines = {line.lot_id: line for line in count.lines}
    if not manager and not _within_tolerance(lines.values(), on_hand):
        count.status = "submitted"
        db.session.flush()
        return Confirmed(count, [])
    lots = {lot.id: lot for lot in db.session.execute(
        select(Lot).where(Lot.id.in_(set(lines) | set(on_hand)))).scalars()}
    postings = []
    for lot_id in sorted(set(lines) | set(on_hand)):
        expected = on_hand.get(lot_id, ZERO)
        line = lines.get(lot_id)
        if line is None:  # expected here, not found
            line = StockCountLine(count_id=count.id, lot_id=lot_id, counted=ZERO,
                                  user_id=user_id)
            db.session.add(line)
        line.expected = expected
        difference = line.counted - expected
        if difference != 0:
            postings.append(Posting(lots[lot_id], count.location_id, difference,
                                    MovementKind.COUNT, count.number,
                                    f"{REASON}: {line.reason}" if line.reason else REASON))
    movements = post(postings, user_id) if postings else []
    count.status, count.posted_at = "posted", utcnow()
    db.session.flush()
    return Confirmed(count, movements)


def _within_tolerance(lines, on_hand) -> bool:
    """Every difference at most count_tolerance_percent of what was expected (a lot found
    where none was expected, or none found of what was, is never within)."""
    tolerance = Decimal(get_setting("count_tolerance_percent"))
    seen = {line.lot_id: line.counted for line in lines}
    for lot_id in set(seen) | set(on_hand):
        expected = on_hand.get(lot_id, ZERO)
        difference = abs(seen.get(lot_id, ZERO) - expected)
        if difference and difference * 100 > expected * tolerance:
            return False
    return True


@transactional
def cancel_count(*, number) -> StockCount:
    count = _count(number, for_update=True)
    if count.status != "submitted":
        _must_be_open(count, "cancelled")
    count.status = "cancelled"
    db.session.flush()
    return count


# ---------------------------------------------------------------- reads

def count_view(number) -> CountView:
    """The lines counted so far with what is on hand now (the figures posted, once
    posted), and the lots with stock there that nobody has scanned yet."""
    count = _count(number)
    rows = db.session.execute(
        select(StockCountLine, Lot).join(Lot, Lot.id == StockCountLine.lot_id)
        .join(Item, Item.id == Lot.item_id)
        .where(StockCountLine.count_id == count.id)
        .order_by(Item.sku, Lot.code)).all()
    view = CountView(count)
    if count.status == "posted":
        view.lines = [CountedLine(line, lot, line.expected or ZERO) for line, lot in rows]
        return view
    on_hand = _balances(count.location_id)
    view.lines = [CountedLine(line, lot, on_hand.get(lot.id, ZERO)) for line, lot in rows]
    if count.status in ("open", "submitted"):
        scanned = {lot.id for _line, lot in rows}
        waiting = [lot_id for lot_id in on_hand if lot_id not in scanned]
        if waiting:
            found = db.session.execute(
                select(Lot).join(Item, Item.id == Lot.item_id).where(Lot.id.in_(waiting))
                .order_by(Item.sku, Lot.code)).scalars()
            view.missing = [ExpectedLot(lot, on_hand[lot.id]) for lot in found]
    return view


def list_counts(*, status=None, location=None, page=1, per_page=50) -> Page:
    page, per_page = paging(page, per_page)
    query = select(StockCount)
    if status:
        query = query.where(StockCount.status.in_(statuses(status, STATUSES)))
    if location:
        query = query.where(StockCount.location_id == read.location(location).id)
    return newest_first(query, StockCount, page, per_page)
