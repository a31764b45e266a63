"""Recipes: save (versioned), cost per unit from current lot costs, and "can I make N?"."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ..domain.numbers import COST_PLACES, QUANTITY_PLACES
from ..domain.recipes import (
    Formula,
    Line,
    batch_cost,
    explode,
    material_value,
    max_makeable,
    money,
    unit_cost,
)
from ..errors import BadInput, NotFound
from ..extensions import db
from ..messages import _, field_name
from ..models import Item, ProductionOrder, Recipe, RecipeLine
from . import _inputs as read
from . import _locks as locks
from . import availability as avail
from . import production_costs as pcost
from . import recipe_book as rbook
from ._tx import transactional

ZERO = Decimal(0)
MAX_LINES = 100


@transactional
def save_recipe(*, item, yield_quantity, lines, yield_unit=None, labour_minutes=None,
                labour_rate=None, overhead=None, overhead_percent=None, instructions=None,
                cap_expiry=True, user_id=None) -> Recipe:
    """Create the item's recipe, or edit it: in place while no order has used the current
    version, else as the next version (orders keep the version they were planned with)."""
    recipe = build_recipe(item=item, yield_quantity=yield_quantity, lines=lines,
                          yield_unit=yield_unit, labour_minutes=labour_minutes,
                          labour_rate=labour_rate, overhead=overhead,
                          overhead_percent=overhead_percent, instructions=instructions,
                          cap_expiry=cap_expiry, user_id=user_id)
    return recipe


def build_recipe(*, item, yield_quantity, lines, yield_unit=None, labour_minutes=None,
                 labour_rate=None, overhead=None, overhead_percent=None, instructions=None,
                 cap_expiry=True, user_id=None) -> Recipe:
    """save_recipe without the commit: checked and flushed (shared by the form, the API
    and the CSV import, which commits once for the whole file)."""
    the_item = read.item(item)
    if the_item.kind == "material":
        raise BadInput(_("%(sku)s is a material: recipes are for intermediates and products",
                         sku=the_item.sku), code="not_producible")
    locks.lock_items([the_item.id])
    yield_base = read.base_quantity(the_item, yield_quantity, yield_unit, "yield_quantity")
    entries = read.object_list(lines, "lines", required=True, limit=MAX_LINES)
    if not entries:
        raise BadInput(_("a recipe needs at least one line"), details={"field": "lines"})
    new_lines = [_line(the_item, position, entry) for position, entry in
                 enumerate(entries, start=1)]
    components = [line.item for line in new_lines]
    formula = Formula(the_item.sku, yield_base, tuple(
        Line(c.sku, ln.base_quantity, ln.loss_percent, rbook.is_whole(c))
        for c, ln in zip(components, new_lines, strict=True)))
    book, _items = rbook.recipe_book(the_item, override=(formula, components))
    rbook.check_no_cycle(book, the_item.sku)
    values = dict(
        yield_quantity=yield_base,
        labour_minutes=read.quantity_field(labour_minutes, "labour_minutes"),
        labour_rate=read.scaled(labour_rate, "labour_rate", COST_PLACES,
                                maximum=Decimal(1_000_000)),
        overhead_per_batch=read.scaled(overhead, "overhead", COST_PLACES,
                                       maximum=Decimal(1_000_000_000)),
        overhead_percent=read.scaled(overhead_percent, "overhead_percent", QUANTITY_PLACES,
                                     maximum=Decimal(1000)),
        instructions=read.text(instructions, "instructions", required=False,
                               max_length=20000),
        cap_expiry=cap_expiry is not False and cap_expiry not in ("0", "false", "off"),
    )
    current = rbook.active_recipe(the_item.id)
    if current is not None and not _used(current):
        recipe = current
        recipe.lines.clear()
        db.session.flush()
    else:
        last = db.session.execute(select(func.max(Recipe.version))
                                  .where(Recipe.item_id == the_item.id)).scalar() or 0
        if current is not None:
            current.active = False
        recipe = Recipe(item=the_item, version=last + 1, active=True, user_id=user_id)
        db.session.add(recipe)
    for key, value in values.items():
        setattr(recipe, key, value)
    recipe.lines.extend(new_lines)
    db.session.flush()
    return recipe


def preview_cost(*, item, yield_quantity, lines, yield_unit=None, labour_minutes=None,
                 labour_rate=None, overhead=None, overhead_percent=None) -> "RecipeCost":
    """The cost per unit of a recipe being edited, at current lot costs, saving nothing."""
    the_item = read.item(item)
    entries = read.object_list(lines, "lines", required=True, limit=MAX_LINES)
    recipe = Recipe(  # transient: never added to the session
        item=the_item,
        yield_quantity=read.base_quantity(the_item, yield_quantity, yield_unit,
                                          "yield_quantity"),
        labour_minutes=read.quantity_field(labour_minutes, "labour_minutes"),
        labour_rate=read.scaled(labour_rate, "labour_rate", COST_PLACES),
        overhead_per_batch=read.scaled(overhead, "overhead", COST_PLACES),
        overhead_percent=read.scaled(overhead_percent, "overhead_percent", QUANTITY_PLACES))
    recipe.lines = [_line(the_item, n, e) for n, e in enumerate(entries, start=1)]
    return recipe_cost(recipe)


def recipe_line(output: Item, position: int, entry: dict) -> RecipeLine:
    """One checked line (unsaved); errors name the field `lines[position - 1].…`."""
    return _line(output, position, entry)


def _line(output: Item, position: int, entry: dict) -> RecipeLine:
    field_ = f"lines[{position - 1}]"
    component = read.item(entry.get("item"))
    if component.id == output.id:
        raise BadInput(_("%(field)s: a recipe cannot use its own item",
                         field=field_name(field_)), code="recipe_cycle")
    if component.archived:
        raise BadInput(_("%(field)s: item %(sku)s is archived", field=field_name(field_),
                         sku=component.sku), details={"line": position})
    unit = read.text(entry.get("unit"), f"{field_}.unit", required=False, max_length=20)
    entered = read.scaled(entry.get("quantity"), f"{field_}.quantity", QUANTITY_PLACES,
                          allow_zero=False, default=None)
    if entered is None:
        raise BadInput(_("%(field)s is required", field=field_name(f"{field_}.quantity")),
                       code="bad_quantity")
    base = read.base_quantity(component, entered, unit, f"{field_}.quantity")
    loss = read.scaled(entry.get("loss_percent"), f"{field_}.loss_percent", QUANTITY_PLACES,
                       maximum=Decimal(1000))
    return RecipeLine(position=position, item=component, quantity=entered,
                      unit=unit or component.unit, loss_percent=loss, base_quantity=base)


def _used(recipe: Recipe) -> bool:
    return db.session.execute(select(ProductionOrder.id)
                              .where(ProductionOrder.recipe_id == recipe.id).limit(1)).first() \
        is not None


# ---------------------------------------------------------------- reads

def recipe_for(sku, version=None) -> Recipe:
    the_item = read.item(sku)
    if version in (None, ""):
        recipe = rbook.active_recipe(the_item.id)
    else:
        try:
            number = int(version)
        except (TypeError, ValueError):
            raise BadInput(_("version must be a whole number")) from None
        recipe = None
        if 1 <= number <= 2**31 - 1:  # beyond: no such version, and no database integer
            recipe = db.session.execute(select(Recipe).where(
                Recipe.item_id == the_item.id, Recipe.version == number)).scalar()
    if recipe is None:
        raise NotFound(_("no recipe for %(sku)s", sku=the_item.sku), code="no_recipe")
    return recipe


def list_recipes() -> list[Recipe]:
    return list(db.session.execute(
        select(Recipe).join(Item, Item.id == Recipe.item_id).where(Recipe.active.is_(True))
        .order_by(Item.kind, Item.sku)).scalars())


@dataclass
class CostLine:
    item: Item
    quantity: Decimal  # per batch, base unit, with loss
    unit_cost: Decimal  # average over the lots it would take
    value: Decimal


@dataclass
class RecipeCost:
    recipe: Recipe
    lines: list[CostLine]
    material: Decimal
    labour: Decimal
    overhead: Decimal
    total: Decimal  # per batch
    per_unit: Decimal


def recipe_cost(recipe: Recipe, today: date | None = None,
                _seen: frozenset = frozenset()) -> RecipeCost:
    """Cost of one batch, and per unit of output, at current lot costs: the lots FEFO
    would take now; what stock cannot cover at the latest lot's cost; a component with no
    lot at all but a recipe of its own through that recipe."""
    today = today or date.today()
    needs = rbook.requirements(recipe, recipe.yield_quantity)
    latest = None
    lines = []
    for component, qty in needs:
        value, missing = avail.fefo_value(component.id, qty, today)
        if missing > 0:
            if latest is None:
                latest = pcost.latest_unit_costs(i.id for i, _qty in needs)
            cost = latest.get(component.id)
            if cost is None:
                sub = rbook.active_recipe(component.id)
                seen = _seen | {recipe.item.id}
                cost = (recipe_cost(sub, today, seen).per_unit
                        if sub is not None and component.id not in seen else ZERO)
            value += material_value([(missing, cost)])
        lines.append(CostLine(component, qty, unit_cost(value, qty), value))
    material = material_value((ln.value, Decimal(1)) for ln in lines)
    cost = batch_cost(material, recipe.yield_quantity, recipe.yield_quantity,
                      labour_minutes=recipe.labour_minutes, labour_rate=recipe.labour_rate,
                      overhead_per_batch=recipe.overhead_per_batch,
                      overhead_percent=recipe.overhead_percent)
    return RecipeCost(recipe, lines, money(material), cost.labour, cost.overhead,
                      money(cost.total), unit_cost(cost.total, recipe.yield_quantity))


@dataclass
class Feasibility:
    item: Item
    quantity: Decimal
    feasible: bool
    max_quantity: Decimal
    shortages: list = field(default_factory=list)  # [(Item, required, available, missing)]
    to_produce: list = field(default_factory=list)  # [(Item, quantity)]


def feasibility(sku, quantity, unit=None, today: date | None = None) -> Feasibility:
    """Explode the recipe tree, net each level against available stock (on hand in
    released, unexpired lots minus reservations), and find the most makeable now."""
    today = today or date.today()
    the_item = read.item(sku)
    wanted = read.base_quantity(the_item, quantity, unit)
    book, items = rbook.recipe_book(the_item)
    if the_item.sku not in book:
        raise NotFound(_("no recipe for %(sku)s", sku=the_item.sku), code="no_recipe")
    by_id = {i.id: i for i in items.values()}
    free = avail.available(by_id, today)
    stock = {by_id[i].sku: q for i, q in free.items()}
    result = explode(book, the_item.sku, wanted, stock)
    quantum = Decimal(1) if rbook.is_whole(the_item) else Decimal("0.001")
    best = max_makeable(book, the_item.sku, stock, quantum)
    return Feasibility(
        the_item, wanted, result.feasible, best,
        [(items[s.item], s.required, s.available, s.missing) for s in result.shortages],
        [(items[sku_], qty) for sku_, qty in result.to_produce])

