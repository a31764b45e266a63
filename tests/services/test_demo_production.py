"""The demo workshop gains recipes and orders (loaded after the foundation's demo)."""

from decimal import Decimal as D

from sqlalchemy import func, select

from krafte_pwa.demo import load_demo
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Location, ProductionOrder, Recipe
from krafte_pwa.services import recipes, trace


def test_demo_production_loads_recipes_and_orders(app):
    summary = load_demo()  # the foundation's demo ends with the production demo
    assert "4 recipes" in summary
    statuses = dict(db.session.execute(
        select(ProductionOrder.status, func.count()).group_by(ProductionOrder.status)).all())
    assert statuses == {"completed": 4, "in_progress": 1, "planned": 3}
    assert db.session.execute(select(func.count(Recipe.id))).scalar() == 4
    cream = db.session.execute(select(ProductionOrder).where(
        ProductionOrder.status == "completed")
        .join(ProductionOrder.item).where(ProductionOrder.item.has(sku="CRM-FACE"))
    ).scalar_one()
    tree = trace.trace_lot(cream.output_lot.code, "backward")
    base = [n for n in tree.root.children if n.lot.item.sku == "BASE-CRM"]
    assert base and any(leaf.lot.item.sku == "SHEA" and leaf.receipts
                        for leaf in base[0].children)
    assert recipes.recipe_cost(recipes.recipe_for("CRM-FACE")).per_unit > D(1)
    wip = db.session.execute(select(func.sum(Balance.quantity)).join(Location)
                             .where(Location.kind == "wip")).scalar()
    assert wip > 0  # the fig candles in progress
