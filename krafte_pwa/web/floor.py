"""Shop-floor pages: scan anything, move by scanning, the offline queue, the production
station. The pages are server-rendered; the scanning and the queue are small scripts
that post to the JSON API with an Idempotency-Key."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..services import stock
from ..services.location_queries import storage_locations
from .refused import refusal

bp = Blueprint("floor", __name__)


def _warm_urls() -> list[str]:
    """Task pages the service worker keeps ready for offline use after login."""
    urls = [url_for("pages.home"), url_for("floor.scan"), url_for("floor.move"),
            url_for("floor.queue"), url_for("stock.receive"), url_for("floor.station")]
    return urls



@bp.app_template_filter("plainqty")
def plain_quantity(value) -> str:
    """A quantity to put in an input: the locale's decimal sign, no grouping (1234,5)."""
    from decimal import Decimal

    from babel.numbers import format_decimal
    from flask_babel import get_locale

    from ..domain.numbers import normalize

    if value is None:
        return ""
    return format_decimal(normalize(Decimal(value)), format="0.######", locale=str(get_locale()))


@bp.app_context_processor
def _floor_globals():
    return {"warm_urls": _warm_urls}


@bp.get("/scan")
@login_required
def scan():
    return render_template("floor/scan.html")


@bp.get("/move")
@login_required
def move():
    return render_template("floor/move.html", locations=storage_locations(),
                           lot=request.args.get("lot", ""))


@bp.post("/move")
@login_required
def move_post():
    """Without JavaScript the form posts here; with it, it goes through the queue."""
    form = request.form
    with refusal():
        stock.transfer_stock(lot=form.get("lot"), source=form.get("from"),
                             destination=form.get("to"), quantity=form.get("quantity"),
                             user_id=current_user.id)
        flash(_("Stock moved."), "success")
    return redirect(url_for("floor.move"))


@bp.get("/queue")
@login_required
def queue():
    return render_template("floor/queue.html")


@bp.get("/i/<sku>")
@login_required
def item_label(sku):
    """Item labels carry /i/<sku>: the item page."""
    return redirect(url_for("items.show", sku=sku))


from . import station  # noqa: E402,F401  (registers the station routes on bp)
