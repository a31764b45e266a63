"""Recipes, feasibility, production orders and lot traces."""

from flask import request

from ...domain.numbers import to_str
from ...services import production, production_queries, recipes, trace
from ..auth import role_required
from . import body, bp, idempotent, user_id
from .serializers import page_json, shows_costs


def _day(value):
    return value.isoformat() if value else None


def recipe_json(recipe, with_cost: bool = True) -> dict:
    data = {
        "item": recipe.item.sku, "version": recipe.version, "active": recipe.active,
        "yield_quantity": to_str(recipe.yield_quantity), "unit": recipe.item.unit,
        "labour_minutes": to_str(recipe.labour_minutes), "instructions": recipe.instructions,
        "cap_expiry": recipe.cap_expiry,
        "lines": [{"item": ln.item.sku, "quantity": to_str(ln.quantity), "unit": ln.unit,
                   "loss_percent": to_str(ln.loss_percent),
                   "base_quantity": to_str(ln.base_quantity), "base_unit": ln.item.unit}
                  for ln in recipe.lines],
    }
    if shows_costs():
        data.update(labour_rate=to_str(recipe.labour_rate),
                    overhead=to_str(recipe.overhead_per_batch),
                    overhead_percent=to_str(recipe.overhead_percent))
        if with_cost:
            cost = recipes.recipe_cost(recipe)
            data["cost"] = {"material": to_str(cost.material), "labour": to_str(cost.labour),
                            "overhead": to_str(cost.overhead), "batch": to_str(cost.total),
                            "per_unit": to_str(cost.per_unit)}
    return data


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
    return {**recipe_json(recipe, with_cost=False), "item": recipe.item.sku,
            "version": recipe.version}, 201


@bp.get("/recipes")
def list_recipes():
    rows = recipes.list_recipes()
    return {"items": [recipe_json(r, with_cost=False) for r in rows], "total": len(rows),
            "page": 1, "per_page": len(rows)}


@bp.get("/recipes/<sku>")
def get_recipe(sku):
    return recipe_json(recipes.recipe_for(sku, request.args.get("version")))


@bp.get("/items/<sku>/feasibility")
def feasibility(sku):
    result = recipes.feasibility(sku, request.args.get("quantity"), request.args.get("unit"))
    return {
        "item": result.item.sku, "quantity": to_str(result.quantity),
        "feasible": result.feasible, "max_quantity": to_str(result.max_quantity),
        "shortages": [{"item": i.sku, "unit": i.unit, "required": to_str(req),
                       "available": to_str(have), "missing": to_str(miss)}
                      for i, req, have, miss in result.shortages],
        "to_produce": [{"item": i.sku, "unit": i.unit, "quantity": to_str(q)}
                       for i, q in result.to_produce],
    }


def order_json(order, *, suggest: bool = True) -> dict:
    reqs = production_queries.requirements(order, suggest=suggest)
    data = {
        "number": order.number, "status": order.status, "item": order.item.sku,
        "item_name": order.item.name, "unit": order.item.unit,
        "recipe_version": order.recipe.version,
        "quantity": to_str(order.planned_quantity),
        "actual_quantity": to_str(order.actual_quantity),
        "requirements": [{
            "item": r.item.sku, "unit": r.item.unit, "quantity": to_str(r.required),
            "reserved": to_str(r.reserved), "picked": to_str(r.picked),
            "consumed": to_str(r.consumed), "missing": to_str(r.missing),
            "suggested": [{"lot": t.lot.code, "location": t.location.code,
                           "quantity": to_str(t.quantity), "expiry": _day(t.lot.expiry)}
                          for t in r.suggested]} for r in reqs],
        "picks": [{"lot": p.lot.code, "item": p.lot.item.sku, "from": p.location.code,
                   "quantity": to_str(p.quantity), "consumed": to_str(p.consumed),
                   "returned": to_str(p.returned), "wasted": to_str(p.wasted),
                   "waste_reason": p.waste_reason, "overridden": p.overridden}
                  for p in order.picks],
        "wip_location": order.wip_location.code if order.wip_location else None,
        "output_lot": _output_lot(order), "override_reason": order.override_reason,
        "actions": production_queries.actions(order), "note": order.note,
        "parent": order.parent.number if order.parent else None,
        "sub_orders": [{"number": o.number, "item": o.item.sku, "status": o.status}
                       for o in order.sub_orders],
        "created_at": _stamp(order.created_at), "started_at": _stamp(order.started_at),
        "completed_at": _stamp(order.completed_at), "cancelled_at": _stamp(order.cancelled_at),
    }
    if shows_costs():
        v = production_queries.variance(order)
        data["costs"] = {"planned": _costs(v.planned), "actual": _costs(v.actual),
                         "variance": to_str(v.cost),
                         "variance_detail": None if v.actual is None else {
                             "material": to_str(v.material), "labour": to_str(v.labour),
                             "overhead": to_str(v.overhead), "percent": to_str(v.percent),
                             "per_unit": to_str(v.per_unit)}}
    if order.actual_quantity is not None:
        data["quantity_variance"] = to_str(order.actual_quantity - order.planned_quantity)
    return data


