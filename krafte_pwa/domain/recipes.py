"""Recipes as pure rules: scaling, multi-level explosion with netting, the most that can
be made from stock, costing arithmetic, the output expiry rule.

Plain Python on exact Decimals; nothing here knows about Flask or the database.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal, localcontext

from ..errors import N_, TextError
from .numbers import COST_PLACES, QUANTITY_PLACES
from .order_states import OPEN_STATUSES  # noqa: F401  (kept importable from here)

ZERO = Decimal(0)
HUNDRED = Decimal(100)
SIXTY = Decimal(60)
MAX_MAKEABLE = Decimal(1_000_000_000)
_Q = Decimal(1).scaleb(-QUANTITY_PLACES)
_C = Decimal(1).scaleb(-COST_PLACES)


class RecipeError(TextError):
    """A recipe that cannot be used: a cycle, a zero yield."""


# ---------------------------------------------------------------- scaling

def requirement(line_quantity: Decimal, n: Decimal, yield_quantity: Decimal,
                loss_percent: Decimal = ZERO, *, whole: bool = False) -> Decimal:
    """Quantity × N / yield × (1 + loss %), rounded up to the stored scale (never under-
    reserve), and up to a whole number for components counted in pieces."""
    if yield_quantity <= 0:
        raise RecipeError(N_("a recipe's yield must be greater than zero"))
    with localcontext() as ctx:
        ctx.prec = 60
        exact = line_quantity * n / yield_quantity * (1 + loss_percent / HUNDRED)
    quantum = Decimal(1) if whole else _Q
    return exact.quantize(quantum, rounding=ROUND_CEILING)


def batches(n: Decimal, yield_quantity: Decimal) -> Decimal:
    """How many batches N is (exact where it terminates, 40 digits where it does not)."""
    with localcontext() as ctx:
        ctx.prec = 40
        return n / yield_quantity


# ---------------------------------------------------------------- the recipe book

@dataclass(frozen=True)
class Line:
    item: str
    quantity: Decimal  # per batch, in the component's base unit
    loss_percent: Decimal = ZERO
    whole: bool = False  # counted in pieces: requirements are whole numbers


@dataclass(frozen=True)
class Formula:
    item: str
    yield_quantity: Decimal
    lines: tuple[Line, ...]


@dataclass
class Shortage:
    item: str
    required: Decimal
    available: Decimal
    missing: Decimal


@dataclass
class Explosion:
    feasible: bool
    shortages: list[Shortage] = field(default_factory=list)
    to_produce: list[tuple[str, Decimal]] = field(default_factory=list)  # deepest first
    gross: dict[str, Decimal] = field(default_factory=dict)


def low_level_codes(book: dict[str, Formula], top: str) -> dict[str, int]:
    """The deepest level at which each item appears under `top` (top = 0); a cycle raises."""
    codes: dict[str, int] = {}
    path: list[str] = []

    def visit(item: str, level: int) -> None:
        if item in path:
            raise RecipeError(N_("recipe cycle: %(path)s"),
                              path=" → ".join([*path[path.index(item):], item]))
        if codes.get(item, -1) >= level:
            return
        codes[item] = level
        formula = book.get(item)
        if formula is None:
            return
        path.append(item)
        for line in formula.lines:
            visit(line.item, level + 1)
        path.pop()

    visit(top, 0)
    return codes


def explode(book: dict[str, Formula], top: str, n: Decimal,
            available: dict[str, Decimal], codes: dict[str, int] | None = None) -> Explosion:
    """Material requirements planning for making `n` of `top` now.

    Items are netted in low-level-code order, so an item used at several levels has all
    of its gross requirement summed before its stock is counted once. An item with a
    recipe whose stock falls short is produced (and exploded); without one, it is short.
    """
    codes = codes or low_level_codes(book, top)
    gross: dict[str, Decimal] = {top: n}
    result = Explosion(feasible=True, gross=gross)
    produce: list[tuple[int, str, Decimal]] = []
    for item in sorted(codes, key=lambda i: (codes[i], i)):
        need = gross.get(item, ZERO)
        if need <= 0:
            continue
        have = ZERO if item == top else max(available.get(item, ZERO), ZERO)
        missing = need - have
        if missing <= 0:
            continue
        formula = book.get(item)
        if formula is None:
            result.feasible = False
            result.shortages.append(Shortage(item, need, have, missing))
            continue
        if item != top:
            produce.append((codes[item], item, missing))
        for line in formula.lines:
            qty = requirement(line.quantity, missing, formula.yield_quantity, line.loss_percent,
                              whole=line.whole)
            gross[line.item] = gross.get(line.item, ZERO) + qty
    result.to_produce = [(item, qty) for _, item, qty in sorted(produce, key=lambda p: -p[0])]
    return result


def max_makeable(book: dict[str, Formula], top: str, available: dict[str, Decimal],
                 quantum: Decimal = Decimal(1)) -> Decimal:
    """The largest multiple of `quantum` that `explode` finds feasible (0 if none).

    Feasibility only grows with stock and shrinks with N, so a doubling search then a
    bisection over whole multiples of the quantum gives the exact answer."""
    codes = low_level_codes(book, top)

    def ok(k: int) -> bool:
        return explode(book, top, quantum * k, available, codes).feasible

    if not ok(1):
        return ZERO
    limit = int(MAX_MAKEABLE / quantum)
    low, high = 1, 2
    while high <= limit and ok(high):
        low, high = high, high * 2
    if high > limit:
        if ok(limit):
            return quantum * limit
        high = limit
    while high - low > 1:  # ok(low) and not ok(high)
        mid = (low + high) // 2
        if ok(mid):
            low = mid
        else:
            high = mid
    return quantum * low


# ---------------------------------------------------------------- costing

@dataclass(frozen=True)
class Cost:
    material: Decimal
    labour: Decimal
    overhead: Decimal

    @property
    def total(self) -> Decimal:
        return self.material + self.labour + self.overhead


def money(value: Decimal) -> Decimal:
    return value.quantize(_C, rounding=ROUND_HALF_EVEN)


def batch_cost(material: Decimal, n: Decimal, yield_quantity: Decimal, *,
               labour_minutes: Decimal = ZERO, labour_rate: Decimal = ZERO,
               overhead_per_batch: Decimal = ZERO, overhead_percent: Decimal = ZERO) -> Cost:
    """Material is exact (Σ quantity × unit cost); labour and overhead scale with batches
    and are kept to 8 places."""
    with localcontext() as ctx:
        ctx.prec = 60
        count = n / yield_quantity
        labour = money(labour_minutes * count * labour_rate / SIXTY)
        overhead = money(overhead_per_batch * count + material * overhead_percent / HUNDRED)
    return Cost(material, labour, overhead)


def labour_cost(minutes: Decimal, rate_per_hour: Decimal) -> Decimal:
    """Minutes actually spent at an hourly rate, kept to 8 places."""
    with localcontext() as ctx:
        ctx.prec = 60
        return money(minutes * rate_per_hour / SIXTY)


def unit_cost(total: Decimal, quantity: Decimal) -> Decimal:
    if quantity <= 0:
        raise ValueError("the output quantity must be greater than zero")
    with localcontext() as ctx:
        ctx.prec = 60
        return money(total / quantity)


def material_value(pairs) -> Decimal:
    """Σ quantity × unit cost, exact."""
    with localcontext() as ctx:
        ctx.prec = 60
        return sum((q * c for q, c in pairs), ZERO)


# ---------------------------------------------------------------- expiry

def shelf_expiry(received_on: date, shelf_life_days: int | None) -> date | None:
    """The expiry of a lot received (or counted in) without one: date + shelf life."""
    return received_on + timedelta(days=shelf_life_days) if shelf_life_days else None


def output_expiry(produced_on: date, shelf_life_days: int | None,
                  consumed_expiries, *, cap_by_inputs: bool = True) -> date | None:
    """Production date + shelf life, never later than the earliest consumed expiry."""
    candidates = []
    if shelf_life_days:
        candidates.append(produced_on + timedelta(days=shelf_life_days))
    if cap_by_inputs:
        candidates.extend(e for e in consumed_expiries if e is not None)
    return min(candidates) if candidates else None
