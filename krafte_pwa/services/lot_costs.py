"""The cost of a lot received without one (SPEC §12): the item's last purchase price,
else its standard cost, else 0 (and the "cost missing" alert shows it)."""

from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Item, Lot, PurchaseOrder, PurchaseOrderLine, ReceiptLine

ZERO = Decimal(0)
SENT = ("ordered", "partial", "received")  # a draft's price is not a purchase price yet


def last_purchase_price(item_id: int) -> Decimal | None:
    """Per base unit: the last receipt line of the item that had a cost, else the last
    purchase order line of it with a price."""
    received = db.session.execute(
        select(ReceiptLine.unit_cost).join(Lot, Lot.id == ReceiptLine.lot_id)
        .where(Lot.item_id == item_id, ReceiptLine.unit_cost > 0)
        .order_by(ReceiptLine.id.desc()).limit(1)).scalar()
    if received is not None:
        return received
    return db.session.execute(
        select(PurchaseOrderLine.unit_price)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
        .where(PurchaseOrderLine.item_id == item_id, PurchaseOrderLine.unit_price > 0,
               PurchaseOrder.status.in_(SENT))
        .order_by(PurchaseOrderLine.id.desc()).limit(1)).scalar()


def default_unit_cost(item: Item) -> Decimal:
    """The unit cost (per base unit) a receipt line without a cost gets."""
    price = last_purchase_price(item.id)
    if price is not None:
        return price
    if item.standard_cost is not None and item.standard_cost > 0:
        return item.standard_cost
    return ZERO


def has_cost_source():
    """SQL condition on Item: a purchase price or a standard cost is known."""
    received = aliased(Lot)
    return (exists().where(ReceiptLine.lot_id == received.id, received.item_id == Item.id,
                           ReceiptLine.unit_cost > 0)
            | exists().where(PurchaseOrderLine.item_id == Item.id,
                             PurchaseOrderLine.unit_price > 0,
                             PurchaseOrder.id == PurchaseOrderLine.order_id,
                             PurchaseOrder.status.in_(SENT))
            | (func.coalesce(Item.standard_cost, 0) > 0))
