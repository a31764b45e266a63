"""CSV import of recipes: one row per line, grouped by output item; a dry run lists every
problem row (line number, column, reason) and nothing is written until the whole file is
valid; French spreadsheets (semicolons, decimal commas) read as well as UTF-8."""

from decimal import Decimal as D

from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import Recipe, RecipeLine
from krafte_pwa.services import imports, production, recipes
from krafte_pwa.services import items as item_actions
from tests.factories import candle_workshop


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def workshop():
    """Candle materials, a candle product, a base blend (intermediate) and a gift box."""
    candle_workshop()
    item_actions.create_item(sku="BLEND", name="Wax blend", kind="intermediate", unit="kg")
    item_actions.create_item(sku="GIFT", name="Gift box", kind="product", unit="pcs")


VALID = """article;rendement;composant;quantité;unité;perte %;minutes;taux horaire
BLEND;10;WAX;9,5;kg;1,5;30;24
BLEND;10;FO-LAV;500;ml;;;
CANDLE;1;BLEND;200;g;2;3;24
CANDLE;;WICK;1;;;;
GIFT;1;CANDLE;2;;;1;24
"""


def test_a_valid_french_file_imports_every_recipe(app):
    workshop()
    dry = imports.import_recipes(VALID.encode("cp1252"), dry_run=True)
    assert (dry.rows, dry.problems, dry.written, count(Recipe)) == (5, [], False, 0)
    report = imports.import_recipes(VALID.encode("cp1252"))
    assert report.written and report.problems == []
    assert report.created == ["BLEND v1", "CANDLE v1", "GIFT v1"]
    assert count(Recipe) == 3 and count(RecipeLine) == 5
    blend = recipes.recipe_for("BLEND")
    assert blend.yield_quantity == 10 and blend.labour_minutes == 30
    assert [(ln.item.sku, ln.base_quantity, ln.loss_percent) for ln in blend.lines] == [
        ("WAX", D(9500), D("1.5")), ("FO-LAV", D(500), D(0))]
    candle = recipes.recipe_for("CANDLE")
    assert [(ln.item.sku, ln.base_quantity) for ln in candle.lines] == [
        ("BLEND", D("0.2")), ("WICK", D(1))]
    assert candle.labour_rate == 24  # given once, on the recipe's first row


def test_importing_over_a_used_recipe_makes_a_new_version(app):
    workshop()
    imports.import_recipes(VALID)
    production.plan_order(item="GIFT", quantity=1)  # the order keeps GIFT v1
    report = imports.import_recipes("item,yield_quantity,component,quantity\n"
                                    "GIFT,1,CANDLE,3\n")
    assert report.written and report.created == ["GIFT v2"]
    assert recipes.recipe_for("GIFT").lines[0].base_quantity == 3
    assert recipes.recipe_for("GIFT", 1).lines[0].base_quantity == 2


def test_a_file_with_bad_rows_reports_them_all_and_writes_nothing(app):
    workshop()
    data = "\n".join([
        "item,yield_quantity,component,quantity,unit,loss_percent",
        "BLEND,10,WAX,9.5,kg,",  # good
        "BLEND,10,NOPE,1,,",  # 3: unknown component
        "CANDLE,1,BLEND,200,furlongs,",  # 4: unit
        "CANDLE,1,WICK,douze,,",  # 5: quantity
        "GIFT,1,CANDLE,2,,-5",  # 6: loss percent
        "WAX,1,WICK,1,,",  # 7: a material has no recipe
        "UNKNOWN,1,WICK,1,,",  # 8: no such item
        "BLEND2,,WICK,1,,",  # 9: no such item either
        ",1,WICK,1,,",  # 10: no item
        "CANDLE,2,WICK,1,,",  # 11: another yield than line 4's
    ])
    report = imports.import_recipes(data)
    assert [(p.line, p.column) for p in report.problems] == [
        (3, "component"), (4, "unit"), (5, "quantity"), (6, "loss_percent"), (7, None),
        (8, "item"), (9, "item"), (9, "yield_quantity"), (10, "item"), (11, "yield_quantity")]
    assert report.problems[2].reason == "quantity: 'douze' is not a number"
    assert "differs from line 4" in report.problems[9].reason
    assert "material" in report.problems[4].reason
    assert not report.written and count(Recipe) == 0 and count(RecipeLine) == 0


def test_a_cycle_between_recipes_of_one_file_is_refused(app):
    workshop()
    report = imports.import_recipes("item,yield_quantity,component,quantity\n"
                                    "BLEND,1,CANDLE,1\nCANDLE,1,BLEND,1\n")
    assert [p.line for p in report.problems] == [3]
    assert "cycle" in report.problems[0].reason.lower() or \
        "itself" in report.problems[0].reason.lower()
    assert count(Recipe) == 0


def test_a_recipe_row_without_yield_is_reported(app):
    workshop()
    report = imports.import_recipes("item,component,quantity\nCANDLE,WICK,1\n")
    assert [(p.line, p.column) for p in report.problems] == [(2, "yield_quantity")]
