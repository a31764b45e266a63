"""Plan an order with its sub-orders: "Can I make N?" answered, then one action plans
the order and, linked to it, an order for each intermediate that stock cannot cover
(deepest last in the links: each sub-order points at the order that uses what it makes,
so that order waits for it before it starts)."""

from dataclasses import dataclass
from datetime import date

from ..domain.recipes import explode
from ..errors import NotFound
from ..extensions import db
from ..messages import _
from ..models import ProductionOrder
from . import _inputs as read
from . import availability as avail
from . import recipe_book as rbook
from ._locks import lock_items
from ._tx import transactional
from .production import plan_order


@dataclass
class PlannedTree:
    order: ProductionOrder
    sub_orders: list[ProductionOrder]


def _consumer(book, sku: str, planned: dict, top: str) -> str:
    """The planned item that uses `sku`: the only one, else the top (it waits for all)."""
    users = [item for item in planned if any(line.item == sku for line in book[item].lines)]
    return users[0] if len(users) == 1 else top


@transactional
def plan_with_sub_orders(*, item, quantity, unit=None, note=None, user_id=None,
                         today: date | None = None) -> PlannedTree:
    """The order for `quantity` of `item`, and a sub-order for what each intermediate
    lacks once available stock is counted at every level (the `to_produce` of the
    feasibility). Never refused for a missing material: the orders show the shortage."""
    today = today or date.today()
    the_item = read.item(item)
    amount = read.base_quantity(the_item, quantity, unit)
    book, items = rbook.recipe_book(the_item)
    if the_item.sku not in book:
        raise NotFound(_("no recipe for %(sku)s", sku=the_item.sku), code="no_recipe")
    rbook.check_no_cycle(book, the_item.sku)
    by_id = {i.id: i for i in items.values()}
    lock_items(by_id)
    free = avail.available(by_id, today)
    explosion = explode(book, the_item.sku, amount, {by_id[i].sku: q for i, q in free.items()})
    top = plan_order(item=the_item.sku, quantity=amount, note=note, user_id=user_id,
                     today=today)
    planned = {the_item.sku: top}
    subs = []
    for sku, need in reversed(explosion.to_produce):  # shallowest first: parents exist
        sub = plan_order(item=sku, quantity=need, user_id=user_id, today=today)
        sub.parent = planned[_consumer(book, sku, planned, the_item.sku)]
        planned[sku] = sub
        subs.append(sub)
    db.session.flush()
    return PlannedTree(top, subs)
