"""Production scenarios through the services, as real use would build them."""

from decimal import Decimal as D

from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Location, Lot, Movement, Pick, ProductionOrder, Reservation
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import recipes
from tests.factories import candle_workshop, in_days, receive


def candle_batch_workshop():
    """A candle maker ready for a batch of 100: the recipe is 200 g wax (2 % loss), 20 ml
    fragrance oil, 1 wick and 1 jar per candle, 3 minutes of labour at 24/h and an
    overhead of 0.50 per candle plus 5 % of material. Wax comes in three lots: 8 kg
    expiring in a month (cheapest first to use), 15 kg in three months, 10 kg without
    expiry. Returns the lot codes by name."""
    candle_workshop()
    item_actions.create_item(sku="JAR", name="Amber jar 200 ml", kind="material", unit="pcs")
    lots = {
        "wax_soon": receive("WAX", "8000", cost="0.0042", expiry=in_days(30),
                            supplier="Cires du Sud"),
        "wax_later": receive("WAX", "15", unit="kg", cost="4.5", expiry=in_days(90),
                             supplier="Cires du Sud"),
        "wax_never": receive("WAX", "10000", cost="0.004", supplier="Cires du Nord"),
        "oil": receive("FO-LAV", "3", unit="l", cost="85", expiry=in_days(200),
                       supplier="Aroma Provence"),
        "wick": receive("WICK", "150", cost="0.06", supplier="Mèches & Co"),
        "jar": receive("JAR", "120", cost="0.95", supplier="Verrerie Lyonnaise"),
    }
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "WAX", "quantity": "200", "loss_percent": "2"},
        {"item": "FO-LAV", "quantity": "20", "unit": "ml"},
        {"item": "WICK", "quantity": 1},
        {"item": "JAR", "quantity": 1},
    ], labour_minutes=3, labour_rate=24, overhead="0.5", overhead_percent=5)
    return lots


def face_cream_workshop():
    """A cosmetics maker: a base cream (kg) made of shea butter, almond oil, emulsifier,
    preservative and water; a face cream (pcs) made of 50 g of base cream and a 50 ml pot.
    Shea butter in two lots from Karité Direct (one expiring sooner)."""
    location_actions.create_location(code="LAB", name="Lab")
    location_actions.create_location(code="FG", name="Finished goods")
    for sku, unit, extra in (("SHEA", "kg", {}), ("OIL-ALM", "l", {"density": "0.91"}),
                             ("EMU", "kg", {}), ("PRES", "g", {}),
                             ("WATER", "l", {"density": "1"}), ("POT-50", "pcs", {})):
        item_actions.create_item(sku=sku, name=sku.title(), kind="material", unit=unit, **extra)
    item_actions.create_item(sku="BASE", name="Base cream", kind="intermediate", unit="kg",
                        shelf_life_days=90)
    item_actions.create_item(sku="CREAM", name="Face cream 50 ml", kind="product", unit="pcs",
                        shelf_life_days=365)
    lots = {
        "shea_1": receive("SHEA", "2", location="LAB", cost="9.8", expiry=in_days(120),
                          supplier="Karité Direct"),
        "shea_2": receive("SHEA", "3", location="LAB", cost="10.2", expiry=in_days(300),
                          supplier="Karité Direct"),
        "oil": receive("OIL-ALM", "5", location="LAB", cost="7.4", expiry=in_days(200),
                       supplier="Huiles & Co"),
        "emu": receive("EMU", "1", location="LAB", cost="31", supplier="Huiles & Co"),
        "pres": receive("PRES", "500", location="LAB", cost="0.036", supplier="Huiles & Co"),
        "water": receive("WATER", "20", location="LAB", cost="0.3", supplier="Eau Pure"),
        "pots": receive("POT-50", "500", location="LAB", cost="1.35",
                        supplier="Emballages Martin"),
    }
    # 10 kg batch: 2 kg shea, 1.5 l almond oil, 0.5 kg emulsifier, 100 g preservative, 6 l water
    recipes.save_recipe(item="BASE", yield_quantity=10, lines=[
        {"item": "SHEA", "quantity": "2"},
        {"item": "OIL-ALM", "quantity": "1.5", "unit": "l"},
        {"item": "EMU", "quantity": "500", "unit": "g"},
        {"item": "PRES", "quantity": "100"},
        {"item": "WATER", "quantity": "6"},
    ], labour_minutes=60, labour_rate=30)
    recipes.save_recipe(item="CREAM", yield_quantity=1, lines=[
        {"item": "BASE", "quantity": "50", "unit": "g"},
        {"item": "POT-50", "quantity": 1},
    ], labour_minutes="0.5", labour_rate=30)
    return lots


def lot_by_code(code) -> Lot:
    return db.session.execute(select(Lot).where(Lot.code == code)).scalar_one()


def stock_value(kind: str | None = None) -> D:
    """Σ on hand × lot unit cost, over storage or WIP locations (or both)."""
    query = (select(Balance.quantity, Lot.unit_cost).join(Lot, Lot.id == Balance.lot_id)
             .join(Location, Location.id == Balance.location_id))
    if kind:
        query = query.where(Location.kind == kind)
    return sum((q * c for q, c in db.session.execute(query).all()), D(0))


def wip_on_hand() -> D:
    return db.session.execute(
        select(func.coalesce(func.sum(Balance.quantity), 0))
        .join(Location, Location.id == Balance.location_id)
        .where(Location.kind == "wip")).scalar() or D(0)


def snapshot():
    """Everything a refused production operation must leave untouched."""
    db.session.expire_all()
    return (
        db.session.execute(select(func.count(Movement.id))).scalar(),
        db.session.execute(select(func.count(Lot.id))).scalar(),
        db.session.execute(select(func.count(Location.id))).scalar(),
        db.session.execute(select(func.count(Pick.id))).scalar(),
        sorted((b.lot_id, b.location_id, b.quantity) for b in db.session.query(Balance)),
        sorted((o.number, o.status, o.output_lot_id, o.override_reason)
               for o in db.session.query(ProductionOrder)),
        sorted((r.order_id, r.item_id, r.quantity) for r in db.session.query(Reservation)),
    )
