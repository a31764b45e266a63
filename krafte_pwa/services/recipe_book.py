"""Active recipes, what a recipe needs for a quantity, and the tree of recipes below an
item (for cycle checks and feasibility)."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..domain.recipes import Formula, Line, RecipeError, low_level_codes, requirement
from ..domain.units import UnitError, dimension_of
from ..errors import BadInput, BadQuantity
from ..extensions import db
from ..messages import _, known
from ..models import Item, Recipe, RecipeLine

MAX_STORED_QUANTITY = Decimal(10) ** 12  # Quantity() holds up to 9.2e12 base units


def is_whole(item: Item) -> bool:
    try:
        return dimension_of(item.unit) == "count"
    except UnitError:
        return False


def active_recipe(item_id: int) -> Recipe | None:
    return db.session.execute(
        select(Recipe).where(Recipe.item_id == item_id, Recipe.active.is_(True))
        .options(selectinload(Recipe.lines).joinedload(RecipeLine.item))
        .order_by(Recipe.version.desc()).limit(1)
    ).scalar()


def requirements(recipe: Recipe, quantity: Decimal) -> list[tuple[Item, Decimal]]:
    """Scaled needs per component item, in line order, lines of one item summed."""
    needs: dict[int, list] = {}
    for line in recipe.lines:
        qty = requirement(line.base_quantity, quantity, recipe.yield_quantity,
                          line.loss_percent, whole=is_whole(line.item))
        if qty > MAX_STORED_QUANTITY:
            raise BadQuantity(_("%(quantity)s needs %(needed)s %(unit)s of %(sku)s: too large to "
                                "record", quantity=quantity, needed=qty, unit=line.item.unit,
                                sku=line.item.sku), details={"field": "quantity"})
        key = line.item.id  # not line.item_id: a recipe being previewed is never flushed
        if key in needs:
            needs[key][1] += qty
        else:
            needs[key] = [line.item, qty]
    return [(item, qty) for item, qty in needs.values()]


def formula(recipe: Recipe) -> Formula:
    return Formula(recipe.item.sku, recipe.yield_quantity, tuple(
        Line(line.item.sku, line.base_quantity, line.loss_percent, is_whole(line.item))
        for line in recipe.lines))


def recipe_book(top: Item, override: tuple[Formula, list[Item]] | None = None
                ) -> tuple[dict[str, Formula], dict[str, Item]]:
    """Active recipes of `top` and of every component below it, by SKU. `override` puts
    a recipe being saved (its formula and component items) in place of top's."""
    book: dict[str, Formula] = {}
    items: dict[str, Item] = {top.sku: top}
    frontier = [top]
    while frontier:
        children: list[Item] = []
        ids = []
        for item in frontier:
            if override and item.id == top.id:
                book[top.sku] = override[0]
                children.extend(override[1])
            else:
                ids.append(item.id)
        if ids:
            found = {r.item_id: r for r in db.session.execute(
                select(Recipe).where(Recipe.item_id.in_(ids), Recipe.active.is_(True))
                .options(joinedload(Recipe.item),
                         selectinload(Recipe.lines).joinedload(RecipeLine.item))
                .order_by(Recipe.version)).scalars()}
            for recipe in found.values():
                book[recipe.item.sku] = formula(recipe)
                children.extend(line.item for line in recipe.lines)
        frontier = []
        for child in children:
            if child.sku not in items:
                items[child.sku] = child
                frontier.append(child)
        if len(items) > 5000:
            raise BadInput(_("the recipe tree is too large"), code="recipe_too_large")
    return book, items


def check_no_cycle(book: dict[str, Formula], top: str) -> None:
    try:
        low_level_codes(book, top)
    except RecipeError as exc:
        raise BadInput(known(exc), code="recipe_cycle") from None
