"""Planning suggestions: what to buy (per default supplier) and what to make, with the
reason for each (a production order, a sales order, a component of something to make,
a reorder point), netting available stock (reservations counted), purchase orders
already open or drafted and what open production orders will make, across every level
of the recipes. One action turns the buy list into draft purchase orders per supplier.
"""

import functools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ..domain.numbers import to_str
from ..domain.order_states import OPEN_STATUSES, PLANNED
from ..domain.planning import COMPONENT, PRODUCTION_ORDER, SALES_ORDER, Demand, Stock, plan
from ..domain.recipes import Formula, Line, RecipeError
from ..domain.units import UnitError, dimension_of
from ..errors import BadInput
from ..extensions import db
from ..messages import N_, _, known
from ..models import (
    Item,
    Partner,
    ProductionOrder,
    PurchaseOrder,
    PurchaseOrderLine,
    Recipe,
    RecipeLine,
    Reservation,
    SalesOrder,
    SalesOrderLine,
    SalesReservation,
)
from ..models.sales_orders import OPEN_SALES_STATUSES
from . import _inputs as read
from . import availability as avail
from ._sequences import document_number
from ._tx import transactional
from .production_costs import latest_unit_costs
from .queries import on_order_by_item

ZERO = Decimal(0)


@dataclass
class Suggested:
    item: Item
    quantity: Decimal
    demand: Decimal  # what orders and the levels above need
    supply: Decimal  # available now + on order + being made
    reasons: list[Demand] = field(default_factory=list)
    reorder_point: Decimal = ZERO  # > 0: the quantity also lifts stock back to it
    supplier: Partner | None = None  # purchases: the item's default supplier
    level: int = 0


@dataclass
class Suggestions:
    purchase: list[Suggested]
    production: list[Suggested]  # deepest level first: what to make first


@dataclass
class Drafted:
    orders: list[PurchaseOrder]
    no_supplier: list[Suggested]  # to buy, but the item has no default supplier


@functools.lru_cache(maxsize=256)
def _whole(unit: str) -> bool:
    try:
        return dimension_of(unit) == "count"
    except UnitError:
        return False


def _book(items: dict) -> dict[str, Formula]:
    """Every active recipe (the newest version of an item's), read as plain rows."""
    recipes = {item_id: (recipe_id, yield_quantity) for recipe_id, item_id, yield_quantity in
               db.session.execute(select(Recipe.id, Recipe.item_id, Recipe.yield_quantity)
                                  .where(Recipe.active.is_(True)).order_by(Recipe.version))}
    current = {recipe_id for recipe_id, _yield in recipes.values()}
    lines: dict[int, list[Line]] = {}
    for recipe_id, item_id, quantity, loss in db.session.execute(
            select(RecipeLine.recipe_id, RecipeLine.item_id, RecipeLine.base_quantity,
                   RecipeLine.loss_percent)
            .join(Recipe, Recipe.id == RecipeLine.recipe_id).where(Recipe.active.is_(True))
            .order_by(RecipeLine.recipe_id, RecipeLine.position)):
        if recipe_id in current:
            component = items[item_id]
            lines.setdefault(recipe_id, []).append(
                Line(component.sku, quantity, loss, _whole(component.unit)))
    return {items[item_id].sku: Formula(items[item_id].sku, yield_quantity,
                                        tuple(lines.get(recipe_id, ())))
            for item_id, (recipe_id, yield_quantity) in recipes.items()}


def _purchase_supply() -> dict[int, Decimal]:
    """Ordered and not received, and drafted (a draft made from these suggestions must not
    be suggested again)."""
    supply = dict(on_order_by_item())
    for item_id, quantity in db.session.execute(
            select(PurchaseOrderLine.item_id, func.sum(PurchaseOrderLine.quantity))
            .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
            .where(PurchaseOrder.status == "draft").group_by(PurchaseOrderLine.item_id)):
        supply[item_id] = supply.get(item_id, ZERO) + quantity
    return supply


def _in_production() -> dict[int, Decimal]:
    return dict(db.session.execute(
        select(ProductionOrder.item_id, func.sum(ProductionOrder.planned_quantity))
        .where(ProductionOrder.status.in_(OPEN_STATUSES))
        .group_by(ProductionOrder.item_id)).all())


def _order_demands(items: dict) -> list[Demand]:
    """What planned orders need and could not reserve (an order started has picked)."""
    return [Demand(items[item_id].sku, required - held, PRODUCTION_ORDER, number)
            for item_id, number, required, held in db.session.execute(
                select(Reservation.item_id, ProductionOrder.number, Reservation.required,
                       Reservation.quantity)
                .join(ProductionOrder, ProductionOrder.id == Reservation.order_id)
                .where(ProductionOrder.status == PLANNED,
                       Reservation.required > Reservation.quantity)
                .order_by(ProductionOrder.number))]


