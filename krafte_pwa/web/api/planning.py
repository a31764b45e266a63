"""Planning: what to buy and make, drafting the buy list, an order with its sub-orders."""

from ...services import planning, sub_orders
from ..auth import role_required
from ..serializers.planning import drafted_json, suggestions_json, tree_json
from . import body, bp, idempotent, user_id


@bp.get("/planning/suggestions")
@role_required("manager")
def planning_suggestions():
    return suggestions_json(planning.suggestions())


@bp.post("/planning/purchase-orders")
@role_required("manager")
@idempotent
def planning_purchase_orders():
    drafted = planning.draft_purchase_orders(items=body().get("items"), user_id=user_id())
    return drafted_json(drafted), 201


@bp.post("/planning/orders")
@role_required("manager")
@idempotent
def planning_orders():
    data = body()
    tree = sub_orders.plan_with_sub_orders(item=data.get("item"), quantity=data.get("quantity"),
                                           unit=data.get("unit"), note=data.get("note"),
                                           user_id=user_id())
    return tree_json(tree), 201
