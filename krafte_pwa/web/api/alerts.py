"""Alerts: low stock (materials first), lots expiring soon, expired, in quarantine."""

from flask import request

from ...domain.numbers import to_str
from ...errors import BadInput
from ...messages import _
from ...services import alerts, sales, sales_queries
from . import bp
from .serializers import shows_costs


def _days(value):
    if value in (None, ""):
        return None
    if not str(value).isdigit() or not 0 < int(value) <= 3650:
        raise BadInput(_("days must be a whole number from 1 to 3650"),
                       details={"field": "days"})
    return int(value)


def _lot(alert) -> dict:
    lot = alert.lot
    return {"code": lot.code, "item": lot.item.sku, "item_name": lot.item.name,
            "unit": lot.item.unit, "status": lot.status, "quantity": to_str(alert.quantity),
            "expiry": lot.expiry.isoformat() if lot.expiry else None,
            "days_left": alert.days_left}


def alerts_json(found) -> dict:
    return {
        "low_stock": [{"item": a.item.sku, "name": a.item.name, "kind": a.item.kind,
                       "unit": a.item.unit, "available": to_str(a.available),
                       "on_order": to_str(a.on_order), "reorder_point": to_str(a.reorder_point),
                       "suggested_quantity": to_str(a.suggested),
                       "supplier": (a.item.default_supplier.name
                                    if a.item.default_supplier else None)}
                      for a in found.low_stock],
        "expiring": [_lot(a) for a in found.expiring],
        "expired": [_lot(a) for a in found.expired],
        "quarantine": [_lot(a) for a in found.quarantine],
        "cost_missing": [_lot(a) for a in found.cost_missing],
        "days": found.days,
    }


@bp.get("/alerts")
def get_alerts():
    answer = alerts_json(alerts.alerts(days=_days(request.args.get("days")),
                                       costs=shows_costs()))
    answer["sales_on_hold"] = [{"number": o.number, "customer": o.customer,
                                "channel": o.channel, "reason": sales.hold_reason(o)}
                               for o in sales_queries.orders_on_hold()]
    return answer
