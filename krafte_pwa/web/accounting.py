"""The accounting pages: the stock journal of a period and its files for
managers; the method, the account map and closing a month for admins."""

from contextlib import nullcontext

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..services import accounting
from .auth import role_required
from .refused import refusal

bp = Blueprint("accounting", __name__, url_prefix="/accounting")


def format_labels() -> dict[str, str]:
    return {"fec": _("FEC (French tax authority)"), "xero": _("Xero manual journals"),
            "quickbooks": _("QuickBooks Online journal entries"), "csv": _("CSV")}


@bp.get("/")
@role_required("manager")
def journal():
    args = request.args
    fmt = args.get("format") or ""
    if fmt in accounting.FORMATS:
        with force_locale("fr") if fmt == "fec" else nullcontext():
            book = accounting.journal(args.get("from"), args.get("to"))
            export = accounting.export(book, fmt)
        return Response(export.stream(), mimetype=export.mimetype, headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"'})
    book = accounting.journal(args.get("from"), args.get("to"))
    labels = {number: label for name, number in reversed(accounting.accounts().items())
              for label in [accounting.account_label(name)]}
    return render_template(
        "accounting/journal.html", journal=book, formats=format_labels(), labels=labels,
        since=book.start.date().isoformat(), until=book.last_day.isoformat(),
        periods=accounting.closed_periods(), settings=accounting.current(),
        names=accounting.DEFAULT_ACCOUNTS, account_label=accounting.account_label)


@bp.post("/settings")
@role_required("admin")
def save_settings():
    form = request.form
    with refusal():
        accounting.save(method=form.get("method") or None,
                        accounts={name: form.get(f"account_{name}", "")
                                  for name in accounting.DEFAULT_ACCOUNTS},
                        siren=form.get("siren", ""))
        flash(_("Accounting settings saved."), "success")
    return redirect(url_for("accounting.journal"))


@bp.post("/close")
@role_required("admin")
def close():
    with refusal():
        period = accounting.close_period(month=request.form.get("month"),
                                         user_id=current_user.id)
        flash(_("%(month)s is closed: its journal is frozen.",
                month=period.start.strftime("%Y-%m")), "success")
    return redirect(url_for("accounting.journal"))
