"""Reports for managers: valuation now or at a past instant, movement history, accounting."""

from flask import current_app, request

from ...domain.numbers import to_str
from ...models import MovementKind
from ...services import report_lists, reports
from ..auth import role_required
from . import bp
from .serializers import page_json


def currency() -> str:
    return current_app.config.get("CURRENCY", "EUR")


def valuation_json(value: reports.Valuation) -> dict:
    return {**{k: to_str(v) for k, v in value.as_dict().items()}, "currency": value.currency}


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
    return page_json(page, [{
        "id": r.id, "created_at": r.created_at.isoformat() + "Z",
        "kind": MovementKind.NAMES.get(r.kind, str(r.kind)), "item": r.sku, "lot": r.code,
        "location": r.code_1, "quantity": to_str(r.quantity), "unit": r.unit,
        "unit_cost": to_str(r.unit_cost), "document": r.document, "reason": r.reason,
        "user": r.username} for r in page.rows])


@bp.get("/reports/accounting")
@role_required("manager")
def accounting():
    args = request.args
    result = reports.accounting(args.get("since"), args.get("until"), currency=currency())
    return {"since": result.since.isoformat() + "Z", "until": result.until.isoformat() + "Z",
            "currency": result.currency,
            "cost_of_goods_sold": to_str(result.cost_of_goods_sold),
            "rows": [{"line": name, **{k: to_str(v) for k, v in value.as_dict().items()}}
                     for name, value in result.rows()]}
