"""Stock count pages: the list (scan a location to start or resume its count) and the
count page (scan a lot, enter the quantity found, see what is still missing, confirm).
Plain forms: a hardware scanner types the label into the focused field and presses Enter."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..services import counts, queries
from .csv_export import csv_response, wants_csv
from .i18n import fmt_quantity
from .refused import refusal
from .scanned import scanned_code

bp = Blueprint("counts", __name__, url_prefix="/counts")


@bp.get("/")
@login_required
def index():
    args = request.args
    if wants_csv():
        rows = counts.list_counts(status=args.get("status") or None, per_page=500).rows
        return csv_response("counts.csv", ["number", "location", "status", "created_at",
                                           "posted_at", "lines"],
                            ([c.number, c.location.code, c.status, c.created_at, c.posted_at,
                              len(c.lines)] for c in rows))
    page = counts.list_counts(status=args.get("status") or None, page=args.get("page"))
    open_counts = counts.list_counts(status="open", per_page=100).rows
    return render_template("counts/index.html", page=page, open_counts=open_counts,
                           status=args.get("status", ""))


@bp.post("/")
@login_required
def start():
    with refusal() as refused:
        count, resumed = counts.open_count(
            location=scanned_code(request.form.get("location", "").strip(), "location"),
            user_id=current_user.id)
    if refused:
        return redirect(url_for("counts.index"))
    if resumed:
        flash(_("Count %(number)s resumed.", number=count.number), "success")
    return redirect(url_for("counts.show", number=count.number))


@bp.get("/<number>")
@login_required
def show(number):
    view = counts.count_view(number)
    if wants_csv():
        hide = (view.count.blind and not current_user.sees_costs
                and view.count.status != "posted")
        rows = [[r.lot.code, r.lot.item.sku, r.lot.item.name, r.lot.item.unit, r.line.counted,
                 None if hide else r.on_hand, None if hide else r.difference]
                for r in view.lines]
        rows += [] if hide else [[m.lot.code, m.lot.item.sku, m.lot.item.name,
                                  m.lot.item.unit, None, m.on_hand, None]
                                 for m in view.missing]
        return csv_response(f"{view.count.number}.csv", ["lot", "item", "item_name", "unit",
                                                         "counted", "expected", "difference"],
                            rows)
    chosen = None
    code = request.args.get("lot")
    if code and view.count.status == "open":
        chosen = next((r for r in view.lines if r.lot.code == code), None) or \
            next((m for m in view.missing if m.lot.code == code), None) or code
    return render_template("counts/count.html", view=view, count=view.count, chosen=chosen,
                           chosen_code=code if chosen else None)


@bp.post("/<number>/lines")
@login_required
def record(number):
    form = request.form
    with refusal():
        code = scanned_code(form.get("lot", "").strip(), "lot")
        if not form.get("quantity", "").strip():
            counts.count_view(number)  # an unknown count fails here, not on the next page
            queries.lot_detail(code)  # an unknown lot is said now, before the quantity
            return redirect(url_for("counts.show", number=number, lot=code))
        line = counts.record_line(number=number, lot=code, quantity=form.get("quantity"),
                                  user_id=current_user.id)
        flash(_("%(lot)s: %(quantity)s counted.", lot=line.lot.code,
                quantity=fmt_quantity(line.counted, line.lot.item.unit)), "success")
    return redirect(url_for("counts.show", number=number))


@bp.post("/<number>/confirm")
@login_required
def confirm(number):
    with refusal():
        done = counts.confirm_count(number=number, user_id=current_user.id)
        if done.count.status == "submitted":
            flash(_("Some differences are beyond the tolerance: a manager confirms this "
                    "count."), "warning")
        else:
            flash(ngettext("Count confirmed: %(num)d adjustment posted.",
                           "Count confirmed: %(num)d adjustments posted.", len(done.movements)),
                  "success")
    return redirect(url_for("counts.show", number=number))


@bp.post("/<number>/cancel")
@login_required
def cancel(number):
    with refusal():
        counts.cancel_count(number=number)
        flash(_("Count cancelled."), "success")
    return redirect(url_for("counts.show", number=number))
