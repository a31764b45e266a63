"""Items offered by the pages' pickers (their stock: services/availability.py)."""


from sqlalchemy import select

from ..extensions import db
from ..models import Item


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
