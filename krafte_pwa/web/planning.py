"""Planning pages for the office: "Can I make N?" on a product or intermediate, with the
action that plans the order and its sub-orders; what to buy and make, with the action
that turns the buy list into draft purchase orders."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..domain.numbers import to_str
from ..errors import KrafteError
from ..services import planning, recipes, sub_orders
from .auth import role_required
from .refused import refusal

bp = Blueprint("planning", __name__, url_prefix="/planning")


@bp.get("/")
@role_required("manager")
def index():
    return render_template("planning/index.html", found=planning.suggestions(),
                           reason=planning.reason_text, plain=to_str)


@bp.post("/purchase-orders")
@role_required("manager")
def draft():
    with refusal() as refused:
        drafted = planning.draft_purchase_orders(items=request.form.getlist("item"),
                                                 user_id=current_user.id)
    if refused:
        return redirect(url_for("planning.index"))
    flash(_("Draft purchase orders made: %(numbers)s.",
            numbers=", ".join(o.number for o in drafted.orders) or "—"), "success")
    if drafted.no_supplier:
        flash(_("No default supplier for %(items)s: choose one on the item's page.",
                items=", ".join(s.item.sku for s in drafted.no_supplier)), "warning")
    return redirect(url_for("planning.index"))


@bp.get("/make/<sku>")
@role_required("manager")
def make(sku):
    quantity = request.args.get("quantity", "").strip()
    try:
        recipe = recipes.recipe_for(sku)
    except KrafteError as exc:
        flash(exc.message, "error")
        return render_template("planning/make.html", sku=sku, recipe=None), exc.status
    result, status = None, 200
    if quantity:
        try:
            result = recipes.feasibility(sku, quantity)
        except KrafteError as exc:
            flash(exc.message, "error")
            status = exc.status
    return render_template("planning/make.html", sku=sku, recipe=recipe, result=result,
                           quantity=quantity), status


@bp.post("/make/<sku>")
@role_required("manager")
def plan(sku):
    form = request.form
    with refusal() as refused:
        tree = sub_orders.plan_with_sub_orders(item=sku, quantity=form.get("quantity"),
                                               note=form.get("note"), user_id=current_user.id)
    if refused:
        return redirect(url_for("planning.make", sku=sku, quantity=form.get("quantity", "")))
    flash(ngettext("Order %(number)s planned with %(num)d sub-order.",
                   "Order %(number)s planned with %(num)d sub-orders.", len(tree.sub_orders),
                   number=tree.order.number), "success")
    return redirect(url_for("production.order", number=tree.order.number))
