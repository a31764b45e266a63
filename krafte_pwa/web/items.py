"""Items: list with search, item page with its lots and availability, new item."""

from babel.numbers import get_decimal_symbol
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..domain.numbers import to_str
from ..domain.units import BUILT_IN
from ..models import ITEM_KINDS
from ..services import item_queries, queries
from ..services import items as item_actions
from ..services import locations as location_actions
from .auth import role_required
from .lot_lines import item_lot_lines
from .refused import refusal

bp = Blueprint("items", __name__, url_prefix="/items")

# Fields of the item form besides SKU, kind, unit (set once) and the requires_qc checkbox.
EDIT_FIELDS = ("name", "reorder_point", "reorder_quantity", "shelf_life_days", "gtin",
               "density", "default_location", "default_supplier", "sale_price", "description",
               "standard_cost")


def _choices() -> dict:
    return {"locations": location_actions.location_tree(),
            "suppliers": item_actions.supplier_names()}


@bp.get("/")
@login_required
def index():
    args = request.args
    archived = args.get("archived") == "1"
    page = queries.list_items(kind=args.get("kind") or None, q=args.get("q"),
                              page=args.get("page"), per_page=50, include_archived=archived)
    return render_template("items/index.html", page=page, kinds=ITEM_KINDS,
                           stock=item_queries.items_stock(page.rows),
                           kind=args.get("kind", ""), q=args.get("q", ""), archived=archived)


@bp.get("/<sku>")
@login_required
def show(sku):
    item = queries.item_by_sku(sku)
    stock = item_queries.items_stock([item])[item.id]
    lots = item_queries.item_lots(item, after=request.args.get("after"),
                                  before=request.args.get("before"))
    lines = item_lot_lines(lots.rows, item.unit, costs=current_user.sees_costs)
    used_by = item_actions.recipes_using(item) if item.archived else []
    return render_template("items/show.html", item=item, stock=stock, lots=lots,
                           lines=lines, used_by=used_by)


@bp.route("/new", methods=["GET", "POST"])
@role_required("manager")
def new():
    form = request.form
    if request.method == "POST":
        with refusal() as refused:
            item = item_actions.create_item(
                sku=form.get("sku"), kind=form.get("kind"), unit=form.get("unit"),
                **{f: form.get(f) or None for f in EDIT_FIELDS},
                requires_qc=bool(form.get("requires_qc")))
        if refused:
            return render_template("items/new.html", kinds=ITEM_KINDS, units=BUILT_IN,
                                   form=form, **_choices()), 400
        flash(_("Item %(sku)s created.", sku=item.sku), "success")
        return redirect(url_for("items.show", sku=item.sku))
    return render_template("items/new.html", kinds=ITEM_KINDS, units=BUILT_IN, form=form,
                           **_choices())


def _plain(value) -> str:
    """A stored decimal to put back in an input: the locale's decimal sign, no grouping,
    every stored place kept (a density of 0.91234567 must come back unchanged)."""
    if value is None:
        return ""
    return to_str(value).replace(".", get_decimal_symbol(str(get_locale())))


def _form_of(item) -> dict:
    return {
        "name": item.name, "reorder_point": _plain(item.reorder_point),
        "reorder_quantity": _plain(item.reorder_quantity),
        "shelf_life_days": item.shelf_life_days or "", "requires_qc": item.requires_qc,
        "gtin": item.gtin or "", "density": _plain(item.density),
        "default_location": item.default_location.code if item.default_location else "",
        "default_supplier": item.default_supplier.name if item.default_supplier else "",
        "sale_price": _plain(item.sale_price), "description": item.description or "",
        "standard_cost": _plain(item.standard_cost),
    }


def _packs_of(item, form=None) -> list[dict]:
    """The pack unit rows of the edit form: the item's, or those just posted; then blank
    rows to add new ones."""
    if form is not None and "pack_units_shown" in form:
        rows = _posted_packs(form)["pack_units"]
    else:
        rows = [{"name": p.name, "quantity": _plain(p.quantity), "unit": p.unit}
                for p in item.pack_units]
    return rows + [{"name": "", "quantity": "", "unit": item.unit}] * 2


def _posted_packs(form) -> dict:
    """The pack units posted by the edit form ({} when the form had none: left as is)."""
    if "pack_units_shown" not in form:
        return {}
    return {"pack_units": [
        {"name": n, "quantity": q, "unit": u} for n, q, u in
        zip(form.getlist("pack_name"), form.getlist("pack_quantity"), form.getlist("pack_unit"),
            strict=False) if (n or "").strip() or (q or "").strip()]}


def _edit_page(sku, form=None, status=200):
    item = queries.item_by_sku(sku)
    return render_template("items/edit.html", item=item, form=form or _form_of(item),
                           packs=_packs_of(item, form), units=BUILT_IN, **_choices(),
                           used_by=item_actions.recipes_using(item)), status


@bp.route("/<sku>/edit", methods=["GET", "POST"])
@role_required("manager")
def edit(sku):
    form = request.form
    if request.method == "POST":
        with refusal() as refused:
            item = item_actions.update_item(
                sku=sku, **{f: form[f] for f in EDIT_FIELDS if f in form},
                requires_qc=bool(form.get("requires_qc")), **_posted_packs(form))
        if refused:
            return _edit_page(sku, form, 400)
        flash(_("Item %(sku)s saved.", sku=item.sku), "success")
        return redirect(url_for("items.show", sku=item.sku))
    return _edit_page(sku)


@bp.post("/<sku>/archive")
@role_required("manager")
def archive(sku):
    archived = request.form.get("archived") == "1"
    with refusal() as refused:
        item = item_actions.archive_item(sku, archived)
    if refused:
        return _edit_page(sku, status=400)
    if not archived:
        flash(_("Item %(sku)s restored.", sku=item.sku), "success")
    else:
        flash(_("Item %(sku)s archived.", sku=item.sku), "success")
        used_by = item_actions.recipes_using(item)
        if used_by:
            flash(_("Still used by the active recipes of %(items)s: they keep working, but a "
                    "new recipe version cannot use it.",
                    items=", ".join(i.sku for i in used_by)), "warning")
    return redirect(url_for("items.show", sku=item.sku))
