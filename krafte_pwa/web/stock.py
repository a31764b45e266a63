"""Lot and location pages, receive goods, move, adjust and status forms."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..errors import KrafteError
from ..extensions import db
from ..models import LOT_STATUSES, Item, Location
from ..services import queries, stock
from .auth import role_required

bp = Blueprint("stock", __name__)


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
    where, rows = queries.location_contents(code)
    return render_template("stock/location.html", location=where, rows=rows)


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
                                "unit_cost")}
            if values["item"] or values["quantity"]:
                lines.append({k: v for k, v in values.items() if v != ""})
        try:
            result = stock.receive_goods(supplier=form.get("supplier"),
                                         location=form.get("location"), lines=lines,
                                         user_id=current_user.id)
        except KrafteError as exc:
            flash(exc.message, "error")
            return render_template("stock/receive.html", items=items, form=form,
                                   locations=_storage_locations()), 400
        flash(_("Receipt %(number)s saved.", number=result.number), "success")
        return render_template("stock/received.html", result=result)
    return render_template("stock/receive.html", items=items, form=form,
                           locations=_storage_locations())
