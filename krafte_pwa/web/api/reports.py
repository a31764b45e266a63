"""Reports for managers: valuation now or at a past instant, movement history, accounting."""

from flask import current_app, request

from ...services import report_lists, reports
from ..auth import role_required
from ..serializers.common import page_json
from ..serializers.reports import accounting_summary_json, movement_row_json, valuation_json
from . import bp


def currency() -> str:
    return current_app.config.get("CURRENCY", "EUR")


@bp.get("/reports/valuation")
@role_required("manager")
def valuation():
    return valuation_json(reports.valuation(request.args.get("at"), currency=currency()))


@bp.get("/reports/movements")
@role_required("manager")
def movements():
    args = request.args
    page = report_lists.movement_history(report_lists.MovementFilters.from_args(args),
                                         args.get("page"), args.get("per_page"))
    return page_json(page, [movement_row_json(r) for r in page.rows])


@bp.get("/reports/accounting")
@role_required("manager")
def accounting():
    args = request.args
    result = reports.accounting(args.get("since"), args.get("until"), currency=currency())
    return accounting_summary_json(result)
