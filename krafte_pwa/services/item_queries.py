"""Items offered by the pages' pickers (their stock: services/availability.py), and an
item's lots with stock, page by page."""


from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Date, bindparam, func, literal_column, select, type_coerce, union

from ..extensions import db
from ..models import Balance, Item, Location, Lot
from ..models.types import Quantity
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
    services/availability.py defines them, from per-item sums that read no lot per
    balance: the stock in storage from the index of balances with stock alone, less the
    few balances with stock that are not usable (lots not released, past expiry: of every
    item, found from their own indexes; not many whatever the history)."""
    ids = sorted({item.id for item in items})
    if not ids:
        return {}
    on_hand_of, unusable_of = _stock_statements()
    on_hand = _summed(on_hand_of, {"ids": ids})
    unusable = _summed(unusable_of, {"today": today or date.today()})
    held = avail.reserved(ids)
    result = {}
    for item in items:
        have = on_hand.get(item.id, ZERO)
        use, reserved = have - unusable.get(item.id, ZERO), held.get(item.id, ZERO)
        result[item.id] = ItemStock(item, have, reserved, use - reserved, ZERO, use)
    return result


def _summed(statement, params) -> dict[int, Decimal]:
    return {item_id: Decimal(total or 0)
            for item_id, total in db.session.execute(statement, params).all()}


@lru_cache(maxsize=1)
def _stock_statements():
    """The statements of items_stock (bind parameters ids; today), built once: building
    them costs more than running them on a small database."""
    storage = select(Location.id).where(Location.kind == "storage")
    on_hand = (select(Balance.item_id, type_coerce(func.sum(Balance.quantity), Quantity()))
               .where(Balance.quantity > 0, Balance.location_id.in_(storage),
                      Balance.item_id.in_(bindparam("ids", expanding=True)))
               .group_by(Balance.item_id))
    rows = (Balance.lot_id, Balance.location_id, Balance.item_id, Balance.quantity)
    # the literal lets SQLite read the partial index of lots not released
    held = select(*rows).join(Lot, Lot.id == Balance.lot_id).where(
        Lot.status != literal_column("'released'"), Balance.quantity > 0)
    expired = select(*rows).where(Balance.expiry < bindparam("today", type_=Date()),
                                  Balance.quantity > 0)
    # storage is checked on the few rows found, not used to find them
    found = union(held, expired).subquery()
    unusable = (select(found.c.item_id, type_coerce(func.sum(found.c.quantity), Quantity()))
                .join(Location, Location.id == found.c.location_id)
                .where(Location.kind == "storage").group_by(found.c.item_id))
    return on_hand, unusable
