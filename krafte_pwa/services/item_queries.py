"""Items offered by the pages' pickers (their stock: services/availability.py), and an
item's lots with stock, page by page."""


from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import bindparam, func, select

from ..extensions import db
from ..models import Balance, Item, Lot
from . import availability as avail
from ._keyset import LotPage, Segment, capped_count, lot_page
from .queries import ItemStock

PER_PAGE = 50
ZERO = Decimal(0)


def find_item(sku: str) -> Item | None:
    return db.session.execute(select(Item).where(Item.sku == sku)).scalar()


def receivable_items() -> list[Item]:
    """What is bought in: items in use that are not products, by SKU."""
    return db.session.execute(
        select(Item).where(Item.archived.is_(False), Item.kind != "product")
        .order_by(Item.sku)).scalars().all()


def shippable_items() -> list[Item]:
    """Items in use, products first (what is usually shipped), then by SKU."""
    rows = db.session.execute(select(Item).where(Item.archived.is_(False))
                              .order_by(Item.sku)).scalars().all()
    return sorted(rows, key=lambda i: i.kind != "product")


def recipe_components(item: Item) -> list[Item]:
    """What a recipe of `item` may use: every other item in use, by kind and SKU."""
    return db.session.execute(
        select(Item).where(Item.archived.is_(False), Item.id != item.id)
        .order_by(Item.kind, Item.sku)).scalars().all()


def _lot_segments(item: Item) -> list[Segment]:
    """The item's lots with stock, first to use first: those with an expiry by expiry, then
    those without; by lot date, then lot. Both are ranges of ix_balance_item_fefo."""
    in_stock = (Balance.item_id == item.id, Balance.quantity > 0)
    return [Segment((*in_stock, Balance.expiry.is_not(None)),
                    (Balance.expiry, Balance.lot_date, Balance.lot_id)),
            Segment((*in_stock, Balance.expiry.is_(None)), (Balance.lot_date, Balance.lot_id))]


def _at(lot: Lot) -> tuple:
    if lot.expiry is None:
        return 1, (lot.lot_date, lot.id)
    return 0, (lot.expiry, lot.lot_date, lot.id)


def _lot_totals(segment: Segment):
    """A lot's stock over its locations (storage and work in progress)."""
    return select(*segment.key, func.sum(Balance.quantity)).group_by(*segment.key)


def item_lots(item: Item, *, after: str | None = None, before: str | None = None,
              per_page: int = PER_PAGE) -> LotPage:
    """One page of the item's lots with stock, first to use first (after or before a lot's
    code), and their number counted up to the cap. Each lot is a row of what the page
    shows (id, code, expiry, status, unit_cost): the item is the page's own."""
    counted = (select(Balance.lot_id).where(Balance.item_id == item.id, Balance.quantity > 0)
               .distinct())
    return lot_page(_lot_totals, _lot_segments(item), _at, after=after, before=before,
                    per_page=per_page, total=capped_count(counted), load=_shown_lots)


def _shown_lots(ids: list[int]) -> dict:
    """The page's lots as plain rows by id: only read, so no objects to build and track,
    and no item to load with each."""
    return {row.id: row for row in db.session.execute(_shown_statement(), {"ids": ids})}


@lru_cache(maxsize=1)
def _shown_statement():
    return select(Lot.id, Lot.code, Lot.expiry, Lot.status, Lot.unit_cost).where(
        Lot.id.in_(bindparam("ids", expanding=True)))


def items_stock(items: list[Item], today: date | None = None) -> dict[int, ItemStock]:
    """On hand, usable, reserved and available per item (on order left at zero), as
    services/availability.py defines them: two statements, reading no lot per balance."""
    ids = sorted({item.id for item in items})
    if not ids:
        return {}
    stocked = avail.stock_by_item(ids, today or date.today())
    held = avail.reserved(ids)
    result = {}
    for item in items:
        have, use = stocked.get(item.id, (ZERO, ZERO))
        reserved = held.get(item.id, ZERO)
        result[item.id] = ItemStock(item, have, reserved, use - reserved, ZERO, use)
    return result
