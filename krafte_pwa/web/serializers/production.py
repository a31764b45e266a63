"""Recipes, feasibility, production orders and lot traces as JSON."""

from ...domain.numbers import to_str
from ...services import production_queries, recipes
from .common import shows_costs
from .stamps import day, stamp


def recipe_cost_json(cost) -> dict:
    """A recipe's cost: per batch and per unit made."""
    return {"material": to_str(cost.material), "labour": to_str(cost.labour),
            "overhead": to_str(cost.overhead), "batch": to_str(cost.total),
            "per_unit": to_str(cost.per_unit)}


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
            data["cost"] = recipe_cost_json(recipes.recipe_cost(recipe))
    return data


def feasibility_json(result) -> dict:
    return {
        "item": result.item.sku, "quantity": to_str(result.quantity),
        "feasible": result.feasible, "max_quantity": to_str(result.max_quantity),
        "shortages": [{"item": i.sku, "unit": i.unit, "required": to_str(req),
                       "available": to_str(have), "missing": to_str(miss)}
                      for i, req, have, miss in result.shortages],
        "to_produce": [{"item": i.sku, "unit": i.unit, "quantity": to_str(q)}
                       for i, q in result.to_produce],
    }


def _requirement_json(r) -> dict:
    return {"item": r.item.sku, "unit": r.item.unit, "quantity": to_str(r.required),
            "reserved": to_str(r.reserved), "picked": to_str(r.picked),
            "consumed": to_str(r.consumed), "missing": to_str(r.missing),
            "suggested": [{"lot": t.lot.code, "location": t.location.code,
                           "quantity": to_str(t.quantity), "expiry": day(t.lot.expiry)}
                          for t in r.suggested]}


def _pick_json(p) -> dict:
    return {"lot": p.lot.code, "item": p.lot.item.sku, "from": p.location.code,
            "quantity": to_str(p.quantity), "consumed": to_str(p.consumed),
            "returned": to_str(p.returned), "wasted": to_str(p.wasted),
            "waste_reason": p.waste_reason, "overridden": p.overridden}


def order_json(order, *, suggest: bool = True) -> dict:
    reqs = production_queries.requirements(order, suggest=suggest)
    data = {
        "number": order.number, "status": order.status, "item": order.item.sku,
        "item_name": order.item.name, "unit": order.item.unit,
        "recipe_version": order.recipe.version,
        "quantity": to_str(order.planned_quantity),
        "actual_quantity": to_str(order.actual_quantity),
        "requirements": [_requirement_json(r) for r in reqs],
        "picks": [_pick_json(p) for p in order.picks],
        "wip_location": order.wip_location.code if order.wip_location else None,
        "output_lot": _output_lot(order), "override_reason": order.override_reason,
        "actions": production_queries.actions(order), "note": order.note,
        "parent": order.parent.number if order.parent else None,
        "sub_orders": [{"number": o.number, "item": o.item.sku, "status": o.status}
                       for o in order.sub_orders],
        "created_at": stamp(order.created_at), "started_at": stamp(order.started_at),
        "completed_at": stamp(order.completed_at), "cancelled_at": stamp(order.cancelled_at),
    }
    if shows_costs():
        data["costs"] = _variance_json(production_queries.variance(order))
    if order.actual_quantity is not None:
        data["quantity_variance"] = to_str(order.actual_quantity - order.planned_quantity)
    return data


def _variance_json(v) -> dict:
    return {"planned": _costs(v.planned), "actual": _costs(v.actual),
            "variance": to_str(v.cost),
            "variance_detail": None if v.actual is None else {
                "material": to_str(v.material), "labour": to_str(v.labour),
                "overhead": to_str(v.overhead), "percent": to_str(v.percent),
                "per_unit": to_str(v.per_unit)}}


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
            "expiry": day(lot.expiry), "status": lot.status,
            "location": order.output_location.code if order.output_location else None}
    if shows_costs():
        data["unit_cost"] = to_str(lot.unit_cost)
    return data


def _dated(rows):
    return [{**r, "date": day(r["date"]), "quantity": to_str(r["quantity"])} for r in rows]


def node_json(node) -> dict:
    lot = node.lot
    data = {"lot": lot.code, "item": lot.item.sku, "item_name": lot.item.name,
            "unit": lot.item.unit, "quantity": to_str(node.quantity), "origin": lot.origin,
            "status": lot.status, "date": day(lot.lot_date), "expiry": day(lot.expiry),
            "order": node.order, "children": [node_json(c) for c in node.children]}
    if node.used is not None:
        data["used"] = {"quantity": to_str(node.used), "unit": node.used_unit}
    if node.receipts is not None:
        data["receipts"] = _dated(node.receipts)
    if node.shipments is not None:
        data["shipments"] = _dated(node.shipments)
    return data


def trace_json(result) -> dict:
    return {**node_json(result.root), "direction": result.direction, "lots": result.lots,
            "truncated": result.truncated}


def scanned_picks_json(picks) -> list[dict]:
    """The lots scanned at the station before Start (services.station.Scanned)."""
    return [{"lot": p.lot, "item": p.item, "unit": p.unit, "location": p.location,
             "quantity": to_str(p.quantity), "suggested": p.suggested} for p in picks]
