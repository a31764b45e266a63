"""Report pages for managers: valuation now and at a date with its chart,
movement history, cost per recipe and per completed order, turnover, stock level over
time, expiring soon, the accounting export. Every list also comes as CSV (?format=csv,
&sep=; for French spreadsheets). Operators get a 403: no values for them anywhere."""

from datetime import date, timedelta

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from ..models import ITEM_KINDS, MovementKind
from ..services import queries, report_lists, reports
from .auth import role_required
from .charts import line_chart
from .csv_export import csv_response, wants_csv
from .i18n import fmt_date, fmt_money, fmt_quantity

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _currency() -> str:
    return current_app.config.get("CURRENCY", "EUR")


def category_labels() -> dict[str, str]:
    return {"raw_materials": _("Raw materials"), "intermediates": _("Intermediates"),
            "wip": _("Work in progress"), "finished_goods": _("Finished goods"),
            "total": _("Total")}


def accounting_labels() -> dict[str, str]:
    return {"opening_balance": _("Opening value"), "opening_stock": _("Opening stock entered"),
            "receipts": _("Receipts"), "production_issues": _("Issued to production (WIP)"),
            "production_consumption": _("Consumed by production"),
            "production_output": _("Production output"),
            "shipments": _("Shipments (cost of goods sold)"), "adjustments": _("Adjustments"),
            "counts": _("Stock counts"), "waste": _("Waste"), "transfers": _("Transfers"),
            "revaluations": _("Cost corrections (revaluations)"),
            "other": _("Other"), "closing_balance": _("Closing value")}


def _period_args(default_days: int = 90) -> tuple[str, str]:
    args = request.args
    until = args.get("until") or date.today().isoformat()
    since = args.get("since") or (date.today() - timedelta(days=default_days - 1)).isoformat()
    return since, until


# ---------------------------------------------------------------- valuation

def axis_money(value) -> str:
    """A chart axis amount: whole ones without cents, grouped the user's way (€10,000)."""
    return fmt_money(value, short=True)


@bp.get("/")
@role_required("manager")
def index():
    at = request.args.get("at") or None
    value = reports.valuation(at, currency=_currency())
    labels = category_labels()
    if wants_csv():
        return csv_response("valuation.csv", ["category", "value", "currency"],
                            ([name, v, value.currency] for name, v in value.as_dict().items()))
    since, until = _period_args()
    series = reports.valuation_series(since, until, currency=_currency())
    days = [d for d, _v in series]
    chart = line_chart(days, [(labels[name], [v.as_dict()[name] for _d, v in series])
                              for name in ("total", *reports.CATEGORIES)],
                       title=_("Stock value over time"),
                       fmt=axis_money,
                       fmt_day=fmt_date)
    return render_template("reports/index.html", value=value, at=at or "", labels=labels,
                           chart=chart, since=since, until=until)


# ---------------------------------------------------------------- movements

MOVEMENT_HEADER = ["date", "kind", "item", "item_name", "lot", "location", "quantity", "unit",
                   "unit_cost", "value", "document", "reason", "user"]


def _movement_row(r) -> list:
    return [r.created_at, MovementKind.NAMES.get(r.kind, str(r.kind)), r.sku, r.name, r.code,
            r.code_1, r.quantity, r.unit, r.unit_cost, r.quantity * r.unit_cost, r.document,
            r.reason, r.username]


@bp.get("/movements")
@role_required("manager")
def movements():
    filters = report_lists.MovementFilters.from_args(request.args)
    page = report_lists.movement_history(filters, request.args.get("page"), 100)
    if wants_csv():
        return csv_response("movements.csv", MOVEMENT_HEADER,
                            lambda: (_movement_row(r) for r in
                                     report_lists.movement_rows(filters)))
    return render_template("reports/movements.html", page=page, filters=filters,
                           kinds=sorted(MovementKind.NAMES.values()),
                           names=MovementKind.NAMES)


# ---------------------------------------------------------------- costs

@bp.get("/recipe-costs")
@role_required("manager")
def recipe_costs():
    rows = report_lists.recipe_costs()
    if wants_csv():
        return csv_response("recipe-costs.csv", [
            "item", "item_name", "version", "yield_quantity", "unit", "material", "labour",
            "overhead", "batch_cost", "unit_cost"],
            ([r.item.sku, r.item.name, r.version, r.yield_quantity, r.item.unit, c.material,
              c.labour, c.overhead, c.total, c.per_unit] for r, c in rows))
    return render_template("reports/recipe_costs.html", rows=rows)


