"""Traceability through the genealogy, any number of levels.

Backward: the order that made a lot, the lots it consumed, down to receipts (supplier,
supplier lot, date). Forward: the orders that consumed a lot, the lots they made, up to
shipments. One query per level plus a few bulk lookups: never a walk of the ledger.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..errors import BadInput
from ..extensions import db
from ..messages import _
from ..models import (
    Genealogy,
    Lot,
    Movement,
    MovementKind,
    Partner,
    ProductionOrder,
    Receipt,
    ReceiptLine,
)
from . import _inputs as read
from .shipments import shipped_lots

MAX_NODES = 5000
DIRECTIONS = ("backward", "forward")


@dataclass
class TraceNode:
    lot: Lot
    # Always in this lot's own unit. The root: made or received; backward: what of this
    # lot went into its parent; forward: what the order that consumed the parent made.
    quantity: Decimal | None
    order: str | None = None  # backward: the order that made it; forward: that consumed it
    used: Decimal | None = None  # forward: what of the parent lot went in (parent's unit)
    used_unit: str | None = None
    children: list["TraceNode"] = field(default_factory=list)
    receipts: list[dict] | None = None
    shipments: list[dict] | None = None


@dataclass
class Trace:
    root: TraceNode
    direction: str
    lots: int  # distinct lots in the tree
    truncated: bool = False


def trace_lot(code, direction: str = "backward") -> Trace:
    direction = direction or "backward"
    if direction not in DIRECTIONS:
        raise BadInput(_("direction must be backward or forward"),
                       details={"field": "direction"})
    return _trace(read.lot_with_item(code), direction == "backward")


def both_ways(lot: Lot | str) -> tuple[Trace, Trace]:
    """Backward and forward from a lot (or its code), for the lot and trace pages: the lot
    and its own quantity are read once."""
    if not isinstance(lot, Lot):
        lot = read.lot_with_item(lot)
    backward = _trace(lot, True)
    return backward, _trace(lot, False, backward.root.quantity)


_UNREAD = object()


def _trace(root: Lot, back: bool, root_quantity=_UNREAD) -> Trace:
    edges, seen, truncated = _walk(root.id, back)
    lots = {root.id: root}
    if len(seen) > 1:  # a lot nothing was made from or with has only itself to show
        lots.update((lot.id, lot) for lot in db.session.execute(
            select(Lot).options(joinedload(Lot.item))
            .where(Lot.id.in_(seen - {root.id}))).scalars())
    made_by = _orders_by_output(seen)
    order_numbers = _order_numbers({o for targets in edges.values()
                                     for _other, _qty, o in targets})
    receipts = _receipts(seen) if back else {}
    shipments = _shipments(seen) if not back else {}

    built = [0]  # a lot reached by two paths appears twice: cap the tree, not only the lots

    def build(lot_id: int, quantity, order_number, path: frozenset) -> TraceNode:
        nonlocal truncated
        built[0] += 1
        node = TraceNode(lots[lot_id], quantity, order_number)
        if back:
            node.order = made_by.get(lot_id, (None, None))[0]
            node.receipts = receipts.get(lot_id, []) if lots[lot_id].origin == "receipt" else None
        else:
            node.shipments = shipments.get(lot_id, [])
        for target, qty, order_id in edges.get(lot_id, []):
            if built[0] >= 2 * MAX_NODES:
                truncated = True
                break
            if target in lots and target not in path:
                if back:
                    child = build(target, qty, order_numbers.get(order_id), path | {target})
                else:  # the genealogy holds the input's quantity: give the output's own
                    made = made_by.get(target, (None, None))[1]
                    child = build(target, made, order_numbers.get(order_id), path | {target})
                    child.used, child.used_unit = qty, lots[lot_id].item.unit
                node.children.append(child)
        return node

    if root_quantity is _UNREAD:
        received = receipts.get(root.id) if root.origin == "receipt" else None
        root_quantity = (received[0]["quantity"] if received
                         else _made_or_received(root, made_by))
    tree = build(root.id, root_quantity, None, frozenset({root.id}))
    return Trace(tree, "backward" if back else "forward", len(seen), truncated)


def _walk(root_id: int, back: bool) -> tuple[dict, set, bool]:
    """The genealogy from the root, one level per query: lot -> [(other lot, quantity,
    order)], every lot reached, and whether MAX_NODES cut the walk short."""
    edges: dict[int, list[tuple[int, Decimal, int]]] = {}
    seen = {root_id}
    frontier = [root_id]
    truncated = False
    here, there = ((Genealogy.output_lot_id, Genealogy.input_lot_id) if back
                   else (Genealogy.input_lot_id, Genealogy.output_lot_id))
    while frontier:
        rows = db.session.execute(
            select(here, there, Genealogy.quantity, Genealogy.order_id)
            .where(here.in_(frontier)).order_by(here, there)).all()
        frontier = []
        for source, target, qty, order_id in rows:
            edges.setdefault(source, []).append((target, qty, order_id))
            if target not in seen:
                if len(seen) >= MAX_NODES:
                    truncated = True
                    continue
                seen.add(target)
                frontier.append(target)
    return edges, seen, truncated


def _orders_by_output(lot_ids) -> dict[int, tuple[str, Decimal]]:
    rows = db.session.execute(
        select(ProductionOrder.output_lot_id, ProductionOrder.number,
               ProductionOrder.actual_quantity)
        .where(ProductionOrder.output_lot_id.in_(lot_ids))).all()
    return {lot_id: (number, qty) for lot_id, number, qty in rows}


def _order_numbers(order_ids) -> dict[int, str]:
    if not order_ids:
        return {}
    return dict(db.session.execute(select(ProductionOrder.id, ProductionOrder.number)
                                   .where(ProductionOrder.id.in_(order_ids))).all())


def _made_or_received(lot: Lot, made_by) -> Decimal | None:
    if lot.id in made_by:
        return made_by[lot.id][1]
    if lot.origin == "receipt":
        return db.session.execute(select(ReceiptLine.quantity)
                                  .where(ReceiptLine.lot_id == lot.id)).scalar()
    total = db.session.execute(select(func.sum(Movement.quantity)).where(
        Movement.lot_id == lot.id, Movement.kind == MovementKind.OPENING)).scalar()
    return total


def _receipts(lot_ids) -> dict[int, list[dict]]:
    rows = db.session.execute(
        select(Lot.id, Receipt.number, Partner.name, Lot.supplier_lot, Lot.lot_date,
               ReceiptLine.quantity)
        .join(Receipt, Receipt.id == Lot.receipt_id)
        .outerjoin(Partner, Partner.id == Receipt.supplier_id)
        .outerjoin(ReceiptLine, ReceiptLine.lot_id == Lot.id)
        .where(Lot.id.in_(lot_ids), Lot.origin == "receipt")).all()
    result: dict[int, list[dict]] = {}
    for lot_id, number, supplier, supplier_lot, on, qty in rows:
        result.setdefault(lot_id, []).append(
            {"number": number, "supplier": supplier, "supplier_lot": supplier_lot,
             "date": on, "quantity": qty})
    return result


def _shipments(lot_ids) -> dict[int, list[dict]]:
    """Where each lot went: shipment, customer, quantity (its locations summed), date."""
    result: dict[int, list[dict]] = {}
    for shipped in shipped_lots(lot_ids):
        result.setdefault(shipped.lot_id, []).append(
            {"document": shipped.shipment, "customer": shipped.customer,
             "quantity": shipped.quantity, "date": shipped.date})
    return result


def flatten(node: TraceNode, depth: int = 0):
    """(depth, node) pairs in display order, for pages."""
    yield depth, node
    for child in node.children:
        yield from flatten(child, depth + 1)

