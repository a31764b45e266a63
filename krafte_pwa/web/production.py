"""Production pages: orders (list, plan, order page with start / complete / cancel),
recipes (list, edit with the live cost per unit), lot traces."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..domain.vocabulary import ORDER_STATUSES
from ..errors import KrafteError
from ..services import item_queries, production, production_queries, recipes, trace
from ..services.location_queries import storage_locations
from .auth import role_required
from .form_rows import all_of, any_of, form_rows
from .refused import refusal
from .serializers.production import recipe_cost_json

bp = Blueprint("production", __name__, url_prefix="/production")
LINE_FIELDS = ("item", "quantity", "unit", "loss_percent")


bp.add_app_template_global(trace.flatten, "trace_rows")


# ---------------------------------------------------------------- orders

@bp.get("/")
@login_required
def index():
    args = request.args
    page = production_queries.list_orders(status=args.get("status") or None,
                                          page=args.get("page"), per_page=50)
    return render_template("production/index.html", page=page, status=args.get("status", ""),
                           order_statuses=ORDER_STATUSES)


@bp.route("/new", methods=["GET", "POST"])
@role_required("manager")
def new():
    form = request.form
    if request.method == "POST":
        with refusal() as refused:
            order = production.plan_order(item=form.get("item"), quantity=form.get("quantity"),
                                          note=form.get("note"), user_id=current_user.id)
        if refused:
            return render_template("production/new.html", items=_producible(), form=form), 400
        flash(_("Order %(number)s planned.", number=order.number), "success")
        return redirect(url_for("production.order", number=order.number))
    return render_template("production/new.html", items=_producible(),
                           form=request.args)


def _producible():
    return [r.item for r in recipes.list_recipes()]


@bp.get("/orders/<number>")
@login_required
def order(number):
    the_order = production_queries.get_order(number)
    return render_template(
        "production/order.html", order=the_order,
        requirements=production_queries.requirements(the_order),
        variance=production_queries.variance(the_order), locations=storage_locations(),
        actions=production_queries.actions(the_order))


def _back(number):
    return redirect(url_for("production.order", number=number))


@bp.post("/orders/<number>/start")
@login_required
def start(number):
    form = request.form
    picks = form_rows(form, ("lot", "quantity"), keep=any_of("lot"), name="picks")
    with refusal():
        production.start_order(number=number, picks=picks or None,
                               override_reason=form.get("override_reason") or None,
                               user_id=current_user.id)
        flash(_("Order started: the picked lots are in its WIP."), "success")
    return _back(number)


@bp.post("/orders/<number>/complete")
@login_required
def complete(number):
    form = request.form
    consumed = form_rows(form, ("consumed_lot", "consumed_quantity"),
                     keep=any_of("consumed_lot"))
    waste = form_rows(form, ("waste_lot", "waste_quantity", "waste_reason"),
                      keep=all_of("waste_lot", "waste_quantity"), name="waste")
    with refusal():
        done = production.complete_order(
            number=number, quantity=form.get("quantity"), location=form.get("location"),
            consumed=[{"lot": r["consumed_lot"], "quantity": r.get("consumed_quantity", "0")}
                      for r in consumed] or None,
            waste=[{"lot": r["waste_lot"], "quantity": r["waste_quantity"],
                    "reason": r.get("waste_reason")} for r in waste] or None,
            labour_minutes=form.get("labour_minutes"), user_id=current_user.id)
        flash(_("Order completed: lot %(code)s made.", code=done.output_lot.code), "success")
    return _back(number)


@bp.post("/orders/<number>/cancel")
@role_required("manager")
def cancel(number):
    with refusal():
        production.cancel_order(number=number, reason=request.form.get("reason"),
                                user_id=current_user.id)
        flash(_("Order cancelled."), "success")
    return _back(number)


# ---------------------------------------------------------------- recipes

@bp.get("/recipes")
@login_required
def recipe_list():
    rows = recipes.list_recipes()
    costs = {r.id: recipes.recipe_cost(r) for r in rows} if current_user.sees_costs else {}
    return render_template("production/recipes.html", recipes=rows, costs=costs)


def _recipe_form(form) -> dict:
    return dict(
        yield_quantity=form.get("yield_quantity"), labour_minutes=form.get("labour_minutes"),
        labour_rate=form.get("labour_rate"), overhead=form.get("overhead"),
        overhead_percent=form.get("overhead_percent"),
        lines=form_rows(form, LINE_FIELDS, keep=any_of("item", "quantity"), name="lines"))


@bp.route("/recipes/<sku>", methods=["GET", "POST"])
@role_required("manager")
def recipe_edit(sku):
    item = item_queries.find_item(sku)
    if item is None:
        return render_template("error.html", code=404, message=_("Unknown item.")), 404
    try:
        current = recipes.recipe_for(sku)
    except KrafteError:
        current = None
    form, cost, status = request.form, None, 200
    if request.method == "POST":
        with refusal() as refused:
            if form.get("preview"):
                cost = recipes.preview_cost(item=sku, **_recipe_form(form))
            else:
                saved = recipes.save_recipe(item=sku, instructions=form.get("instructions"),
                                            user_id=current_user.id, **_recipe_form(form))
                flash(_("Recipe saved (version %(v)d).", v=saved.version), "success")
                return redirect(url_for("production.recipe_edit", sku=sku))
        if refused:
            status = 400
    elif current is not None:
        cost = recipes.recipe_cost(current)
    components = item_queries.recipe_components(item)
    return render_template("production/recipe.html", item=item, recipe=current, cost=cost,
                           form=form if request.method == "POST" else None,
                           components=components), status


@bp.post("/recipes/<sku>/cost")
@role_required("manager")
def recipe_cost_preview(sku):
    """The live figure on the recipe page: form fields in, cost per unit out (JSON)."""
    try:
        cost = recipes.preview_cost(item=sku, **_recipe_form(request.form))
    except KrafteError as exc:
        return jsonify({"error": exc.message}), 200
    return jsonify(recipe_cost_json(cost))


@bp.get("/trace/<code>")
@login_required
def lot_trace_page(code):
    backward, forward = trace.both_ways(code)
    return render_template("production/trace.html", code=code, backward=backward,
                           forward=forward)
