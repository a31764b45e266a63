"""Reading a sales order's fields and lines. Never commits."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.numbers import QUANTITY_PLACES, fits_scale
from ..errors import BadInput, BadQuantity, NotFound
from ..extensions import db
from ..messages import _, field_name
from ..models import Item, SalesOrder
from . import _inputs as read

MAX_LINES = 200


@dataclass
class OrderedLine:
    item: Item | None  # None: a SKU nobody knows here (the order waits on hold)
    sku: str
    quantity: Decimal
    unit_price: Decimal | None


def customer(value) -> str:
    return read.text(value, "customer", max_length=120)


def email(value) -> str | None:
    result = read.text(value, "email", required=False, max_length=254)
    if result is not None and ("@" not in result or any(c.isspace() for c in result)):
        raise BadInput(_("%(field)s is not an e-mail address", field=field_name("email")),
                       code="bad_email", details={"field": "email"})
    return result


def lines(value) -> list[OrderedLine]:
    """[{item, quantity, unit?, unit_price?}] or, from a channel, {item: None, sku}: an
    unknown SKU is kept as it was sent; an unknown `item` is refused."""
    entries = read.object_list(value, "lines", required=True, limit=MAX_LINES)
    if not entries:
        raise BadInput(_("a sales order needs at least one line"), details={"field": "lines"})
    known = _items_named(entries)
    return [_line(entry, f"lines[{n}]", known) for n, entry in enumerate(entries)]


def _items_named(entries: list[dict]) -> dict[str, Item]:
    """Every item the lines name, with its pack units, read at once (not a query per line)."""
    skus = {str(e.get("item") or e.get("sku") or "").strip() for e in entries
            if isinstance(e, dict)} - {""}
    if not skus:
        return {}
    found = db.session.execute(select(Item).where(Item.sku.in_(skus))
                               .options(selectinload(Item.pack_units))).scalars()
    return {item.sku: item for item in found}


def _line(entry: dict, name: str, known: dict[str, Item]) -> OrderedLine:
    if entry.get("item") not in (None, ""):
        sku = read.text(entry.get("item"), "item")
        item = known.get(sku) or read.item(sku)  # read.item: the same refusal as elsewhere
    else:
        sku = read.text(entry.get("sku"), f"{name}.sku", max_length=100)
        item = known.get(sku)
    if item is not None:
        quantity = read.base_quantity(item, entry.get("quantity"), entry.get("unit"),
                                      f"{name}.quantity")
    else:
        quantity = read.number(entry.get("quantity"), f"{name}.quantity")
        if not fits_scale(quantity, QUANTITY_PLACES):
            raise BadQuantity(_("%(field)s has more than %(places)s decimal places",
                                field=field_name(f"{name}.quantity"), places=QUANTITY_PLACES),
                              details={"field": f"{name}.quantity"})
    price = None
    if entry.get("unit_price") not in (None, ""):
        price = read.unit_cost(entry.get("unit_price"), f"{name}.unit_price")
        if item is not None:
            price = read.cost_per_base(item, price, entry.get("unit"))
    if price is None and item is not None:
        price = item.sale_price  # the item's list price when the order names none
    return OrderedLine(item, sku, quantity, price)


def order(number, *, for_update: bool = False) -> SalesOrder:
    if isinstance(number, SalesOrder):
        number = number.number
    number = read.text(number, "number", max_length=20)
    query = select(SalesOrder).where(SalesOrder.number == number)
    if for_update:
        query = query.with_for_update(key_share=True).execution_options(populate_existing=True)
    found = db.session.execute(query).scalar()
    if found is None:
        raise NotFound(_("no sales order '%(number)s'", number=number),
                       code="unknown_sales_order")
    return found
