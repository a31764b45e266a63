"""Read-only questions about stock. Reads use balances, never the length of history."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from ..errors import BadInput, NotFound
from ..extensions import db
from ..messages import _
from ..models import LOT_STATUSES, Balance, Item, Location, Lot, LotEvent, Movement
from . import _inputs as read
from . import availability as avail
from ._item_stock import item_figures

ZERO = Decimal(0)
MAX_PAGE = 1_000_000


@dataclass
class ItemStock:
    item: Item
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    on_order: Decimal
    usable: Decimal = ZERO  # released and unexpired, before reservations


@dataclass
class Page:
    rows: list
    total: int
    page: int
    per_page: int


@dataclass
class LotDetail:
    lot: Lot
    quantity: Decimal
    balances: list = field(default_factory=list)  # [(Location, Decimal)]
    status_events: list = field(default_factory=list)  # [LotEvent], newest first

    @property
    def status_reason(self) -> str | None:
        """Why the lot has its status: the reason of its last status change."""
        return self.status_events[0].reason if self.status_events else None


def paging(page, per_page, *, default: int = 50, maximum: int = 500) -> tuple[int, int]:
    try:
        page = int(page or 1)
        per_page = int(per_page or default)
    except (TypeError, ValueError):
        raise BadInput(_("page and per_page must be whole numbers")) from None
    if page < 1 or not 1 <= per_page <= maximum:
        raise BadInput(_("page starts at 1; per_page is between 1 and %(maximum)s",
                         maximum=maximum))
    if page > MAX_PAGE:  # (page - 1) × per_page must stay a valid OFFSET
        raise BadInput(_("page is at most %(maximum)s", maximum=MAX_PAGE),
                       details={"field": "page"})
    return page, per_page


def newest_first(query, model, page: int, per_page: int) -> Page:
    """One page of a list of documents, the newest first, with the total."""
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.order_by(model.created_at.desc(), model.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return Page(rows, total, page, per_page)


def statuses(value, allowed, *, with_field: bool = False) -> list[str]:
    """A comma-separated status filter, each among `allowed`."""
    wanted = [s.strip() for s in str(value).split(",") if s.strip()]
    if not wanted or not set(wanted) <= set(allowed):
        raise BadInput(_("status must be among %(statuses)s", statuses=", ".join(allowed)),
                       details={"field": "status"} if with_field else None)
    return wanted


def reserved_by_item() -> dict[int, Decimal]:
    """What open production and sales orders hold back from others, per item."""
    return avail.reserved()


def reserved_quantity(item_id: int) -> Decimal:
    return avail.reserved([item_id]).get(item_id, ZERO)


def on_order_by_item() -> dict[int, Decimal]:
    """Ordered from suppliers and not received yet, per item (never below zero per line:
    receiving more than ordered does not cancel another line's order)."""
    from ..models import PurchaseOrder, PurchaseOrderLine, ReceiptLine

    # received per open line, through the index of receipt lines by order line: the open
    # orders' lines only, not every receipt ever made against an order
    received = (select(func.sum(ReceiptLine.quantity))
                .where(ReceiptLine.po_line_id == PurchaseOrderLine.id).scalar_subquery())
    rows = db.session.execute(
        select(PurchaseOrderLine.item_id, PurchaseOrderLine.quantity, received)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
        .where(PurchaseOrder.status.in_(("ordered", "partial")))
    ).all()
    totals: dict[int, Decimal] = {}
    for item_id, ordered, got in rows:
        open_quantity = max(ordered - _dec(got), ZERO)
        totals[item_id] = totals.get(item_id, ZERO) + open_quantity
    return totals


def on_order_quantity(item_id: int) -> Decimal:
    return on_order_by_item().get(item_id, ZERO)


def _item_stock(item: Item, a: avail.Availability, on_order: Decimal) -> ItemStock:
    return ItemStock(item, a.on_hand, a.reserved, a.available, on_order, a.usable)


def item_stock(item: Item, today: date | None = None) -> ItemStock:
    """One statement (see _item_stock)."""
    on_hand, use, production, sales, on_order = item_figures(item.id, today or date.today())
    return _item_stock(item, avail.Availability(on_hand, use, production, sales), on_order)


def items_stock(items, today: date | None = None) -> dict[int, ItemStock]:
    """item_stock for a page of items in a few queries (on order left at zero)."""
    found = avail.availability([item.id for item in items], today or date.today())
    return {item.id: _item_stock(item, found[item.id], ZERO) for item in items}


def _dec(value) -> Decimal:
    # SUM over a scaled column comes back scaled by the column type; a CASE may not.
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) and not isinstance(value, bool) else Decimal(value)


def item_by_sku(sku) -> Item:
    return read.item(sku)


def list_items(*, kind=None, q=None, page=1, per_page=50, include_archived=False) -> Page:
    page, per_page = paging(page, per_page)
    query = select(Item)
    if kind:
        query = query.where(Item.kind == kind)
    if q:
        like = f"%{str(q).strip().lower()}%"
        query = query.where(or_(func.lower(Item.sku).like(like), func.lower(Item.name).like(like),
                                Item.gtin == str(q).strip().zfill(14)))
    if not include_archived:
        query = query.where(Item.archived.is_(False))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.order_by(Item.kind, Item.sku).limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    return Page(rows, total, page, per_page)


