"""Recipes, feasibility, production orders and lot traces."""

from flask import request

from ...services import production, production_queries, recipes, trace
from ...services._tx import transaction
from ..auth import role_required
from ..serializers.common import list_json, page_json
from ..serializers.production import (
    feasibility_json,
    order_json,
    recipe_json,
    trace_json,
)
from . import body, bp, idempotent, optional_field, user_id


@bp.post("/recipes")
@role_required("manager")
@idempotent
def create_recipe():
    data = body()
    recipe = recipes.save_recipe(
        item=data.get("item"), yield_quantity=data.get("yield_quantity"),
        yield_unit=data.get("yield_unit"), lines=data.get("lines"),
        labour_minutes=data.get("labour_minutes"), labour_rate=data.get("labour_rate"),
        overhead=data.get("overhead"), overhead_percent=data.get("overhead_percent"),
        instructions=data.get("instructions"), cap_expiry=data.get("cap_expiry", True),
        user_id=user_id())
    return recipe_json(recipe, with_cost=False), 201


@bp.get("/recipes")
def list_recipes():
    rows = recipes.list_recipes()
    return list_json([recipe_json(r, with_cost=False) for r in rows])


@bp.get("/recipes/<sku>")
def get_recipe(sku):
    return recipe_json(recipes.recipe_for(sku, request.args.get("version")))


@bp.get("/items/<sku>/feasibility")
def feasibility(sku):
    result = recipes.feasibility(sku, request.args.get("quantity"), request.args.get("unit"))
    return feasibility_json(result)


@bp.post("/production-orders")
@role_required("manager")
@idempotent
def plan_order():
    data = body()
    with transaction():  # the answer from what the action computed, before it commits
        order = production.plan_order(item=data.get("item"), quantity=data.get("quantity"),
                                      unit=data.get("unit"), note=data.get("note"),
                                      user_id=user_id())
        return order_json(order), 201


@bp.get("/production-orders")
def list_orders():
    args = request.args
    page = production_queries.list_orders(status=args.get("status"), item=args.get("item"),
                                          page=args.get("page"), per_page=args.get("per_page"))
    return page_json(page, [order_json(o, suggest=False) for o in page.rows])


@bp.get("/production-orders/<number>")
def get_order(number):
    return order_json(production_queries.get_order(number))


@bp.post("/production-orders/<number>/start")
@idempotent
def start_order(number):
    data = body()
    with transaction():
        order = production.start_order(number=number, picks=data.get("picks"),
                                       override_reason=data.get("override_reason"),
                                       user_id=user_id())
        return order_json(order), 200


@bp.post("/production-orders/<number>/complete")
@idempotent
def complete_order(number):
    data = body()
    with transaction():
        order = production.complete_order(
            number=number, quantity=data.get("quantity"), unit=data.get("unit"),
            location=data.get("location"), consumed=data.get("consumed"),
            waste=data.get("waste"), return_location=data.get("return_location"),
            labour_minutes=data.get("labour_minutes"), user_id=user_id())
        return order_json(order), 200


@bp.post("/production-orders/<number>/cancel")
@role_required("manager")
@idempotent
def cancel_order(number):
    with transaction():  # the answer from what the action computed, before it commits
        order = production.cancel_order(number=number, reason=optional_field("reason"),
                                        user_id=user_id())
        return order_json(order), 200


@bp.get("/lots/<code>/trace")
def lot_trace(code):
    result = trace.trace_lot(code, request.args.get("direction", "backward"))
    return trace_json(result)
