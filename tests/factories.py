"""Scenario builders with good defaults, through the services (as real use would)."""

from datetime import date, timedelta

from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import stock

TODAY = date.today()


def candle_workshop():
    """A candle maker: soy wax in g, fragrance oil in ml (density 0.95), wicks in pcs,
    a store and a shelf."""
    location_actions.create_location(code="STORE", name="Store")
    location_actions.create_location(code="SHELF", name="Shelf B2")
    item_actions.create_item(sku="WAX", name="Soy wax", kind="material", unit="g",
                        reorder_point="5000", pack_units=[{"name": "bag", "quantity": "20",
                                                           "unit": "kg"}])
    item_actions.create_item(sku="FO-LAV", name="Fragrance oil lavender", kind="material",
                        unit="ml", density="0.95")
    item_actions.create_item(sku="WICK", name="Cotton wick", kind="material", unit="pcs")
    item_actions.create_item(sku="CANDLE", name="Lavender candle", kind="product", unit="pcs",
                        shelf_life_days=730)


def receive(sku: str, quantity, *, location="STORE", unit=None, cost="0", expiry=None,
            supplier="Cires du Sud", today=None) -> str:
    """One lot received; returns its code."""
    line = {"item": sku, "quantity": quantity, "unit_cost": cost}
    if unit:
        line["unit"] = unit
    if expiry is not None:
        line["expiry"] = expiry.isoformat() if isinstance(expiry, date) else expiry
    result = stock.receive_goods(supplier=supplier, location=location, lines=[line],
                                 today=today)
    return result.lots[0].code


def in_days(n: int) -> date:
    return TODAY + timedelta(days=n)
