"""Units of measure: exact built-in conversions, per-item pack units and density."""

from dataclasses import dataclass
from decimal import Decimal

from ..errors import N_, TextError


class UnitError(TextError):
    """A unit that does not exist, or a conversion that cannot be made."""


@dataclass(frozen=True)
class Unit:
    name: str
    dimension: str  # mass, volume or count
    factor: Decimal  # how many of the dimension's reference unit (g, ml, pcs) one unit is


_D = Decimal
BUILT_IN: dict[str, Unit] = {
    u.name: u
    for u in (
        Unit("mg", "mass", _D("0.001")),
        Unit("g", "mass", _D(1)),
        Unit("kg", "mass", _D(1000)),
        Unit("t", "mass", _D(1000000)),
        Unit("oz", "mass", _D("28.349523125")),  # avoirdupois ounce, exact by definition
        Unit("lb", "mass", _D("453.59237")),
        Unit("ml", "volume", _D(1)),
        Unit("cl", "volume", _D(10)),
        Unit("l", "volume", _D(1000)),
        Unit("fl oz", "volume", _D("29.5735295625")),  # US fluid ounce, exact
        Unit("pcs", "count", _D(1)),
        Unit("dozen", "count", _D(12)),
    )
}
ALIASES = {
    "gr": "g", "kilo": "kg", "kgs": "kg", "lbs": "lb", "ltr": "l", "litre": "l",
    "liter": "l", "floz": "fl oz", "fl. oz": "fl oz", "pc": "pcs", "piece": "pcs",
    "pieces": "pcs", "ea": "pcs", "each": "pcs", "u": "pcs", "unit": "pcs", "units": "pcs",
    "pièce": "pcs", "pièces": "pcs", "douzaine": "dozen",
}


def canonical(name: str) -> str:
    key = " ".join(str(name).strip().split())
    low = key.lower()
    if low in ("l", "ml", "cl"):
        return low
    return ALIASES.get(low, low if low in BUILT_IN else key)


@dataclass(frozen=True)
class ItemUnits:
    """What an item knows about its units: base unit, pack units, density (g per ml)."""

    base: str
    packs: tuple[tuple[str, Decimal, str], ...] = ()  # (name, quantity, unit) e.g. drum = 25 kg
    density: Decimal | None = None

    def resolve(self, unit: str, _depth: int = 0) -> tuple[str, Decimal]:
        """A unit name -> (dimension, factor to the dimension's reference unit)."""
        name = canonical(unit)
        if name in BUILT_IN:
            u = BUILT_IN[name]
            return u.dimension, u.factor
        for pack_name, quantity, pack_unit in self.packs:
            if pack_name.lower() == str(unit).strip().lower() and _depth < 4:
                dimension, factor = self.resolve(pack_unit, _depth + 1)
                return dimension, quantity * factor
        raise UnitError(N_("unknown unit '%(unit)s'"), unit=unit)

    def to_base(self, quantity: Decimal, unit: str | None) -> Decimal:
        if unit is None or str(unit).strip() == "":
            return quantity
        return convert(quantity, unit, self.base, self)


def convert(quantity: Decimal, from_unit: str, to_unit: str, item: ItemUnits | None = None):
    """Exact conversion; mass <-> volume needs the item's density, count never mixes."""
    item = item or ItemUnits(base=to_unit)
    from_dim, from_factor = item.resolve(from_unit)
    to_dim, to_factor = item.resolve(to_unit)
    reference = quantity * from_factor
    if from_dim != to_dim:
        if {from_dim, to_dim} != {"mass", "volume"}:
            raise UnitError(N_("cannot convert %(source)s to %(target)s: a count does not "
                               "convert to a mass or a volume"),
                            source=from_unit, target=to_unit)
        if not item.density:
            raise UnitError(N_("cannot convert %(source)s to %(target)s without a density for "
                               "this item"), source=from_unit, target=to_unit)
        # density is g/ml: grams = ml x density
        reference = reference * item.density if from_dim == "volume" else reference / item.density
    return reference / to_factor


def dimension_of(unit: str) -> str:
    name = canonical(unit)
    if name not in BUILT_IN:
        raise UnitError(N_("unknown unit '%(unit)s'"), unit=unit)
    return BUILT_IN[name].dimension
