"""Lot and location pages, receive goods, move, adjust and status forms."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..errors import KrafteError
from ..extensions import db
from ..models import LOT_STATUSES, Item, Location
from ..services import queries, stock
from .auth import role_required
from .purchasing import status_names as po_status_names

bp = Blueprint("stock", __name__)
PAGE_ROWS = 300


def _storage_locations():
    return db.session.execute(
        select(Location).where(Location.kind == "storage", Location.archived.is_(False))
        .order_by(Location.code)).scalars().all()


@bp.get("/l/<code>")
@login_required
def lot(code):
    detail = queries.lot_detail(code)
    return render_template("stock/lot.html", detail=detail, lot=detail.lot,
                           movements=queries.lot_movements(detail.lot, 100),
                           locations=_storage_locations(), statuses=LOT_STATUSES)


@bp.get("/loc/<code>")
@login_required
def location(code):
    # A shelf page lists at most PAGE_ROWS lots: a phone cannot show thousands usefully.
    where, rows = queries.location_contents(code, limit=PAGE_ROWS + 1)
    return render_template("stock/location.html", location=where, rows=rows[:PAGE_ROWS],
                           more=len(rows) > PAGE_ROWS)


@bp.get("/locations")
@login_required
def locations():
    return render_template("stock/locations.html", locations=_storage_locations())


def _back_to_lot(code):
    return redirect(url_for("stock.lot", code=code))


@bp.post("/l/<code>/move")
@login_required
def move(code):
    form = request.form
    try:
        stock.transfer_stock(lot=code, source=form.get("from"), destination=form.get("to"),
                             quantity=form.get("quantity"), user_id=current_user.id)
        flash(_("Stock moved."), "success")
    except KrafteError as exc:
        flash(exc.message, "error")
    return _back_to_lot(code)


@bp.post("/l/<code>/adjust")
@role_required("manager")
def adjust(code):
    form = request.form
    try:
        stock.adjust_stock(lot=code, location=form.get("location"),
                           quantity=form.get("quantity"), reason=form.get("reason"),
                           user_id=current_user.id)
        flash(_("Stock adjusted."), "success")
    except KrafteError as exc:
        flash(exc.message, "error")
    return _back_to_lot(code)


@bp.post("/l/<code>/status")
@role_required("manager")
def status(code):
    form = request.form
    try:
        stock.change_lot_status(lot=code, status=form.get("status"),
                                reason=form.get("reason"), user_id=current_user.id)
        flash(_("Status changed."), "success")
    except KrafteError as exc:
        flash(exc.message, "error")
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
                           locations=_storage_locations(),
                           purchase_orders=purchasing.receivable_orders()), status


@bp.route("/receive", methods=["GET", "POST"])
@login_required
def receive():
    items = db.session.execute(
        select(Item).where(Item.archived.is_(False), Item.kind != "product")
        .order_by(Item.sku)).scalars().all()
    form = request.form
    if request.method == "POST":
        lines = []
        for i in range(len(form.getlist("item"))):
            values = {k: (form.getlist(k)[i] if i < len(form.getlist(k)) else "")
                      for k in ("item", "quantity", "unit", "supplier_lot", "expiry",
                                "unit_cost", "line")}
            if values["item"] or values["quantity"]:
                lines.append({k: v for k, v in values.items() if v != ""})
        try:
            result = stock.receive_goods(supplier=form.get("supplier"),
                                         location=form.get("location"), lines=lines,
                                         purchase_order=form.get("purchase_order") or None,
                                         user_id=current_user.id)
        except KrafteError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return _receive_page(items, form, 400)
        flash(_("Receipt %(number)s saved.", number=result.number), "success")
        for number, status in result.purchase_orders:
            flash(_("Purchase order %(number)s: %(status)s.", number=number,
                    status=po_status_names()[status]), "success")
        for over in result.over_received:
            flash(_("More received than ordered on %(number)s line %(line)d (%(item)s).",
                    number=over.order, line=over.line, item=over.item), "warn")
        return render_template("stock/received.html", result=result)
    if request.args.get("po"):
        try:
            form = _from_purchase_order(request.args["po"])
        except KrafteError as exc:
            flash(exc.message, "error")
    return _receive_page(items, form)
