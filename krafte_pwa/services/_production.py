"""Private helpers shared by the recipe, production and trace services. Never commits.

Lock order for production (PostgreSQL): the order row, then item rows by id, then balance
rows by (lot, location) inside `_ledger.post`. Rows are locked FOR NO KEY UPDATE so the
key-share locks that foreign keys take (a movement inserted for an item) never wait on us.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, or_, select

from ..domain.numbers import QUANTITY_PLACES, fits_scale
from ..domain.recipes import (
    OPEN_STATUSES,
    Formula,
    Line,
    RecipeError,
    low_level_codes,
    material_value,
    requirement,
)
from ..domain.units import UnitError, dimension_of
from ..errors import BadInput, BadQuantity, NotFound
from ..extensions import db
from ..messages import _, field_name, known
from ..models import Balance, Item, Location, Lot, ProductionOrder, Recipe, Reservation
from . import _inputs as read

ZERO = Decimal(0)


def lock_items(item_ids) -> None:
    ids = sorted(set(item_ids))
    if ids:
        db.session.execute(select(Item.id).where(Item.id.in_(ids)).order_by(Item.id)
                           .with_for_update(key_share=True)).all()


def order_for_update(number) -> ProductionOrder:
    number = read.text(number, "number", max_length=20)
    order = db.session.execute(
        select(ProductionOrder).where(ProductionOrder.number == number)
        .with_for_update(key_share=True).execution_options(populate_existing=True)
    ).scalar()
    if order is None:
        raise NotFound(_("no production order '%(number)s'", number=number),
                       code="unknown_order")
    return order


def order_by_number(number) -> ProductionOrder:
    number = read.text(number, "number", max_length=20)
    order = db.session.execute(
        select(ProductionOrder).where(ProductionOrder.number == number)).scalar()
    if order is None:
        raise NotFound(_("no production order '%(number)s'", number=number),
                       code="unknown_order")
    return order


def is_whole(item: Item) -> bool:
    try:
        return dimension_of(item.unit) == "count"
    except UnitError:
        return False


def usable(today: date):
    return and_(Lot.status == "released", or_(Lot.expiry.is_(None), Lot.expiry >= today))


def is_expired(lot: Lot, today: date) -> bool:
    return lot.expiry is not None and lot.expiry < today


def usable_on_hand(item_ids, today: date) -> dict[int, Decimal]:
    """Released, unexpired stock in storage locations, per item."""
    ids = list(set(item_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Balance.item_id, func.sum(Balance.quantity))
        .join(Lot, Lot.id == Balance.lot_id)
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.item_id.in_(ids), Location.kind == "storage", usable(today))
        .group_by(Balance.item_id)
    ).all()
    return {item_id: _dec(total) for item_id, total in rows}


def reserved(item_ids, exclude_order_id: int | None = None) -> dict[int, Decimal]:
    ids = list(set(item_ids))
    if not ids:
        return {}
    query = (select(Reservation.item_id, func.sum(Reservation.quantity))
             .join(ProductionOrder, ProductionOrder.id == Reservation.order_id)
             .where(Reservation.item_id.in_(ids), ProductionOrder.status.in_(OPEN_STATUSES))
             .group_by(Reservation.item_id))
    if exclude_order_id is not None:
        query = query.where(Reservation.order_id != exclude_order_id)
    return {item_id: _dec(total) for item_id, total in db.session.execute(query).all()}


def available(item_ids, today: date, exclude_order_id: int | None = None) -> dict[int, Decimal]:
    """Usable on hand minus what open orders hold back (may be negative after a loss)."""
    have = usable_on_hand(item_ids, today)
    held = reserved(item_ids, exclude_order_id)
    return {i: have.get(i, ZERO) - held.get(i, ZERO) for i in set(item_ids)}


def _dec(value) -> Decimal:
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(value)


@dataclass
class Take:
    lot: Lot
    location: Location
    quantity: Decimal


def _fefo_rows(item_id: int, today: date, *columns):
    """Usable storage stock of an item in FEFO then FIFO order (the order of
    domain.fefo.fefo_key: expiry, none last; lot date; lot code; location), streamed."""
    return db.session.execute(
        select(*columns)
        .select_from(Balance)
        .join(Lot, Lot.id == Balance.lot_id)
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.item_id == item_id, Balance.quantity > 0, Location.kind == "storage",
               usable(today))
        .order_by(Lot.expiry.is_(None), Lot.expiry, Lot.lot_date, Lot.code, Location.code)
        .execution_options(yield_per=64))


def _walk(rows, quantity: Decimal):
    """(row, take) along FEFO rows (last column: on hand) until `quantity` is covered."""
    remaining = quantity
    taken = []
    try:
        for row in rows:
            if remaining <= 0:
                break
            take = min(row[-1], remaining)
            taken.append((row, take))
            remaining -= take
    finally:
        rows.close()
    return taken, max(remaining, ZERO)


def fefo_takes(item_id: int, quantity: Decimal, today: date) -> tuple[list[Take], Decimal]:
    """Which lots, where, how much: reads rows in order only as far as needed, then loads
    just the lots and locations taken."""
    rows = _fefo_rows(item_id, today, Balance.lot_id, Balance.location_id, Balance.quantity)
    taken, missing = _walk(rows, quantity)
    if not taken:
        return [], missing
    lots = {lot.id: lot for lot in db.session.execute(
        select(Lot).where(Lot.id.in_({r[0] for r, _q in taken}))).scalars()}
    places = {loc.id: loc for loc in db.session.execute(
        select(Location).where(Location.id.in_({r[1] for r, _q in taken}))).scalars()}
    return [Take(lots[r[0]], places[r[1]], q) for r, q in taken], missing


def fefo_value(item_id: int, quantity: Decimal, today: date) -> tuple[Decimal, Decimal]:
    """(value of the lots FEFO would take for `quantity`, quantity it cannot cover)."""
    rows = _fefo_rows(item_id, today, Lot.unit_cost, Balance.quantity)
    taken, missing = _walk(rows, quantity)
    return material_value((q, r[0]) for r, q in taken), missing


def lot_storage_balances(lot_id: int) -> list[tuple[Location, Decimal]]:
    return list(db.session.execute(
        select(Location, Balance.quantity).join(Balance, Balance.location_id == Location.id)
        .where(Balance.lot_id == lot_id, Balance.quantity > 0, Location.kind == "storage")
        .order_by(Balance.quantity.desc(), Location.code)
    ).all())


# ---------------------------------------------------------------- recipes

def active_recipe(item_id: int) -> Recipe | None:
    return db.session.execute(
        select(Recipe).where(Recipe.item_id == item_id, Recipe.active.is_(True))
        .order_by(Recipe.version.desc()).limit(1)
    ).scalar()


MAX_STORED_QUANTITY = Decimal(10) ** 12  # Quantity() holds up to 9.2e12 base units
MAX_STORED_MONEY = Decimal(10) ** 10  # Money() holds up to 9.2e10


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


# ---------------------------------------------------------------- costs

def latest_unit_costs(item_ids) -> dict[int, Decimal]:
    """The unit cost of each item's most recent lot (for what stock cannot cover)."""
    ids = list(set(item_ids))
    if not ids:
        return {}
    newest = (select(Lot.item_id, func.max(Lot.id).label("lot_id"))
              .where(Lot.item_id.in_(ids)).group_by(Lot.item_id).subquery())
    return dict(db.session.execute(
        select(newest.c.item_id, Lot.unit_cost).join(Lot, Lot.id == newest.c.lot_id)).all())


