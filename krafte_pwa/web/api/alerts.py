"""Alerts: low stock (materials first), lots expiring soon, expired, in quarantine."""

from flask import request

from ...errors import BadInput
from ...messages import _
from ...services import alerts, sales_queries
from ..serializers.alerts import alerts_json
from ..serializers.common import shows_costs
from . import bp


def _days(value):
    if value in (None, ""):
        return None
    if not str(value).isdigit() or not 0 < int(value) <= 3650:
        raise BadInput(_("days must be a whole number from 1 to 3650"),
                       details={"field": "days"})
    return int(value)


@bp.get("/alerts")
def get_alerts():
    answer = alerts_json(alerts.alerts(days=_days(request.args.get("days")),
                                       costs=shows_costs()))
    answer["sales_on_hold"] = [{"number": o.number, "customer": o.customer,
                                "channel": o.channel, "reason": o.hold_reason}
                               for o in sales_queries.orders_on_hold()]
    return answer