@bp.get("/orders")
@role_required("manager")
def order_costs():
    args = request.args
    if wants_csv():
        page = report_lists.order_costs(args.get("since"), args.get("until"), per_page=500)
        return csv_response("order-costs.csv", [
            "order", "item", "completed_at", "planned_quantity", "actual_quantity", "unit",
            "planned_cost", "actual_cost", "planned_unit_cost", "actual_unit_cost",
            "unit_cost_variance", "variance", "variance_percent", "quantity_variance"],
            ([o.order.number, o.order.item.sku, o.order.completed_at, o.planned.quantity,
              o.actual.quantity, o.order.item.unit, o.planned.total, o.actual.total,
              o.planned.per_unit, o.actual.per_unit, o.per_unit_variance, o.variance,
              o.variance_percent, o.quantity_variance] for o in page.rows))
    page = report_lists.order_costs(args.get("since"), args.get("until"), args.get("page"))
    return render_template("reports/orders.html", page=page, since=args.get("since", ""),
                           until=args.get("until", ""))


# ---------------------------------------------------------------- stock over time

@bp.get("/turnover")
@role_required("manager")
def turnover():
    since, until = _period_args()
    kind = request.args.get("kind") or None
    rows = report_lists.turnover(since, until, kind=kind)
    if wants_csv():
        return csv_response("turnover.csv", [
            "item", "item_name", "kind", "unit", "out", "average_stock", "on_hand", "turnover",
            "days_of_stock"],
            ([t.item.sku, t.item.name, t.item.kind, t.item.unit, t.out, t.average, t.on_hand,
              t.turnover, t.days_of_stock] for t in rows))
    return render_template("reports/turnover.html", rows=rows, since=since, until=until,
                           kind=kind or "", kinds=ITEM_KINDS)


@bp.get("/stock-level")
@role_required("manager")
def stock_level():
    sku = request.args.get("item") or None
    since, until = _period_args()
    series, chart, item = [], None, None
    if sku:
        item = queries.item_by_sku(sku)
        series = report_lists.stock_series(sku, since, until)
        if wants_csv():
            return csv_response(f"stock-{item.sku}.csv", ["date", "item", "quantity", "unit"],
                                ([d, item.sku, q, item.unit] for d, q in series))
        chart = line_chart([d for d, _q in series], [(item.name, [q for _d, q in series])],
                           title=_("Stock of %(item)s over time", item=item.name),
                           fmt=lambda v: fmt_quantity(v), fmt_day=fmt_date)
    items = queries.list_items(per_page=500).rows
    return render_template("reports/stock_level.html", item=item, series=series, chart=chart,
                           since=since, until=until, items=items, sku=sku or "")


@bp.get("/expiring")
@role_required("manager")
def expiring():
    days = request.args.get("days") or 30
    rows = report_lists.expiring(days)
    if wants_csv():
        return csv_response("expiring.csv", [
            "lot", "item", "item_name", "expiry", "days_left", "on_hand", "unit", "status",
            "unit_cost", "value"],
            ([r.lot.code, r.item.sku, r.item.name, r.lot.expiry, r.days_left, r.on_hand,
              r.item.unit, r.lot.status, r.lot.unit_cost, r.value] for r in rows))
    return render_template("reports/expiring.html", rows=rows, days=days)


# ---------------------------------------------------------------- accounting

@bp.get("/accounting")
@role_required("manager")
def accounting():
    args = request.args
    first_of_month = date.today().replace(day=1)
    since = args.get("since") or first_of_month.isoformat()
    until = args.get("until") or date.today().isoformat()
    result = reports.accounting(since, until, currency=_currency())
    labels = accounting_labels()
    if wants_csv():
        return csv_response(f"accounting-{since}-{until}.csv",
                            ["line", "label", *reports.CATEGORIES, "total", "currency"],
                            ([name, labels.get(name, name),
                              *(v.as_dict()[c] for c in (*reports.CATEGORIES, "total")),
                              result.currency] for name, v in result.rows()))
    return render_template("reports/accounting.html", result=result, labels=labels,
                           categories=category_labels(), since=since, until=until)