def materials_cost(needs, today: date) -> tuple[Decimal, dict[int, Decimal]]:
    """Cost of the materials `needs` [(Item, quantity)] at current lot costs: the lots FEFO
    would take now, and what stock cannot cover at the item's latest lot cost. Returns the
    exact total and the quantities no lot at all could price (item id -> quantity)."""
    total, short = ZERO, {}
    for item, quantity in needs:
        value, missing = fefo_value(item.id, quantity, today)
        total += value
        if missing > 0:
            short[item.id] = missing
    unpriced = {}
    if short:
        latest = latest_unit_costs(short)
        for item_id, missing in short.items():
            if item_id in latest:
                total += material_value([(missing, latest[item_id])])
            else:
                unpriced[item_id] = missing
    return total, unpriced


def check_money(*values: Decimal) -> None:
    """Costs too large for the stored scale are refused rather than overflowing."""
    for value in values:
        if abs(value) >= MAX_STORED_MONEY:
            raise BadQuantity(_("a cost of %(cost)s is too large to record: check the "
                                "quantities and unit costs", cost=f"{value:.2f}"),
                              code="cost_too_large")


# ---------------------------------------------------------------- input reading

def scaled(value, field: str, places: int, *, allow_zero: bool = True,
           default: Decimal = ZERO, maximum: Decimal | None = None) -> Decimal:
    if value is None or value == "":
        return default
    result = read.number(value, field, allow_zero=allow_zero)
    if not fits_scale(result, places):
        raise BadQuantity(_("%(field)s has more than %(places)s decimal places",
                            field=field_name(field), places=places),
                          details={"field": field})
    if maximum is not None and result > maximum:
        raise BadQuantity(_("%(field)s must be at most %(maximum)s", field=field_name(field),
                            maximum=maximum), details={"field": field})
    return result


def quantity_field(value, field: str, *, allow_zero: bool = True) -> Decimal:
    return scaled(value, field, QUANTITY_PLACES, allow_zero=allow_zero)


def object_list(value, field: str, *, required: bool = False, limit: int = 500) -> list[dict]:
    if value is None:
        if required:
            raise BadInput(_("%(field)s is required", field=field_name(field)),
                           details={"field": field})
        return []
    if not isinstance(value, list):
        raise BadInput(_("%(field)s must be a list", field=field_name(field)),
                       details={"field": field})
    if len(value) > limit:
        raise BadInput(_("%(field)s has more than %(limit)s entries", field=field_name(field),
                         limit=limit), details={"field": field})
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise BadInput(_("%(field)s must be an object",
                             field=field_name(f"{field}[{index}]")), details={"field": field})
    return value
