"""Items: list with search, item page with its lots and availability, new item."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..domain.units import BUILT_IN
from ..errors import KrafteError
from ..models import ITEM_KINDS
from ..services import catalog, queries
from .auth import role_required

bp = Blueprint("items", __name__, url_prefix="/items")


@bp.get("/")
@login_required
def index():
    args = request.args
    page = queries.list_items(kind=args.get("kind") or None, q=args.get("q"),
                              page=args.get("page"), per_page=50)
    return render_template("items/index.html", page=page, kinds=ITEM_KINDS,
                           kind=args.get("kind", ""), q=args.get("q", ""))


@bp.get("/<sku>")
@login_required
def show(sku):
    item = queries.item_by_sku(sku)
    stock = queries.item_stock(item)
    lots = queries.list_lots(item=sku, per_page=200)
    return render_template("items/show.html", item=item, stock=stock, lots=lots)


@bp.route("/new", methods=["GET", "POST"])
@role_required("manager")
def new():
    form = request.form
    if request.method == "POST":
        try:
            item = catalog.create_item(
                sku=form.get("sku"), name=form.get("name"), kind=form.get("kind"),
                unit=form.get("unit"), reorder_point=form.get("reorder_point"),
                reorder_quantity=form.get("reorder_quantity"),
                shelf_life_days=form.get("shelf_life_days"),
                requires_qc=bool(form.get("requires_qc")), gtin=form.get("gtin") or None)
        except KrafteError as exc:
            flash(exc.message, "error")
            return render_template("items/new.html", kinds=ITEM_KINDS, units=BUILT_IN,
                                   form=form), 400
        flash(_("Item %(sku)s created.", sku=item.sku), "success")
        return redirect(url_for("items.show", sku=item.sku))
    return render_template("items/new.html", kinds=ITEM_KINDS, units=BUILT_IN, form=form)
