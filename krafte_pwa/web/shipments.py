"""Shipment pages: the list, one shipment, and shipping in two steps — the lines
(customer, product, quantity), then the FEFO lots to take, each confirmed by scanning it
(or ticking it without a scanner) before the stock leaves. Shipping is immediate: there
is no picking state in between, so nothing is reserved for a shipment being prepared."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import BadInput, KrafteError
from ..services import item_queries, shipments
from .csv_export import csv_response, wants_csv
from .form_rows import any_of, form_rows
from .refused import refusal

bp = Blueprint("shipments", __name__, url_prefix="/shipments")


@bp.get("/")
@login_required
def index():
    args = request.args
    if wants_csv():
        page = shipments.list_shipments(customer=args.get("customer") or None, per_page=500)
        return csv_response("shipments.csv", ["number", "customer", "date", "item", "lot",
                                              "quantity", "unit"],
                            ([s.number, s.customer.name, s.shipped_at, ln.item.sku, sl.lot.code,
                              sl.quantity, ln.item.unit]
                             for s in page.rows for ln in s.lines for sl in ln.lots))
    page = shipments.list_shipments(customer=args.get("customer") or None,
                                    page=args.get("page"), per_page=50)
    return render_template("shipments/index.html", page=page,
                           customer=args.get("customer", ""))


@bp.get("/<number>")
@login_required
def show(number):
    shipment = shipments.get_shipment(number)
    return render_template("shipments/show.html", shipment=shipment,
                           costs={ln.id: shipments.line_cost(ln) for ln in shipment.lines})


def _requested(form) -> list[dict]:
    return [{"item": r.get("item", ""), "quantity": r.get("quantity", "")}
            for r in form_rows(form, ("item", "quantity"), keep=any_of("item", "quantity"),
                               name="lines")]


def _form(form, status=200):
    return render_template("shipments/new.html", form=form,
                           items=item_queries.shippable_items()), status


def _confirm(customer, lines, status=200):
    """The FEFO lots per line, merged per lot (a lot on two shelves is one row)."""
    suggested = shipments.suggest(lines)
    rows = []
    for index, s in enumerate(suggested):
        per_lot: dict[str, dict] = {}
        for take in s.takes:
            row = per_lot.setdefault(take.lot.code, {
                "line": index, "lot": take.lot, "item": s.item, "quantity": 0, "places": []})
            row["quantity"] += take.quantity
            row["places"].append((take.location.code, take.quantity))
        rows.extend(per_lot.values())
    return render_template("shipments/confirm.html", customer=customer, lines=lines,
                           suggested=suggested, rows=rows), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "GET":
        return _form(request.args)
    form = request.form
    customer = (form.get("customer") or "").strip()
    with refusal() as refused:
        if not customer:
            raise BadInput(_("Who is it for? The customer is required."))
        page = _confirm(customer, _requested(form))
    if refused:
        return _form(form, 400)
    return page


def _confirmed_lines(form, requested) -> list[dict]:
    """The lines to ship with the lots scanned (or ticked) for each; every row confirmed."""
    rows = list(zip(form.getlist("row_line"), form.getlist("row_lot"),
                    form.getlist("row_quantity"), strict=False))
    confirmed = set(form.getlist("row_confirmed"))
    if not rows or len(confirmed & {str(i) for i in range(len(rows))}) != len(rows):
        raise BadInput(_("Scan every lot (or tick it) before shipping."), code="not_confirmed")
    lots: dict[int, list] = {}
    for line, lot, quantity in rows:
        lots.setdefault(int(line), []).append({"lot": lot.strip(), "quantity": quantity})
    lines = [{"item": r["item"], "lots": lots.get(i, [])} for i, r in enumerate(requested)]
    if any(not ln["lots"] for ln in lines):
        raise BadInput(_("Every line needs at least one lot."), code="not_confirmed")
    return lines


@bp.post("/ship")
@login_required
def ship():
    form = request.form
    customer = form.get("customer", "")
    requested = [{"item": i, "quantity": q}
                 for i, q in zip(form.getlist("line_item"), form.getlist("line_quantity"),
                                 strict=False)]
    with refusal(ValueError) as refused:
        done = shipments.ship(customer=customer, lines=_confirmed_lines(form, requested),
                              note=form.get("note"), user_id=current_user.id)
    if refused:
        try:
            return _confirm(customer, requested, 400)
        except KrafteError:
            return _form(request.form, 400)
    flash(_("Shipment %(number)s recorded: the stock has left.", number=done.number),
          "success")
    return redirect(url_for("shipments.show", number=done.number))
