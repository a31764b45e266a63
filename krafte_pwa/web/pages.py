"""Home: what needs doing — low stock, lots expiring or expired, quarantine (the
alerts), open production orders — and the shop-floor tasks one tap away."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..services import alerts as alert_service
from ..services import open_orders, sales_queries

bp = Blueprint("pages", __name__)
SHOWN = 5


@bp.get("/")
@login_required
def home():
    count, first_orders = open_orders.open_production_orders(SHOWN)
    found = alert_service.alerts(limit=SHOWN, costs=current_user.sees_costs)
    return render_template("pages/home.html", alerts=found,
                           orders=count, open_orders=first_orders, shown=SHOWN,
                           to_pack=sales_queries.orders_to_pack(SHOWN),
                           on_hold=sales_queries.orders_on_hold(SHOWN))


@bp.get("/alerts")
@login_required
def alerts():
    return render_template("pages/alerts.html",
                           alerts=alert_service.alerts(costs=current_user.sees_costs))


@bp.get("/menu")
@login_required
def menu():
    """Every area of the app the user's role opens, grouped; the last link of the bar."""
    return render_template("pages/menu.html")
