"""Production pages: orders (list, plan, order page with start / complete / cancel),
recipes (list, edit with the live cost per unit), lot traces."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..domain.numbers import to_str
from ..errors import KrafteError
from ..extensions import db
from ..models import Item, Location
from ..services import production, production_queries, recipes, trace
from .auth import role_required

bp = Blueprint("production", __name__, url_prefix="/production")
LINE_FIELDS = ("item", "quantity", "unit", "loss_percent")


def _storage_locations():
    return db.session.execute(
        select(Location).where(Location.kind == "storage", Location.archived.is_(False))
        .order_by(Location.code)).scalars().all()


@bp.app_template_global()
def lot_trace(code, direction="backward"):
    """For the lot page: `{% include "production/_trace.html" %}` with `lot` set."""
    return trace.trace_lot(code, direction)


bp.add_app_template_global(trace.flatten, "trace_rows")


# ---------------------------------------------------------------- orders

@bp.get("/")
@login_required
def index():
    args = request.args
    page = production_queries.list_orders(status=args.get("status") or None,
                                          page=args.get("page"), per_page=50)
    return render_template("production/index.html", page=page, status=args.get("status", ""))


@bp.route("/new", methods=["GET", "POST"])
@role_required("manager")
def new():
    form = request.form
    if request.method == "POST":
        try:
            order = production.plan_order(item=form.get("item"), quantity=form.get("quantity"),
                                          note=form.get("note"), user_id=current_user.id)
        except KrafteError as exc:
            flash(exc.message, "error")
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
        variance=production_queries.variance(the_order), locations=_storage_locations(),
        actions=production_queries.actions(the_order))


def _back(number):
    return redirect(url_for("production.order", number=number))


def _rows(form, fields, *, keep=lambda row: True):
    count = len(form.getlist(fields[0]))
    rows = []
    for i in range(count):
        row = {f: (form.getlist(f)[i] if i < len(form.getlist(f)) else "").strip()
               for f in fields}
        if keep(row):
            rows.append({k: v for k, v in row.items() if v != ""})
    return rows


@bp.post("/orders/<number>/start")
@login_required
def start(number):
    form = request.form
    picks = _rows(form, ("lot", "quantity"), keep=lambda r: bool(r["lot"]))
    try:
        production.start_order(number=number, picks=picks or None,
                               override_reason=form.get("override_reason") or None,
                               user_id=current_user.id)
        flash(_("Order started: the picked lots are in its WIP."), "success")
    except KrafteError as exc:
        flash(exc.message, "error")
    return _back(number)


@bp.post("/orders/<number>/complete")
@login_required
def complete(number):
    form = request.form
    consumed = _rows(form, ("consumed_lot", "consumed_quantity"),
                     keep=lambda r: bool(r["consumed_lot"]))
    waste = _rows(form, ("waste_lot", "waste_quantity", "waste_reason"),
                  keep=lambda r: bool(r["waste_lot"] and r["waste_quantity"]))
    try:
        done = production.complete_order(
            number=number, quantity=form.get("quantity"), location=form.get("location"),
            consumed=[{"lot": r["consumed_lot"], "quantity": r.get("consumed_quantity", "0")}
                      for r in consumed] or None,
            waste=[{"lot": r["waste_lot"], "quantity": r["waste_quantity"],
                    "reason": r.get("waste_reason")} for r in waste] or None,
            labour_minutes=form.get("labour_minutes"), user_id=current_user.id)
        flash(_("Order completed: lot %(code)s made.", code=done.output_lot.code), "success")
    except KrafteError as exc:
        flash(exc.message, "error")
    return _back(number)


@bp.post("/orders/<number>/cancel")
@role_required("manager")
def cancel(number):
    try:
        production.cancel_order(number=number, reason=request.form.get("reason"),
                                user_id=current_user.id)
        flash(_("Order cancelled."), "success")
    except KrafteError as exc:
        flash(exc.message, "error")
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
        lines=_rows(form, LINE_FIELDS, keep=lambda r: bool(r["item"] or r["quantity"])))


@bp.route("/recipes/<sku>", methods=["GET", "POST"])
@role_required("manager")
def recipe_edit(sku):
    item = db.session.execute(select(Item).where(Item.sku == sku)).scalar()
    if item is None:
        return render_template("error.html", code=404, message=_("Unknown item.")), 404
    try:
        current = recipes.recipe_for(sku)
    except KrafteError:
        current = None
    form, cost, status = request.form, None, 200
    if request.method == "POST":
        try:
            if form.get("preview"):
                cost = recipes.preview_cost(item=sku, **_recipe_form(form))
            else:
                saved = recipes.save_recipe(item=sku, instructions=form.get("instructions"),
                                            user_id=current_user.id, **_recipe_form(form))
                flash(_("Recipe saved (version %(v)d).", v=saved.version), "success")
                return redirect(url_for("production.recipe_edit", sku=sku))
        except KrafteError as exc:
            flash(exc.message, "error")
            status = 400
    elif current is not None:
        cost = recipes.recipe_cost(current)
    components = db.session.execute(
        select(Item).where(Item.archived.is_(False), Item.id != item.id)
        .order_by(Item.kind, Item.sku)).scalars().all()
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
    return jsonify({"per_unit": to_str(cost.per_unit), "batch": to_str(cost.total),
                    "material": to_str(cost.material), "labour": to_str(cost.labour),
                    "overhead": to_str(cost.overhead)})


@bp.get("/trace/<code>")
@login_required
def lot_trace_page(code):
    return render_template("production/trace.html", code=code,
                           backward=trace.trace_lot(code, "backward"),
                           forward=trace.trace_lot(code, "forward"))