def _sales_demands(items: dict) -> list[Demand]:
    """What open sales orders still miss: ordered, not shipped, not reserved."""
    held = (select(SalesReservation.line_id, func.sum(SalesReservation.quantity).label("q"))
            .group_by(SalesReservation.line_id).subquery())
    rows = db.session.execute(
        select(SalesOrderLine.item_id, SalesOrder.number, SalesOrderLine.quantity,
               SalesOrderLine.shipped, held.c.q)
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .outerjoin(held, held.c.line_id == SalesOrderLine.id)
        .where(SalesOrder.status.in_(OPEN_SALES_STATUSES), SalesOrderLine.item_id.is_not(None))
        .order_by(SalesOrder.number))
    found = []
    for item_id, number, quantity, shipped, reserved in rows:
        missing = quantity - shipped - (reserved if reserved is not None else ZERO)
        if missing > 0:
            found.append(Demand(items[item_id].sku, missing, SALES_ORDER, number))
    return found


def _available(today: date) -> dict[int, Decimal]:
    """Usable stock less every reservation (production and sales), for all items."""
    return {i: a.available for i, a in avail.availability(None, today).items()}


def _stock(items: dict, today: date) -> dict[str, Stock]:
    free = _available(today)
    ordered, making = _purchase_supply(), _in_production()
    return {item.sku: Stock(free.get(item_id, ZERO), ordered.get(item_id, ZERO),
                            making.get(item_id, ZERO),
                            ZERO if item.archived else item.reorder_point,
                            item.reorder_quantity, _whole(item.unit))
            for item_id, item in items.items()}


ITEM_COLUMNS = (Item.id, Item.sku, Item.unit, Item.reorder_point, Item.reorder_quantity,
                Item.archived, Item.default_supplier_id)


def suggestions(today: date | None = None) -> Suggestions:
    today = today or date.today()
    items = {row.id: row for row in db.session.execute(select(*ITEM_COLUMNS))}
    try:
        found = plan(_book(items), _stock(items, today),
                     _order_demands(items) + _sales_demands(items))
    except RecipeError as exc:
        raise BadInput(known(exc), code="recipe_cycle") from None
    by_sku = {i.sku: i for i in db.session.execute(select(Item).where(
        Item.sku.in_({s.item for s in found}))).scalars()} if found else {}
    suppliers = {p.id: p for p in db.session.execute(
        select(Partner).where(Partner.is_supplier.is_(True))).scalars()}
    purchase, production = [], []
    for s in found:
        item = by_sku[s.item]
        line = Suggested(item, s.quantity, s.demand, s.supply, s.reasons, s.reorder_point,
                         level=s.level)
        if s.make:
            production.append(line)
        else:
            line.supplier = suppliers.get(item.default_supplier_id)
            purchase.append(line)
    purchase.sort(key=lambda s: (s.supplier is None, s.supplier.name if s.supplier else "",
                                 s.item.sku))
    production.sort(key=lambda s: (-s.level, s.item.sku))
    return Suggestions(purchase, production)


REASONS = ((PRODUCTION_ORDER, N_("production orders: %(refs)s")),
           (SALES_ORDER, N_("sales orders: %(refs)s")),
           (COMPONENT, N_("to make: %(refs)s")))


def reason_text(line: Suggested) -> str:
    """Why: the orders, sales orders and items to make that need it, the reorder point."""
    parts = []
    for kind, message in REASONS:
        refs = sorted({d.reference for d in line.reasons if d.kind == kind})
        if refs:
            parts.append(_(message, refs=", ".join(refs)))
    if line.reorder_point > 0:
        parts.append(_("reorder point %(quantity)s %(unit)s",
                       quantity=to_str(line.reorder_point), unit=line.item.unit))
    return "; ".join(parts)


@transactional
def draft_purchase_orders(*, items=None, user_id=None, today: date | None = None) -> Drafted:
    """One draft purchase order per default supplier for the buy list (all of it, or the
    SKUs given), at the suggested quantities and each item's latest lot cost."""
    today = today or date.today()
    wanted = None
    if items not in (None, "", []):
        if not isinstance(items, list):
            raise BadInput(_("items must be a list of SKUs"), details={"field": "items"})
        wanted = {read.item(sku).id for sku in items}
    buy = [s for s in suggestions(today).purchase if wanted is None or s.item.id in wanted]
    if not buy:
        raise BadInput(_("nothing to buy"), code="nothing_to_order")
    costs = latest_unit_costs(s.item.id for s in buy)
    groups: dict[int, list[Suggested]] = {}
    for s in buy:
        if s.supplier is not None:
            groups.setdefault(s.supplier.id, []).append(s)
    orders = []
    for lines in groups.values():
        order = PurchaseOrder(number=document_number("PO", today.year),
                              supplier=lines[0].supplier, status="draft", user_id=user_id,
                              note="from planning suggestions")
        db.session.add(order)
        for position, s in enumerate(lines, start=1):
            order.lines.append(PurchaseOrderLine(
                position=position, item=s.item, quantity=s.quantity,
                entered_quantity=s.quantity, entered_unit=s.item.unit,
                unit_price=costs.get(s.item.id, ZERO)))
        orders.append(order)
    db.session.flush()
    return Drafted(orders, [s for s in buy if s.supplier is None])