def lot_detail(code) -> LotDetail:
    """The lot with its item and supplier, its balances with stock and whether it has
    status changes in one statement; the status changes in a second only if it has."""
    code = read.text(code, "lot", max_length=200)
    rows = db.session.execute(_lot_with_balances(), {"code": code}).all()
    if not rows:
        raise NotFound(_("no lot with code '%(code)s'", code=code), code="unknown_lot",
                       details={"field": "lot"})
    lot, _where, _quantity, changed = rows[0]
    balances = [(where, qty) for _lot, where, qty, _changed in rows if where is not None]
    events = _status_events(lot.id) if changed else []
    return LotDetail(lot, sum((q for _where, q in balances), ZERO), balances, events)


@lru_cache(maxsize=1)
def _lot_with_balances():
    """One row per balance with stock (ordered by place), or one row without: built once."""
    changed = (select(LotEvent.id).where(LotEvent.lot_id == Lot.id, LotEvent.kind == "status")
               .exists())
    return (select(Lot, Location, Balance.quantity, changed)
            .options(joinedload(Lot.item), joinedload(Lot.supplier))
            .outerjoin(Balance, and_(Balance.lot_id == Lot.id, Balance.quantity > 0))
            .outerjoin(Location, Location.id == Balance.location_id)
            .where(Lot.code == bindparam("code"))
            .order_by(Location.code))


def detail_of(lot: Lot) -> LotDetail:
    """A lot already read: its balances with stock and its status changes."""
    rows = db.session.execute(_balances_of(), {"lot": lot.id}).all()
    balances = [(loc, qty) for loc, qty in rows]
    return LotDetail(lot, sum((q for _where, q in balances), ZERO), balances,
                     _status_events(lot.id))


@lru_cache(maxsize=1)
def _balances_of():
    return (select(Location, Balance.quantity)
            .join(Balance, Balance.location_id == Location.id)
            .where(Balance.lot_id == bindparam("lot"), Balance.quantity > 0)
            .order_by(Location.code))


def _status_events(lot_id: int) -> list[LotEvent]:
    return list(db.session.execute(_events_of(), {"lot": lot_id}).scalars().all())


@lru_cache(maxsize=1)
def _events_of():
    return (select(LotEvent).options(joinedload(LotEvent.user))
            .where(LotEvent.lot_id == bindparam("lot"), LotEvent.kind == "status")
            .order_by(LotEvent.created_at.desc(), LotEvent.id.desc()))


def lot_movements(lot: Lot, limit: int = 200) -> list[Movement]:
    """Newest first, with the location and user each row shows."""
    return db.session.execute(
        select(Movement).options(joinedload(Movement.location), joinedload(Movement.user))
        .where(Movement.lot_id == lot.id)
        .order_by(Movement.created_at.desc(), Movement.id.desc()).limit(limit)
    ).scalars().all()


def location_contents(code, limit: int | None = None) -> tuple[Location, list]:
    location = read.location(code, storage_only=False)
    rows = db.session.execute(
        select(Lot, Item, Balance.quantity)
        .join(Balance, Balance.lot_id == Lot.id)
        .join(Item, Item.id == Lot.item_id)
        .where(Balance.location_id == location.id, Balance.quantity > 0)
        .order_by(Item.sku, Lot.code)
        .limit(limit)
    ).all()
    return location, rows


def fefo_order():
    return (Lot.expiry.is_(None), Lot.expiry, Lot.lot_date, Lot.code)


def list_lots(*, item=None, location=None, status=None, expiring_before=None, page=1,
              per_page=50, include_empty=False) -> Page:
    """Lots in FEFO order with their total on hand (storage and WIP)."""
    page, per_page = paging(page, per_page)
    qty = func.coalesce(func.sum(Balance.quantity), 0).label("quantity")
    if include_empty:
        query = select(Lot, qty).outerjoin(Balance, Balance.lot_id == Lot.id)
    else:
        # Only balances with stock: the partial indexes skip used-up lots.
        query = select(Lot, qty).join(Balance, and_(Balance.lot_id == Lot.id,
                                                    Balance.quantity > 0))
    query = query.group_by(Lot.id)
    if item:
        item_id = read.item(item).id
        query = query.where(Lot.item_id == item_id)
        if not include_empty:
            query = query.where(Balance.item_id == item_id)
    if location:
        where = read.location(location, storage_only=False)
        query = query.where(Balance.location_id == where.id)
    if status:
        if status not in LOT_STATUSES:
            raise BadInput(_("status must be released, quarantine or blocked"))
        query = query.where(Lot.status == status)
    if expiring_before:
        limit = read.iso_date(expiring_before, "expiring_before")
        query = query.where(Lot.expiry.is_not(None), Lot.expiry < limit)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.order_by(*fefo_order()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page([(lot, _dec(q)) for lot, q in rows], total, page, per_page)


def suggest_for_item(item: Item, quantity: Decimal, today: date | None = None):
    """(picks, missing): the FEFO suggestion for `quantity` of an item."""
    return avail.suggest_picks(item.id, quantity, today or date.today())
