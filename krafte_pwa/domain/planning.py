"""Planning as pure rules: what to make and what to buy so that open demand is met and
stock stays over its reorder points, across every level of the recipes.

Each item is netted once, in low-level-code order (an item is looked at only after every
recipe that uses it), so what a suggested production needs of its components is added to
their demand before their own stock is counted. Supply is what is available now
(usable stock less reservations), what purchase orders will bring and what open
production orders will make.
"""

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from .numbers import QUANTITY_PLACES
from .recipes import Formula, RecipeError, requirement

ZERO = Decimal(0)
_Q = Decimal(1).scaleb(-QUANTITY_PLACES)

# Kinds of demand, as the API names them in a suggestion's reasons.
PRODUCTION_ORDER, SALES_ORDER, COMPONENT = "production_order", "sales_order", "component"


@dataclass(frozen=True)
class Demand:
    item: str
    quantity: Decimal
    kind: str  # PRODUCTION_ORDER, SALES_ORDER or COMPONENT
    reference: str  # the order's number; for a component, the item it goes into


@dataclass
class Stock:
    available: Decimal = ZERO  # usable on hand less reservations (negative after a loss)
    on_order: Decimal = ZERO  # purchase orders not received yet
    in_production: Decimal = ZERO  # what open production orders will make
    reorder_point: Decimal = ZERO
    reorder_quantity: Decimal = ZERO
    whole: bool = False  # counted in pieces

    @property
    def supply(self) -> Decimal:
        return self.available + self.on_order + self.in_production


@dataclass
class Suggestion:
    item: str
    quantity: Decimal
    make: bool  # a recipe makes it; otherwise it is bought
    level: int  # low-level code: 0 for what no recipe uses
    demand: Decimal
    supply: Decimal
    reasons: list[Demand] = field(default_factory=list)
    reorder_point: Decimal = ZERO  # > 0 when the quantity also restores the reorder point


def levels(book: dict[str, Formula], items=()) -> dict[str, int]:
    """The low-level code of every item of the book (and of `items`): 0 for an item that no
    recipe uses, else one more than the deepest recipe that uses it. A cycle raises."""
    users: dict[str, int] = {}
    for formula in book.values():
        for child in {line.item for line in formula.lines}:
            users[child] = users.get(child, 0) + 1
    everything = set(items) | set(book) | set(users)
    codes = {item: 0 for item in everything}
    ready = sorted(item for item in everything if item not in users)
    done = 0
    while ready:
        item = ready.pop()
        done += 1
        formula = book.get(item)
        if formula is None:
            continue
        for child in {line.item for line in formula.lines}:
            codes[child] = max(codes[child], codes[item] + 1)
            users[child] -= 1
            if users[child] == 0:
                ready.append(child)
    if done < len(everything):
        stuck = sorted(item for item, count in users.items() if count > 0)
        raise RecipeError("recipe cycle among " + ", ".join(stuck[:10]))
    return codes


def round_up(quantity: Decimal, whole: bool) -> Decimal:
    return quantity.quantize(Decimal(1) if whole else _Q, rounding=ROUND_CEILING)


def component_needs(formula: Formula, quantity: Decimal) -> dict[str, Decimal]:
    """What making `quantity` of the formula's item needs of each component."""
    needs: dict[str, Decimal] = {}
    for line in formula.lines:
        qty = requirement(line.quantity, quantity, formula.yield_quantity, line.loss_percent,
                          whole=line.whole)
        needs[line.item] = needs.get(line.item, ZERO) + qty
    return needs


def plan(book: dict[str, Formula], stock: dict[str, Stock],
         demands: list[Demand]) -> list[Suggestion]:
    """Suggestions, shallowest level first. An item is suggested when its supply less its
    demand falls under its reorder point (or under zero): enough to lift it back there,
    and at least its reorder quantity."""
    codes = levels(book, set(stock) | {d.item for d in demands})
    wanted: dict[str, list[Demand]] = {}
    for demand in demands:
        if demand.quantity > 0:
            wanted.setdefault(demand.item, []).append(demand)
    result = []
    for item in sorted(codes, key=lambda i: (codes[i], i)):
        own = stock.get(item) or Stock()
        reasons = wanted.get(item, [])
        demand = sum((d.quantity for d in reasons), ZERO)
        point = max(own.reorder_point, ZERO)
        projected = own.supply - demand
        if projected >= point:
            continue
        quantity = round_up(max(point - projected, own.reorder_quantity), own.whole)
        formula = book.get(item)
        result.append(Suggestion(item, quantity, formula is not None, codes[item], demand,
                                 own.supply, reasons, point))
        if formula is not None:
            for child, need in component_needs(formula, quantity).items():
                wanted.setdefault(child, []).append(Demand(child, need, COMPONENT, item))
    return result

