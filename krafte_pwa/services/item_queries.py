"""Items offered by the pages' pickers, and the stock per item of the items export."""

from datetime import date

from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import Balance, Item, Location, Lot
from .queries import ZERO


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


def stock_by_item(today: date) -> dict[int, list]:
    """item id -> [on hand in storage, of which released and unexpired]."""
    base = (select(Balance.item_id, func.sum(Balance.quantity))
            .join(Lot, Lot.id == Balance.lot_id)
            .join(Location, Location.id == Balance.location_id)
            .where(Balance.quantity > 0, Location.kind == "storage")
            .group_by(Balance.item_id))
    result = {item_id: [total, ZERO] for item_id, total in db.session.execute(base)}
    usable = base.where(Lot.status == "released",
                        or_(Lot.expiry.is_(None), Lot.expiry >= today))
    for item_id, total in db.session.execute(usable):
        result[item_id][1] = total
    return result