def _stamp(value):
    return value.isoformat() + "Z" if value else None


def _costs(c):
    if c is None:
        return None
    return {"material": to_str(c.material), "labour": to_str(c.labour),
            "overhead": to_str(c.overhead), "total": to_str(c.total),
            "quantity": to_str(c.quantity), "per_unit": to_str(c.per_unit)}


def _output_lot(order):
    lot = order.output_lot
    if lot is None:
        return None
    data = {"code": lot.code, "quantity": to_str(order.actual_quantity),
            "expiry": _day(lot.expiry), "status": lot.status,
            "location": order.output_location.code if order.output_location else None}
    if shows_costs():
        data["unit_cost"] = to_str(lot.unit_cost)
    return data


@bp.post("/production-orders")
@role_required("manager")
@idempotent
def plan_order():
    data = body()
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
    order = production.start_order(number=number, picks=data.get("picks"),
                                   override_reason=data.get("override_reason"),
                                   user_id=user_id())
    return order_json(order), 200


@bp.post("/production-orders/<number>/complete")
@idempotent
def complete_order(number):
    data = body()
    order = production.complete_order(
        number=number, quantity=data.get("quantity"), unit=data.get("unit"),
        location=data.get("location"), consumed=data.get("consumed"), waste=data.get("waste"),
        return_location=data.get("return_location"), labour_minutes=data.get("labour_minutes"),
        user_id=user_id())
    return order_json(order), 200


@bp.post("/production-orders/<number>/cancel")
@role_required("manager")
@idempotent
def cancel_order(number):
    data = request.get_json(silent=True) or {}
    reason = data.get("reason") if isinstance(data, dict) else None
    order = production.cancel_order(number=number, reason=reason, user_id=user_id())
    return order_json(order), 200


@bp.get("/lots/<code>/trace")
def lot_trace(code):
    result = trace.trace_lot(code, request.args.get("direction", "backward"))
    return {**node_json(result.root), "direction": result.direction, "lots": result.lots,
            "truncated": result.truncated}


def node_json(node) -> dict:
    lot = node.lot
    data = {"lot": lot.code, "item": lot.item.sku, "item_name": lot.item.name,
            "unit": lot.item.unit, "quantity": to_str(node.quantity), "origin": lot.origin,
            "status": lot.status, "date": _day(lot.lot_date), "expiry": _day(lot.expiry),
            "order": node.order, "children": [node_json(c) for c in node.children]}
    if node.used is not None:
        data["used"] = {"quantity": to_str(node.used), "unit": node.used_unit}
    if node.receipts is not None:
        data["receipts"] = [{**r, "date": _day(r["date"]), "quantity": to_str(r["quantity"])}
                            for r in node.receipts]
    if node.shipments is not None:
        data["shipments"] = [{**s, "date": _day(s["date"]), "quantity": to_str(s["quantity"])}
                             for s in node.shipments]
    return data
