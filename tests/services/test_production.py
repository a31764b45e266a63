"""Recipes and production orders through the services, on SQLite and PostgreSQL:
versioning, reservations, refusals that change nothing, costing, expiry, multi-level
production, feasibility and traces."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from krafte_pwa.errors import (
    BadInput,
    Forbidden,
    InsufficientStock,
    InvalidTransition,
    KrafteError,
    LotNotUsable,
    NotFound,
)
from krafte_pwa.extensions import db
from krafte_pwa.models import Genealogy, Movement, MovementKind, ProductionOrder, Recipe
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import production, queries, recipes, stock, trace, users
from tests.factories import in_days, receive
from tests.production_factories import (
    candle_batch_workshop,
    face_cream_workshop,
    lot_by_code,
    snapshot,
    stock_value,
    wip_on_hand,
)


def _user(role: str) -> int:
    return users.create_user(username=role, password=f"{role}-password", role=role).id


def refused(exc_type, call, **kwargs):
    """The call raises `exc_type`; the transaction is rolled back as the web layer does."""
    with pytest.raises(exc_type) as info:
        call(**kwargs)
    db.session.rollback()
    return info.value


# ---------------------------------------------------------------- recipes

def test_editing_a_used_recipe_makes_a_new_version_and_orders_keep_theirs(app):
    candle_batch_workshop()
    first = production.plan_order(item="CANDLE", quantity=10)
    edited = recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "WAX", "quantity": "180"}, {"item": "WICK", "quantity": 1}])
    assert edited.version == 2 and edited.active
    assert db.session.execute(select(func.count(Recipe.id))).scalar() == 2
    assert first.recipe.version == 1 and not first.recipe.active
    assert [ln.base_quantity for ln in first.recipe.lines] == [D(200), D(20), D(1), D(1)]
    second = production.plan_order(item="CANDLE", quantity=10)
    assert second.recipe.version == 2
    assert {r.item.sku: r.required for r in second.reservations} == {"WAX": D(1800),
                                                                    "WICK": D(10)}
    # an unused version is edited in place
    again = recipes.save_recipe(item="CANDLE", yield_quantity=2, lines=[
        {"item": "WAX", "quantity": "0.4", "unit": "kg"}, {"item": "WICK", "quantity": 2}])
    assert again.version == 3  # version 2 was used by `second`
    third = recipes.save_recipe(item="CANDLE", yield_quantity=2, lines=[
        {"item": "WAX", "quantity": "0.41", "unit": "kg"}, {"item": "WICK", "quantity": 2}])
    assert third.id == again.id and third.version == 3
    assert [ln.base_quantity for ln in third.lines] == [D(410), D(2)]


def test_recipe_units_convert_to_the_component_base_unit(app):
    candle_batch_workshop()
    recipe = recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "FO-LAV", "quantity": "19", "unit": "g"},  # density 0.95 g/ml -> 20 ml
        {"item": "WAX", "quantity": "0,2", "unit": "kg"}])
    assert [ln.base_quantity for ln in recipe.lines] == [D(20), D(200)]


def test_a_recipe_cycle_is_refused(app):
    face_cream_workshop()
    before = snapshot()
    error = refused(BadInput, recipes.save_recipe, item="BASE", yield_quantity=1,
                    lines=[{"item": "CREAM", "quantity": 1}])
    assert error.code == "recipe_cycle" and "BASE" in error.message
    assert snapshot() == before


def test_requirements_are_scaled_with_loss_and_whole_pieces(app):
    candle_batch_workshop()
    recipes.save_recipe(item="CANDLE", yield_quantity=3, lines=[
        {"item": "WAX", "quantity": "500", "loss_percent": "1.5"},
        {"item": "WICK", "quantity": 1}])
    order = production.plan_order(item="CANDLE", quantity=10)
    needs = {r.item.sku: r.required for r in order.reservations}
    # 500 × 10 / 3 × 1.015 = 1691.666… -> rounded up to the micro-gram; wicks: 3.33 -> 4
    assert needs == {"WAX": D("1691.666667"), "WICK": D(4)}


def test_recipe_cost_per_unit_from_current_lot_costs(app):
    """The lots the next batch would take (FEFO) price it; what stock cannot cover is
    priced at the latest lot; an intermediate without lots through its own recipe."""
    lots = candle_batch_workshop()
    cost = recipes.recipe_cost(recipes.recipe_for("CANDLE"))
    # 204 g from the wax lot expiring first (0.0042/g), 20 ml oil, a wick, a jar
    material = D(204) * D("0.0042") + D(20) * D("0.085") + D("0.06") + D("0.95")
    assert cost.material == material == D("3.5668")
    assert cost.labour == D("1.2") and cost.overhead == D("0.5") + material * D("0.05")
    assert cost.per_unit == D("5.44514")
    stock.adjust_stock(lot=lots["wax_soon"], location="STORE", quantity="-7900", reason="x")
    # 100 g left at 0.0042, then 104 g from the next lot at 0.0045
    assert recipes.recipe_cost(recipes.recipe_for("CANDLE")).material == (
        D("0.42") + D(104) * D("0.0045") + D("2.71"))
    face_cream_workshop()
    base = recipes.recipe_cost(recipes.recipe_for("BASE"))
    cream = recipes.recipe_cost(recipes.recipe_for("CREAM"))
    assert cream.lines[0].unit_cost == base.per_unit  # no base cream lot yet


# ---------------------------------------------------------------- reservations

def test_reservations_never_exceed_what_is_available(app):
    candle_batch_workshop()
    a = production.plan_order(item="CANDLE", quantity=100)
    b = production.plan_order(item="CANDLE", quantity=100)
    jars_a = {r.item.sku: r for r in a.reservations}["JAR"]
    jars_b = {r.item.sku: r for r in b.reservations}["JAR"]
    assert (jars_a.quantity, jars_b.quantity, jars_b.required) == (D(100), D(20), D(100))
    jar = queries.item_stock(queries.item_by_sku("JAR"))
    assert (jar.on_hand, jar.reserved, jar.available) == (D(120), D(120), D(0))


def test_start_cannot_take_what_another_order_reserved(app):
    candle_batch_workshop()
    first = production.plan_order(item="CANDLE", quantity=100)
    second = production.plan_order(item="CANDLE", quantity=20)
    jars = {r.item.sku: r.quantity for r in second.reservations}["JAR"]
    assert jars == D(20)
    before = snapshot()
    extra = production.plan_order(item="CANDLE", quantity=5)  # nothing left to reserve
    assert {r.item.sku: r.quantity for r in extra.reservations}["JAR"] == 0
    before = snapshot()
    refused(InsufficientStock, production.start_order, number=extra.number)
    assert snapshot() == before
    production.start_order(number=second.number)
    production.start_order(number=first.number)
    assert wip_on_hand() == D(20400 + 2000 + 100 + 100 + 4080 + 400 + 20 + 20)


# ---------------------------------------------------------------- refusals

def test_start_refuses_blocked_and_quarantined_lots_and_changes_nothing(app):
    lots = candle_batch_workshop()
    manager = _user("manager")
    order = production.plan_order(item="CANDLE", quantity=10)
    stock.change_lot_status(lot=lots["wax_never"], status="blocked", reason="recall")
    stock.change_lot_status(lot=lots["wax_later"], status="quarantine", reason="QC")
    before = snapshot()
    for code, status in ((lots["wax_never"], "blocked"), (lots["wax_later"], "quarantine")):
        for reason in (None, "I know"):
            error = refused(LotNotUsable, production.start_order, number=order.number,
                            picks=[{"lot": code, "quantity": 2040}], override_reason=reason,
                            user_id=manager)
            assert status in error.message
            assert snapshot() == before
    production.start_order(number=order.number, picks=[{"lot": lots["wax_soon"],
                                                        "quantity": 2040}])


def test_start_refuses_an_expired_lot_unless_a_manager_overrides_with_a_reason(app):
    candle_batch_workshop()
    manager, operator = _user("manager"), _user("operator")
    old = receive("WAX", "3000", cost="0.001", expiry=in_days(-1))
    order = production.plan_order(item="CANDLE", quantity=10)
    picks = [{"lot": old, "quantity": 2040}]
    before = snapshot()
    error = refused(LotNotUsable, production.start_order, number=order.number, picks=picks,
                    user_id=manager)
    assert error.code == "lot_expired"
    refused(Forbidden, production.start_order, number=order.number, picks=picks,
            override_reason="fine", user_id=operator)
    refused(Forbidden, production.start_order, number=order.number, picks=picks,
            override_reason="fine")
    assert snapshot() == before
    # the FEFO suggestion never offers the expired lot
    suggested = production.start_order(number=order.number, user_id=operator)
    assert old not in {p.lot.code for p in suggested.picks}
    production.cancel_order(number=order.number)
    order = production.plan_order(item="CANDLE", quantity=10)
    production.start_order(number=order.number, picks=picks, override_reason="smelled fine",
                           user_id=manager)
    order = db.session.get(ProductionOrder, order.id)
    assert (order.override_reason, order.override_user_id) == ("smelled fine", manager)
    moves = db.session.execute(select(Movement).where(
        Movement.lot_id == lot_by_code(old).id, Movement.kind == MovementKind.PICK_OUT)).scalars()
    assert [m.reason for m in moves] == ["override: smelled fine"]


def test_every_transition_outside_the_state_table_is_refused_and_changes_nothing(app):
    candle_batch_workshop()
    planned = production.plan_order(item="CANDLE", quantity=2).number
    started = production.plan_order(item="CANDLE", quantity=2).number
    production.start_order(number=started)
    completed = production.plan_order(item="CANDLE", quantity=2).number
    production.start_order(number=completed)
    production.complete_order(number=completed, quantity=2, location="SHELF")
    cancelled = production.plan_order(item="CANDLE", quantity=2).number
    production.cancel_order(number=cancelled)
    before = snapshot()
    bad = [(production.complete_order, planned, {"quantity": 2, "location": "SHELF"}),
           (production.start_order, started, {}),
           (production.start_order, completed, {}),
           (production.complete_order, completed, {"quantity": 2, "location": "SHELF"}),
           (production.cancel_order, completed, {}),
           (production.start_order, cancelled, {}),
           (production.complete_order, cancelled, {"quantity": 2, "location": "SHELF"}),
           (production.cancel_order, cancelled, {})]
    for call, number, kwargs in bad:
        error = refused(InvalidTransition, call, number=number, **kwargs)
        assert number in error.message
        assert snapshot() == before
    refused(NotFound, production.start_order, number="MO-2000-0001")


def test_refused_starts_and_completes_change_nothing(app):
    lots = candle_batch_workshop()
    order = production.plan_order(item="CANDLE", quantity=200)
    candle = lot_of("CANDLE")
    before = snapshot()
    error = refused(InsufficientStock, production.start_order, number=order.number)
    assert "JAR" in error.message
    refused(BadInput, production.start_order, number=order.number,
            picks=[{"lot": lots["wax_soon"], "quantity": 1}, {"lot": candle}])
    refused(InsufficientStock, production.start_order, number=order.number,
            picks=[{"lot": lots["jar"], "quantity": 121}])
    assert snapshot() == before
    production.cancel_order(number=order.number)
    small = production.plan_order(item="CANDLE", quantity=2)
    production.start_order(number=small.number)
    before = snapshot()
    for kwargs in ({"quantity": 2, "location": "SHELF",
                    "consumed": [{"lot": lots["wax_soon"], "quantity": 409}]},
                   {"quantity": 2, "location": "SHELF",
                    "waste": [{"lot": lots["jar"], "quantity": 3, "reason": "x"}]},
                   {"quantity": 2, "location": "NOWHERE"},
                   {"quantity": 2, "location": "SHELF", "consumed": []}):
        refused(KrafteError, production.complete_order, number=small.number, **kwargs)
        assert snapshot() == before


def lot_of(sku):
    """A lot code of `sku` made on the spot (a product candle, not in the candle recipe)."""
    return receive(sku, "1")


def test_complete_refuses_a_lot_blocked_since_it_was_picked(app):
    lots = candle_batch_workshop()
    order = production.plan_order(item="CANDLE", quantity=2)
    production.start_order(number=order.number)
    stock.change_lot_status(lot=lots["wax_soon"], status="blocked", reason="supplier recall")
    before = snapshot()
    refused(LotNotUsable, production.complete_order, number=order.number, quantity=2,
            location="SHELF")
    assert snapshot() == before
    production.cancel_order(number=order.number)
    assert queries.lot_detail(lots["wax_soon"]).quantity == 8000 and wip_on_hand() == 0


# ---------------------------------------------------------------- output lot

def test_output_expiry_is_shelf_life_capped_by_the_earliest_consumed_expiry(app):
    lots = candle_batch_workshop()
    today = date.today()
    order = production.plan_order(item="CANDLE", quantity=1)
    production.start_order(number=order.number,
                           picks=[{"lot": lots["wax_never"], "quantity": 204}])
    done = production.complete_order(number=order.number, quantity=1, location="SHELF",
                                     today=today)
    assert done.output_lot.expiry == in_days(200)  # the oil, before 730 days of shelf life
    item_actions.create_item(sku="SOAP", name="Soap", kind="product", unit="pcs",
                        shelf_life_days=10)
    recipes.save_recipe(item="SOAP", yield_quantity=1, lines=[{"item": "WICK", "quantity": 1}])
    soap = production.plan_order(item="SOAP", quantity=1)
    production.start_order(number=soap.number)
    made = production.complete_order(number=soap.number, quantity=1, location="SHELF")
    assert made.output_lot.expiry == today + timedelta(days=10)
    assert made.output_lot.origin == "production" and made.output_lot.code.startswith("P")


def test_output_of_a_qc_item_starts_in_quarantine(app):
    candle_batch_workshop()
    item_actions.create_item(sku="BALM", name="Balm", kind="product", unit="pcs", requires_qc=True)
    recipes.save_recipe(item="BALM", yield_quantity=1, lines=[{"item": "WAX", "quantity": 10}])
    order = production.plan_order(item="BALM", quantity=3)
    production.start_order(number=order.number)
    made = production.complete_order(number=order.number, quantity=3, location="SHELF")
    assert made.output_lot.status == "quarantine"
    assert queries.item_stock(queries.item_by_sku("BALM")).available == 0


# ---------------------------------------------------------------- two levels

def test_two_level_feasibility_production_and_traces(app):
    lots = face_cream_workshop()
    result = recipes.feasibility("CREAM", 500)
    assert not result.feasible and result.max_quantity == 400
    assert [(i.sku, r, a, m) for i, r, a, m in result.shortages] == [
        ("EMU", D("1.25"), D(1), D("0.25"))]
    assert [(i.sku, q) for i, q in result.to_produce] == [("BASE", D(25))]
    ok = recipes.feasibility("CREAM", 400)
    assert ok.feasible and ok.shortages == []

    base = production.plan_order(item="BASE", quantity=10)
    production.start_order(number=base.number)
    base = production.complete_order(number=base.number, quantity=10, location="LAB")
    # base stock is netted before producing more of it
    now = recipes.feasibility("CREAM", 300)
    assert now.feasible and [(i.sku, q) for i, q in now.to_produce] == [("BASE", D(5))]
    assert recipes.feasibility("CREAM", 1).max_quantity == 400

    cream = production.plan_order(item="CREAM", quantity=100)
    assert {r.item.sku: r.quantity for r in cream.reservations} == {"BASE": D(5),
                                                                    "POT-50": D(100)}
    production.start_order(number=cream.number)
    cream = production.complete_order(number=cream.number, quantity=100, location="FG")

    forward = trace.trace_lot(lots["shea_1"], "forward")
    assert [n.lot.code for n in forward.root.children] == [base.output_lot.code]
    assert [n.lot.code for n in forward.root.children[0].children] == [cream.output_lot.code]
    backward = trace.trace_lot(cream.output_lot.code, "backward")
    middle = {n.lot.code: n for n in backward.root.children}[base.output_lot.code]
    leaves = {n.lot.code: n for n in middle.children}
    assert leaves[lots["shea_1"]].receipts[0]["supplier"] == "Karité Direct"
    assert set(leaves) == {lots[k] for k in ("shea_1", "oil", "emu", "pres", "water")}
    assert backward.lots == 1 + 2 + 5


def test_genealogy_records_each_input_lot_and_quantity(app):
    lots = candle_batch_workshop()
    order = production.plan_order(item="CANDLE", quantity=100)
    production.start_order(number=order.number)
    done = production.complete_order(number=order.number, quantity=98, location="SHELF")
    rows = {g.input_lot.code: g.quantity for g in db.session.execute(
        select(Genealogy).where(Genealogy.output_lot_id == done.output_lot_id)).scalars()}
    assert rows == {lots["wax_soon"]: D(8000), lots["wax_later"]: D(12400),
                    lots["oil"]: D(2000), lots["wick"]: D(100), lots["jar"]: D(100)}
    assert stock_value("wip") == 0


def test_max_quantity_in_kilograms_is_exact_to_the_gram(app):
    face_cream_workshop()
    result = recipes.feasibility("BASE", "1")
    assert result.max_quantity == D(20)  # 1 kg emulsifier / 0.05 kg per kg of base
    receive("EMU", "7", unit="g", location="LAB")
    assert recipes.feasibility("BASE", "1").max_quantity == D("20.14")


def test_costs_too_large_to_record_are_refused_not_overflowed(app):
    candle_batch_workshop()
    recipes.save_recipe(item="CANDLE", yield_quantity=1, labour_minutes=1_000_000,
                        labour_rate=1_000_000, lines=[{"item": "WICK", "quantity": 1}])
    before = snapshot()
    error = refused(BadInput, production.plan_order, item="CANDLE", quantity=1)
    assert error.code == "cost_too_large"
    assert snapshot() == before


def test_start_is_refused_when_a_location_has_the_order_number_as_code(app):
    """The order's WIP location takes the order's number; a location already named so
    refuses the start and changes nothing."""
    candle_batch_workshop()
    order = production.plan_order(item="CANDLE", quantity=10)
    location_actions.create_location(code=order.number, name="Named like the order")
    before = snapshot()
    error = refused(KrafteError, production.start_order, number=order.number)
    assert error.code == "duplicate_location"
    assert snapshot() == before
    assert db.session.get(ProductionOrder, order.id).status == "planned"
