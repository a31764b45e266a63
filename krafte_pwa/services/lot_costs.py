"""Lot costs: the cost of a lot received without one (the item's last purchase
price, else its standard cost, else 0, which the "cost missing" alert shows), and a
manager's correction of a lot's cost, which revalues the stock on hand."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from ..domain.numbers import COST_PLACES, fits_scale, to_str
from ..errors import BadInput, Conflict
from ..extensions import db
from ..messages import _
from ..models import (
    Balance,
    Genealogy,
    Item,
    Lot,
    LotEvent,
    Movement,
    MovementKind,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptLine,
)
from . import _inputs as read
from ._ledger import Posting, post
from ._sequences import document_number
from ._tx import transactional

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


# ---------------------------------------------------------------- cost correction

@dataclass
class Used:
    quantity: Decimal = ZERO
    value: Decimal = ZERO


@dataclass
class CostCorrection:
    lot: Lot
    old_cost: Decimal
    new_cost: Decimal
    document: str
    revalued: Decimal  # quantity on hand revalued
    value_change: Decimal
    consumed: Used = field(default_factory=Used)  # by production, at the old cost
    shipped: Used = field(default_factory=Used)  # to customers, at the old cost
    output_lots: list[str] = field(default_factory=list)  # made from it, not rewritten


@transactional
def correct_lot_cost(*, lot, unit_cost, reason, user_id=None) -> CostCorrection:
    """A manager's correction of a lot's unit cost (per base unit). The stock still on hand
    leaves at the old cost and comes back at the new one (REVALUATION_OUT / _IN, same
    quantities), so on hand stays the sum of quantities and the value at any instant the
    sum of quantity x cost. What was already consumed or shipped keeps its old cost: lots
    made from it are not rewritten, and the answer says how much that was."""
    the_lot = read.lot(lot, for_update=True)
    why = read.text(reason, "reason", max_length=500)
    cost = read.unit_cost(unit_cost)
    if not fits_scale(cost, COST_PLACES):
        raise BadInput(_("unit cost has more than %(places)s decimal places",
                         places=COST_PLACES), details={"field": "unit_cost"})
    old = the_lot.unit_cost
    if cost == old:
        raise Conflict(_("lot %(lot)s already costs %(cost)s", lot=the_lot.code,
                         cost=to_str(old)), code="no_change")
    balances = db.session.execute(
        select(Balance.location_id, Balance.quantity)
        .where(Balance.lot_id == the_lot.id, Balance.quantity > 0)
        .order_by(Balance.location_id).with_for_update()).all()
    document = document_number("RV", date.today().year)
    revalued = sum((q for _loc, q in balances), ZERO)
    if balances:
        post([Posting(the_lot, loc, -q, MovementKind.REVALUATION_OUT, document)
              for loc, q in balances], user_id)
    the_lot.unit_cost = cost
    if balances:
        post([Posting(the_lot, loc, q, MovementKind.REVALUATION_IN, document)
              for loc, q in balances], user_id)
    db.session.add(LotEvent(lot_id=the_lot.id, kind="cost", old_value=to_str(old),
                            new_value=to_str(cost), reason=why, user_id=user_id))
    with localcontext() as ctx:
        ctx.prec = 80
        change = revalued * (cost - old)
    result = CostCorrection(the_lot, old, cost, document, revalued, change,
                            _used(the_lot.id, MovementKind.CONSUME),
                            _used(the_lot.id, MovementKind.SHIPMENT),
                            _outputs(the_lot.id))
    return result


def _used(lot_id: int, kind: int) -> Used:
    rows = db.session.execute(select(Movement.quantity, Movement.unit_cost)
                              .where(Movement.lot_id == lot_id, Movement.kind == kind)).all()
    used = Used()
    with localcontext() as ctx:
        ctx.prec = 80
        for quantity, cost in rows:
            used.quantity -= quantity
            used.value -= quantity * cost
    return used


def _outputs(lot_id: int) -> list[str]:
    return list(db.session.execute(
        select(Lot.code).join(Genealogy, Genealogy.output_lot_id == Lot.id)
        .where(Genealogy.input_lot_id == lot_id).distinct().order_by(Lot.code)).scalars())
