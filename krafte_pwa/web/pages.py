"""Home: what needs doing — low stock, lots expiring or expired, quarantine (the
alerts), open production orders — and the shop-floor tasks one tap away."""

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..services import alerts as alert_service
from ..services import open_orders, sales_queries
from .i18n import fmt_quantity
from .lot_lines import alert_lot_lines

bp = Blueprint("pages", __name__)
SHOWN = 5
LISTED = 30  # lots per list on the alerts page


@bp.app_template_global()
def alert_count(total: int) -> str:
    """A list's total as counted: past the cap, "1,000+"."""
    if total > alert_service.CAP:
        return _("%(num)s+", num=fmt_quantity(alert_service.CAP))
    return fmt_quantity(total)


@bp.get("/")
@login_required
def home():
    count, first_orders = open_orders.open_production_orders(SHOWN)
    found = alert_service.alerts(limit=SHOWN, costs=current_user.sees_costs)
    to_pack_count, to_pack = sales_queries.orders_to_pack(SHOWN)
    return render_template("pages/home.html", alerts=found,
                           lines=alert_lot_lines(found, SHOWN), orders=count,
                           open_orders=first_orders, shown=SHOWN,
                           to_pack=to_pack, to_pack_count=to_pack_count,
                           on_hold=sales_queries.orders_on_hold(SHOWN))


@bp.get("/alerts")
@login_required
def alerts():
    found = alert_service.alerts(limit=LISTED, costs=current_user.sees_costs)
    return render_template("pages/alerts.html", alerts=found, listed=LISTED,
                           lines=alert_lot_lines(found, LISTED))


@bp.get("/menu")
@login_required
def menu():
    """Every area of the app the user's role opens, grouped; the last link of the bar."""
    return render_template("pages/menu.html")
