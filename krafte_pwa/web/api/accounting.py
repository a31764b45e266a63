"""Accounting: the account map and method (admin), the stock journal, the
files an accounting package imports, closed periods."""

from contextlib import nullcontext

from flask import Response, current_app, request
from flask_babel import force_locale
from flask_login import current_user

from ...errors import BadInput
from ...messages import _
from ...services import accounting
from ..auth import role_required
from ..serializers.accounting import closed_period_json, journal_json, periods_json
from . import body, bp, idempotent


@bp.get("/accounting/settings")
@role_required("admin")
def accounting_settings():
    return accounting.current()


@bp.put("/accounting/settings")
@role_required("admin")
def save_accounting_settings():
    data = body()
    return accounting.save(method=data.get("method"), accounts=data.get("accounts"),
                           siren=data.get("siren"))


@bp.get("/accounting/journal")
@role_required("manager")
def accounting_journal():
    args = request.args
    journal = accounting.journal(args.get("from"), args.get("to"))
    return journal_json(journal, current_app.config.get("CURRENCY", "EUR"))


@bp.get("/accounting/periods")
@role_required("manager")
def accounting_periods():
    return periods_json(accounting.closed_periods())


@bp.post("/accounting/periods")
@role_required("admin")
@idempotent
def close_accounting_period():
    period = accounting.close_period(month=body().get("month"), user_id=current_user.id)
    return closed_period_json(period), 201


@bp.get("/accounting/export")
@role_required("manager")
def accounting_export():
    args = request.args
    fmt = (args.get("format") or "").lower()
    if fmt not in accounting.FORMATS:
        raise BadInput(_("format must be one of %(formats)s",
                         formats=", ".join(accounting.FORMATS)), details={"field": "format"})
    with force_locale("fr") if fmt == "fec" else nullcontext():
        journal = accounting.journal(args.get("from"), args.get("to"))
        export = accounting.export(journal, fmt,
                                   currency=current_app.config.get("CURRENCY", "EUR"))
    return Response(export.stream(), mimetype=export.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{export.filename}"'})
