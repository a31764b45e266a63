"""Sales order pages: the list with filters, one order (what each line holds, misses and
has shipped), the order form, and the packing page for the phone (scan the lots, ship
partly or wholly). Prices only for who may see them."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user, login_required

from ..errors import BadInput
from ..models import SALES_ORDER_STATUSES
from ..services import report_margin, sales, sales_queries
from .auth import role_required
from .csv_export import csv_response, wants_csv
from .form_rows import any_of, form_rows
from .refused import refusal

bp = Blueprint("sales", __name__, url_prefix="/sales")


def status_names() -> dict[str, str]:
    return {"confirmed": pgettext("sales order", "confirmed"),
            "partial": _("partly shipped"), "shipped": pgettext("sales order", "shipped"),
            "cancelled": pgettext("sales order", "cancelled"), "on_hold": _("on hold")}


@bp.app_context_processor
def _sales_words():
    return {"sales_status": status_names, "sales_hold_reason": sales.hold_reason}


@bp.get("/")
@login_required
def index():
    args = request.args
    filters = {k: (args.get(k) or "").strip() for k in ("status", "channel", "customer")}
    if wants_csv():
        page = sales_queries.list_sales_orders(**filters, per_page=500)
        return _csv(page.rows)
    with refusal() as refused:
        page = sales_queries.list_sales_orders(**filters, page=args.get("page"), per_page=50)
    if refused:
        return redirect(url_for("sales.index"))
    return render_template("sales/index.html", page=page, filters=filters,
                           statuses=SALES_ORDER_STATUSES,
                           channels=sales_queries.channels_in_use())


def _csv(orders):
    costs = current_user.sees_costs
    head = ["number", "status", "customer", "channel", "reference", "date", "item", "quantity",
            "shipped", *(["unit_price"] if costs else [])]
    rows = ([o.number, o.status, o.customer, o.channel, o.reference, o.created_at, ln.sku,
             ln.quantity, ln.shipped, *([ln.unit_price] if costs else [])]
            for o in orders for ln in o.lines)
    return csv_response("sales-orders.csv", head, rows)


@bp.get("/<number>")
@login_required
def show(number):
    order = sales_queries.get_sales_order(number)
    return render_template("sales/show.html", order=order,
                           lines=sales_queries.line_figures(order),
                           shipments=sales_queries.order_shipments(order))


def _requested(form) -> list[dict]:
    return [{"item": r.get("item", ""), "quantity": r.get("quantity", ""),
             "unit_price": r.get("unit_price")}
            for r in form_rows(form, ("item", "quantity", "unit_price"),
                               keep=any_of("item", "quantity"), name="lines")]


def _form(form, status=200):
    return render_template("sales/new.html", form=form,
                           items=sales_queries.orderable_items()), status


@bp.route("/new", methods=["GET", "POST"])
@role_required("manager")
def new():
    if request.method == "GET":
        return _form(request.args)
    form = request.form
    with refusal() as refused:
        order = sales.create_sales_order(
            customer=form.get("customer"), email=form.get("email") or None,
            reference=form.get("reference") or None, lines=_requested(form),
            note=form.get("note") or None, user_id=current_user.id)
    if refused:
        return _form(form, 400)
    flash(_("Sales order %(number)s confirmed.", number=order.number), "success")
    return redirect(url_for("sales.show", number=order.number))


@bp.get("/<number>/pack")
@login_required
def pack(number):
    order = sales_queries.get_sales_order(number)
    return render_template("sales/pack.html", order=order,
                           lines=sales_queries.line_figures(order))


def _packed(form) -> list[dict] | None:
    """The packing list's rows; None ships all that is reserved."""
    if form.get("all"):
        return None
    return form_rows(form, ("lot", "quantity"), keep=any_of("lot"))


@bp.post("/<number>/ship")
@login_required
def ship(number):
    lines = _packed(request.form)
    with refusal() as refused:
        if lines == []:
            raise BadInput(_("Scan at least one lot before shipping."), code="nothing_packed")
        shipment = sales.ship_sales_order(number, lines=lines, user_id=current_user.id)
    if refused:
        return redirect(url_for("sales.pack", number=number))
    flash(_("Shipment %(number)s recorded: the stock has left.", number=shipment.number),
          "success")
    return redirect(url_for("sales.show", number=number))


def _act(number, action) -> None:
    if action == "cancel":
        sales.cancel_sales_order(number, user_id=current_user.id)
        flash(_("Sales order cancelled: its reservations are released."), "success")
    elif action == "make":
        made = sales.make_for_sales_order(number, user_id=current_user.id)
        flash(_("Production orders planned: %(numbers)s",
                numbers=", ".join(o.number for o in made)), "success")
    else:
        sales.reserve_sales_order(number)
        flash(_("Free stock reserved again."), "success")


@bp.post("/<number>/<any(cancel, make, reserve):action>")
@role_required("manager")
def act(number, action):
    with refusal():
        _act(number, action)
    return redirect(url_for("sales.show", number=number))


# ---------------------------------------------------------------- margin (managers)

def _margin_csv(view, since, until):
    if view == "best":
        rows = report_margin.best_sellers(since, until, limit=1000)
    elif view == "slow":
        rows = report_margin.slow_movers(since, until, limit=1000)
    else:
        rows = report_margin.margin(view, since, until).rows
    return csv_response(f"margin-{view}.csv",
                        ["key", "name", "quantity", "revenue", "cost", "margin",
                         "margin_percent", "on_hand", "last_sold"],
                        ([r.key, r.name, r.quantity, r.revenue, r.cost, r.margin,
                          r.margin_percent, r.on_hand, r.last_sold] for r in rows))


@bp.get("/margin")
@role_required("manager")
def margin():
    args = request.args
    since, until = args.get("since") or None, args.get("until") or None
    by = args.get("by") or "product"
    with refusal() as refused:
        if wants_csv():
            view = args.get("view") or by
            if view not in (*report_margin.GROUPS, "best", "slow"):
                raise BadInput(_("Unknown view."))
            return _margin_csv(view, since, until)
        report = report_margin.margin(by, since, until)
    if refused:
        return redirect(url_for("sales.margin"))
    return render_template(
        "sales/margin.html", report=report, by=by,
        best=report_margin.best_sellers(report.start, report.end),
        slow=report_margin.slow_movers(report.start, report.end))
