"""Purchasing pages: purchase orders (list, new, edit a draft, one order with its
receipts progress, order, cancel, PDF to send) and drafts from low-stock alerts."""

from decimal import Decimal

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ..domain.numbers import COST_PLACES, normalize, quantize
from ..models import PO_STATUSES
from ..services import purchasing
from .auth import role_required
from .form_rows import any_of, form_rows
from .i18n import fmt_date, fmt_money, fmt_quantity
from .refused import refusal

bp = Blueprint("purchasing", __name__, url_prefix="/purchasing")
LINE_FIELDS = ("item", "quantity", "unit", "price", "line_expected_date")


def status_names() -> dict:
    return {"draft": _("draft"), "ordered": _("ordered"), "partial": _("partly received"),
            "received": _("received"), "cancelled": _("cancelled")}


@bp.app_context_processor
def _names():
    return {"po_status_names": status_names}


def per_entered_unit(line) -> Decimal:
    """The price per unit the order was entered in (4.80 / kg for wax stocked in g)."""
    if line.entered_unit == line.item.unit or not line.entered_quantity:
        return line.unit_price
    return quantize(line.unit_price * line.quantity / line.entered_quantity, COST_PLACES)


@bp.app_template_global()
def po_line_price(line) -> Decimal:
    return per_entered_unit(line)


def _lines(form) -> list[dict]:
    rows = form_rows(form, LINE_FIELDS, keep=any_of("item", "quantity"), name="lines")
    for row in rows:
        if "line_expected_date" in row:
            row["expected_date"] = row.pop("line_expected_date")
    return rows


@bp.get("/")
@login_required
def index():
    status = request.args.get("status", "")
    page = purchasing.list_purchase_orders(status=status or None, page=request.args.get("page"),
                                           per_page=50)
    return render_template("purchasing/index.html", page=page, status=status,
                           statuses=PO_STATUSES)


def _form_page(form, order=None, status=200):
    return render_template("purchasing/new.html", form=form, order=order,
                           items=purchasing.item_choices()), status


@bp.route("/new", methods=["GET", "POST"])
@role_required("manager")
def new():
    if request.method == "POST":
        form = request.form
        with refusal() as refused:
            order = purchasing.create_purchase_order(
                supplier=form.get("supplier"), lines=_lines(form),
                expected_date=form.get("expected_date"), note=form.get("note"),
                user_id=current_user.id)
        if refused:
            return _form_page(form, status=400)
        flash(_("Purchase order %(number)s saved as a draft.", number=order.number), "success")
        return redirect(url_for("purchasing.show", number=order.number))
    return _form_page(request.args)


@bp.route("/<number>/edit", methods=["GET", "POST"])
@role_required("manager")
def edit(number):
    order = purchasing.get_purchase_order(number)
    if request.method == "POST":
        form = request.form
        with refusal() as refused:
            purchasing.update_purchase_order(
                number=number, supplier=form.get("supplier"), lines=_lines(form),
                expected_date=form.get("expected_date"), note=form.get("note"))
        if refused:
            return _form_page(form, order, status=400)
        flash(_("Purchase order %(number)s saved.", number=number), "success")
        return redirect(url_for("purchasing.show", number=number))
    values = MultiDict([("supplier", order.supplier.name),
                        ("expected_date", order.expected_date.isoformat()
                         if order.expected_date else ""), ("note", order.note or "")])
    for ln in order.lines:
        values.add("item", ln.item.sku)
        values.add("quantity", str(normalize(ln.entered_quantity)))
        values.add("unit", ln.entered_unit)
        values.add("price", str(normalize(per_entered_unit(ln))))
        values.add("line_expected_date",
                   ln.expected_date.isoformat() if ln.expected_date else "")
    return _form_page(values, order)


@bp.get("/<number>")
@login_required
def show(number):
    order = purchasing.get_purchase_order(number)
    return render_template("purchasing/show.html", order=order,
                           progress=purchasing.progress(order),
                           total=purchasing.order_total(order))


def _back(number):
    return redirect(url_for("purchasing.show", number=number))


@bp.post("/<number>/order")
@role_required("manager")
def order(number):
    with refusal():
        purchasing.mark_ordered(number=number)
        flash(_("Purchase order %(number)s is ordered: its quantities are on order.",
                number=number), "success")
    return _back(number)


@bp.post("/<number>/cancel")
@role_required("manager")
def cancel(number):
    with refusal():
        purchasing.cancel_purchase_order(number=number, reason=request.form.get("reason"))
        flash(_("Purchase order %(number)s cancelled.", number=number), "success")
    return _back(number)


@bp.post("/from-alerts")
@role_required("manager")
def from_alerts():
    items = request.form.getlist("item") or None
    with refusal() as refused:
        result = purchasing.draft_from_alerts(items=items, user_id=current_user.id)
    if refused:
        return redirect(url_for("pages.home"))
    if result.orders:
        flash(_("Draft purchase orders: %(numbers)s. Check them, then mark them ordered.",
                numbers=", ".join(f"{o.number} ({o.supplier.name})" for o in result.orders)),
              "success")
    if result.no_supplier:
        flash(_("These items have no default supplier: choose one for this order."), "warn")
        args = MultiDict()
        for low in result.no_supplier:
            args.add("item", low.item.sku)
            args.add("quantity", str(normalize(low.suggested)))
        return redirect(url_for("purchasing.new", **args.to_dict(flat=False)))
    return redirect(url_for("purchasing.index", status="draft"))


def _pdf_grid(order, prices: bool):
    from .. import documents  # reportlab: loaded on the first PDF

    headings = [_("Line"), _("Item"), _("Description"), _("Quantity"), _("Expected")]
    right = {0, 3}
    if prices:
        headings += [_("Unit price"), _("Amount")]
        right |= {5, 6}
    rows = []
    for ln in order.lines:
        row = [str(ln.position), ln.item.sku, ln.item.name,
               fmt_quantity(ln.entered_quantity, ln.entered_unit),
               fmt_date(ln.expected_date or order.expected_date) or "—"]
        if prices:
            row += [f"{fmt_money(per_entered_unit(ln), unit_cost=True)} / {ln.entered_unit}",
                    fmt_money(ln.quantity * ln.unit_price)]
        rows.append(row)
    total = None
    if prices:
        total = ["", "", _("Total"), "", "", "", fmt_money(purchasing.order_total(order))]
    widths = ([0.06, 0.13, 0.3, 0.14, 0.12, 0.13, 0.12] if prices
              else [0.08, 0.17, 0.43, 0.16, 0.16])
    return documents.Grid(headings, rows, right, total, widths)


@bp.get("/<number>.pdf")
@login_required
def pdf(number):
    from .. import documents

    order = purchasing.get_purchase_order(number)
    facts = [(_("Supplier"), order.supplier.name), (_("Date"), fmt_date(order.created_at)),
             (_("Status"), status_names()[order.status])]
    if order.expected_date:
        facts.append((_("Expected"), fmt_date(order.expected_date)))
    sections = [documents.Section(None, _pdf_grid(order, current_user.sees_costs))]
    if order.note:
        sections.append(documents.Section(_("Note"), order.note))
    body = documents.render(_("Purchase order %(number)s", number=order.number),
                            facts=facts, sections=sections,
                            footer=_("Please quote %(number)s on your delivery note and lot "
                                     "documents.", number=order.number))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{order.number}.pdf"'})
