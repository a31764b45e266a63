"""Lot and location pages, receive goods, move, adjust and status forms."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ..messages import numbered_rows
from ..models import LOT_STATUSES
from ..services import item_queries, location_queries, lot_costs, queries, stock, trace
from ..services import locations as location_actions
from ..services.location_queries import storage_locations
from .auth import role_required
from .form_rows import any_of, numbered_form_rows
from .i18n import fmt_money, fmt_quantity
from .purchasing import status_names as po_status_names
from .refused import refusal

bp = Blueprint("stock", __name__)


@bp.get("/l/<code>")
@login_required
def lot(code):
    detail = queries.lot_detail(code)
    backward, forward = trace.both_ways(detail.lot)
    return render_template("stock/lot.html", detail=detail, lot=detail.lot,
                           movements=queries.lot_movements(detail.lot, 100),
                           locations=storage_locations(), statuses=LOT_STATUSES,
                           backward=backward, forward=forward)


@bp.get("/loc/<code>")
@login_required
def location(code):
    """What a location holds, a page of lots at a time (after or before a lot's code)."""
    where, found = location_queries.location_lots(code, after=request.args.get("after"),
                                                  before=request.args.get("before"))
    return render_template("stock/location.html", location=where, page=found)


@bp.get("/locations")
@login_required
def locations():
    manager = current_user.has_role("manager")
    archived = location_actions.location_tree(archived=True) if manager else []
    return render_template("stock/locations.html", rows=location_actions.location_tree(),
                           archived=archived)


def _location_form(location, form, status=200):
    parents = location_actions.location_tree()
    if location is not None:  # not itself, nor a location inside it
        parents = [r for r in parents if location.code not in r.path.split(" › ")]
    return render_template("stock/location_form.html", location=location, form=form,
                           parents=parents), status


def _location_values(location) -> dict:
    return {"name": location.name, "parent": location.parent.code if location.parent else ""}


@bp.route("/locations/new", methods=["GET", "POST"])
@role_required("manager")
def new_location():
    if request.method == "POST":
        form = request.form
        with refusal() as refused:
            location = location_actions.create_location(
                code=form.get("code"), name=form.get("name"), parent=form.get("parent") or None)
        if refused:
            return _location_form(None, form, 400)
        flash(_("Location %(code)s created.", code=location.code), "success")
        return redirect(url_for("stock.location", code=location.code))
    return _location_form(None, request.args)  # ?parent=CODE starts inside that location


@bp.route("/locations/<code>/edit", methods=["GET", "POST"])
@role_required("manager")
def edit_location(code):
    if request.method == "POST":
        form = request.form
        with refusal() as refused:
            location = location_actions.update_location(code=code, name=form.get("name", ""),
                                               parent=form.get("parent", ""))
        if refused:
            return _location_form(location_actions.get_location(code), form, 400)
        flash(_("Location %(code)s saved.", code=location.code), "success")
        return redirect(url_for("stock.location", code=location.code))
    location = location_actions.get_location(code)
    return _location_form(location, _location_values(location))


@bp.post("/locations/<code>/archive")
@role_required("manager")
def archive_location(code):
    archived = request.form.get("archived") == "1"
    with refusal() as refused:
        location = location_actions.update_location(code=code, archived=archived)
    if refused:
        location = location_actions.get_location(code)
        return _location_form(location, _location_values(location), 400)
    if archived:
        flash(_("Location %(code)s archived.", code=location.code), "success")
    else:
        flash(_("Location %(code)s restored.", code=location.code), "success")
    return redirect(url_for("stock.location", code=location.code))


def _back_to_lot(code):
    return redirect(url_for("stock.lot", code=code))


@bp.post("/l/<code>/move")
@login_required
def move(code):
    form = request.form
    with refusal():
        stock.transfer_stock(lot=code, source=form.get("from"), destination=form.get("to"),
                             quantity=form.get("quantity"), user_id=current_user.id)
        flash(_("Stock moved."), "success")
    return _back_to_lot(code)


@bp.post("/l/<code>/adjust")
@role_required("manager")
def adjust(code):
    form = request.form
    with refusal():
        stock.adjust_stock(lot=code, location=form.get("location"),
                           quantity=form.get("quantity"), reason=form.get("reason"),
                           user_id=current_user.id)
        flash(_("Stock adjusted."), "success")
    return _back_to_lot(code)


@bp.post("/l/<code>/status")
@role_required("manager")
def status(code):
    form = request.form
    with refusal():
        stock.change_lot_status(lot=code, status=form.get("status"),
                                reason=form.get("reason"), user_id=current_user.id)
        flash(_("Status changed."), "success")
    return _back_to_lot(code)


@bp.post("/l/<code>/cost")
@role_required("manager")
def cost(code):
    form = request.form
    with refusal():
        result = lot_costs.correct_lot_cost(lot=code, unit_cost=form.get("unit_cost"),
                                            reason=form.get("reason"), user_id=current_user.id)
        flash(_("Unit cost corrected: %(quantity)s on hand revalued by %(change)s.",
                quantity=fmt_quantity(result.revalued, result.lot.item.unit),
                change=fmt_money(result.value_change)), "success")
        if result.consumed.quantity or result.shipped.quantity:
            flash(_("Already used at the old cost, not rewritten: %(consumed)s consumed by "
                    "production (%(consumed_value)s), %(shipped)s shipped (%(shipped_value)s).",
                    consumed=fmt_quantity(result.consumed.quantity, result.lot.item.unit),
                    consumed_value=fmt_money(result.consumed.value),
                    shipped=fmt_quantity(result.shipped.quantity, result.lot.item.unit),
                    shipped_value=fmt_money(result.shipped.value)), "info")
    return _back_to_lot(code)


def _from_purchase_order(number) -> MultiDict:
    """The receive form filled from a purchase order: its supplier, and each line still
    expected with its open quantity (in the item's base unit)."""
    from ..services import purchasing
    from .floor import plain_quantity

    order = purchasing.get_purchase_order(number)
    form = MultiDict([("supplier", order.supplier.name), ("purchase_order", order.number)])
    for p in purchasing.progress(order):
        if p.open > 0:
            form.add("item", p.line.item.sku)
            form.add("quantity", plain_quantity(p.open))
            form.add("line", str(p.line.position))
    return form


def _receive_page(items, form, status=200):
    from ..services import purchasing

    return render_template("stock/receive.html", items=items, form=form,
                           locations=storage_locations(),
                           purchase_orders=purchasing.receivable_orders()), status


RECEIPT_FIELDS = ("item", "quantity", "unit", "supplier_lot", "expiry", "unit_cost", "line")


def _flash_received(result) -> None:
    flash(_("Receipt %(number)s saved.", number=result.number), "success")
    for number, status in result.purchase_orders:
        flash(_("Purchase order %(number)s: %(status)s.", number=number,
                status=po_status_names()[status]), "success")
    for over in result.over_received:
        flash(_("More received than ordered on %(number)s line %(line)d (%(item)s).",
                number=over.order, line=over.line, item=over.item), "warn")


def _receive_form():
    """The empty receive form, or one filled from the purchase order ?po= names."""
    form = request.form
    if request.args.get("po"):
        with refusal():
            form = _from_purchase_order(request.args["po"])
    return form


@bp.route("/receive", methods=["GET", "POST"])
@login_required
def receive():
    items = item_queries.receivable_items()
    if request.method == "GET":
        return _receive_page(items, _receive_form())
    form = request.form
    rows, numbers = numbered_form_rows(form, RECEIPT_FIELDS, keep=any_of("item", "quantity"))
    with refusal() as refused, numbered_rows(lines=numbers):  # "Line 3" is the third line
        result = stock.receive_goods(
            supplier=form.get("supplier"), location=form.get("location"), lines=rows,
            purchase_order=form.get("purchase_order") or None, user_id=current_user.id)
        _flash_received(result)
    if refused:
        return _receive_page(items, form, 400)
    units = {item.sku: item.unit for item in items}
    return render_template("stock/received.html", result=result, units=units)
