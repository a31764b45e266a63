"""The production station (a tablet): open orders; an order's pick list with the FEFO
suggestion per material, ticked by scanning lots; start; complete; print the output
label. The page is rendered here; scanning, start and complete are station.js posting to
the production API through the offline queue."""

from datetime import date

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from ..domain.numbers import to_str
from ..services import production_queries, recipes
from ..services import station as station_picks
from ..services.location_queries import storage_locations
from .floor import bp
from .serializers.production import scanned_picks_json
from .serializers.stamps import day

OPEN = "planned,in_progress"


@bp.get("/station")
@login_required
def station():
    orders = production_queries.list_orders(status=OPEN, per_page=100).rows
    producible = [r.item for r in recipes.list_recipes()] if current_user.sees_costs else []
    return render_template("floor/station_list.html", orders=orders, producible=producible)


@bp.get("/station/<number>")
@login_required
def station_order(number):
    order = production_queries.get_order(number)
    needs = production_queries.requirements(order)
    locations = storage_locations()
    return render_template("floor/station.html", order=order, needs=needs,
                           data=_order_data(order, needs), locations=locations,
                           output_location=_output_location(locations),
                           output_expiry=production_queries.projected_expiry(order))


@bp.get("/mo/<number>")
@login_required
def order_label(number):
    """Order labels carry /mo/<number>: the order at the station."""
    return redirect(url_for("floor.station_order", number=number))


def _output_location(locations):
    codes = [loc.code for loc in locations]
    for preferred in ("FG", "SHELF"):
        if preferred in codes:
            return preferred
    return codes[0] if codes else None


def _order_data(order, needs) -> dict:
    """What station.js needs to tick lines, without a request: no costs in it."""
    scanned = station_picks.scanned(order) if order.status == "planned" else []
    return {
        "number": order.number, "status": order.status, "today": day(date.today()),
        "picks": scanned_picks_json(scanned),
        "requirements": [{
            "item": r.item.sku, "name": r.item.name, "unit": r.item.unit,
            "quantity": to_str(r.required),
            "suggested": [{"lot": t.lot.code, "location": t.location.code,
                           "quantity": to_str(t.quantity),
                           "expiry": day(t.lot.expiry)}
                          for t in r.suggested]} for r in needs],
    }
