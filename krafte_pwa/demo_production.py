"""The demo workshop's production: candle recipes, a face cream made from an intermediate
base cream in 50 ml pots, a few completed orders and some open ones. Runs after
demo.load_demo (it uses its SKUs, locations and users), through the services."""

from datetime import date, timedelta

from sqlalchemy import select

from .extensions import db
from .models import Item, Lot, User
from .services import production, recipes, stock

CANDLE_LINES = [  # per candle
    {"item": "FO-LAV", "quantity": "18", "unit": "ml"},
    {"item": "WICK-M", "quantity": "1"},
    {"item": "JAR-200", "quantity": "1"},
    {"item": "LID-200", "quantity": "1"},
    {"item": "LBL-CAN", "quantity": "1"},
]
RECIPES = [
    dict(item="CDL-LAV", yield_quantity="1", labour_minutes="2", labour_rate="22",
         overhead="0.30", overhead_percent="5",
         lines=[{"item": "WAX-SOY", "quantity": "180", "unit": "g", "loss_percent": "2"},
                *CANDLE_LINES],
         instructions="Melt the soy wax to 80 °C, add the fragrance at 65 °C, stir 2 min, "
                      "pour at 55 °C onto the centred wick. Cure 48 h before the lid."),
    dict(item="CDL-FIG", yield_quantity="1", labour_minutes="2.5", labour_rate="22",
         overhead="0.30", overhead_percent="5",
         lines=[{"item": "WAX-RAP", "quantity": "100", "unit": "g", "loss_percent": "2"},
                {"item": "WAX-SOY", "quantity": "80", "unit": "g", "loss_percent": "2"},
                {"item": "FO-FIG", "quantity": "18", "unit": "ml"},
                *CANDLE_LINES[1:]],
         instructions="Blend the rapeseed and soy waxes, then as the lavender candle."),
    dict(item="BASE-CRM", yield_quantity="10", labour_minutes="90", labour_rate="26",
         overhead="4", overhead_percent="0",
         lines=[{"item": "SHEA", "quantity": "1.5"},
                {"item": "OIL-ALM", "quantity": "1.2", "unit": "l"},
                {"item": "OIL-JOJ", "quantity": "300", "unit": "ml"},
                {"item": "EMU-OLI", "quantity": "0.6"},
                {"item": "GLY", "quantity": "0.3"},
                {"item": "PRES-GEO", "quantity": "100", "unit": "g"},
                {"item": "WATER", "quantity": "6", "loss_percent": "1"}],
         instructions="Oil phase (shea, oils, emulsifier) and water phase (water, "
                      "glycerine) to 75 °C; emulsify 3 min; add the preservative below "
                      "40 °C. Check pH 5.5."),
    dict(item="CRM-FACE", yield_quantity="1", labour_minutes="0.75", labour_rate="26",
         overhead_percent="3",
         lines=[{"item": "BASE-CRM", "quantity": "48", "unit": "g", "loss_percent": "1"},
                {"item": "OIL-ARG", "quantity": "2", "unit": "ml"},
                {"item": "POT-50", "quantity": "1"},
                {"item": "LBL-CRM", "quantity": "1"},
                {"item": "BOX-CRM", "quantity": "1"}],
         instructions="Add the argan oil to the base cream, mix 1 min, fill the airless "
                      "pots, label and box."),
]


def load_production_demo(today: date | None = None) -> str:
    today = today or date.today()
    manager = db.session.execute(select(User.id).where(User.username == "manager")).scalar()
    _release_a_shea_lot(manager)
    for recipe in RECIPES:
        recipes.save_recipe(user_id=manager, **recipe)

    def make(sku, quantity, made, days_ago, location, **complete):
        on = today - timedelta(days=days_ago)
        order = production.plan_order(item=sku, quantity=quantity, user_id=manager, today=on)
        production.start_order(number=order.number, user_id=manager, today=on)
        production.complete_order(number=order.number, quantity=made, location=location,
                                  user_id=manager, today=on, **complete)
        return order.number

    made = [
        make("CDL-LAV", 60, 59, 12, "FG"),
        make("BASE-CRM", 20, "19.6", 8, "STORE"),
        make("CRM-FACE", 120, 118, 5, "FG"),
        make("CDL-FIG", 24, 24, 2, "FG"),
    ]
    fig = production.plan_order(item="CDL-FIG", quantity=40, user_id=manager, today=today,
                                note="Christmas market")
    production.start_order(number=fig.number, user_id=manager, today=today)
    open_orders = [fig.number]
    for sku, quantity, note in (("CDL-LAV", 100, "Restock the shop"),
                                ("BASE-CRM", 10, None), ("CRM-FACE", 150, "Order from Pharmacie "
                                                                          "du Centre")):
        open_orders.append(production.plan_order(item=sku, quantity=quantity, note=note,
                                                 user_id=manager, today=today).number)
    return (f"production demo: {len(RECIPES)} recipes, {len(made)} completed orders, "
            f"{len(open_orders)} open ({', '.join(open_orders)})")


def _release_a_shea_lot(user_id) -> None:
    """Shea butter arrives in quarantine; the later-expiring lot passed its QC."""
    shea = db.session.execute(select(Item.id).where(Item.sku == "SHEA")).scalar_one()
    lot = db.session.execute(
        select(Lot.code).where(Lot.item_id == shea, Lot.status == "quarantine")
        .order_by(Lot.expiry.desc(), Lot.code)).scalars().first()
    if lot is not None:
        stock.change_lot_status(lot=lot, status="released", reason="QC passed: smell, "
                                "colour, melting point", user_id=user_id)
