"""The recall page (managers): from a lot, every affected lot with its stock and where it
is, every customer who received one; a CSV and a PDF of it; one button that blocks every
affected lot still in stock, with the reason."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..services import recall as recall_service
from .auth import role_required
from .csv_export import csv_response
from .i18n import fmt_date, fmt_quantity
from .refused import refusal

bp = Blueprint("recall", __name__, url_prefix="/recall")


def _status(value: str) -> str:
    return {"released": _("released"), "quarantine": _("quarantine"),
            "blocked": _("blocked")}.get(value, value)


@bp.get("/")
@role_required("manager")
def start():
    code = (request.args.get("lot") or "").strip()
    if code:
        return redirect(url_for("recall.show", code=code))
    return render_template("recall/start.html")


@bp.get("/<code>")
@role_required("manager")
def show(code):
    found = recall_service.recall(code)
    return render_template("recall/show.html", found=found)


@bp.get("/<code>.csv")
@role_required("manager")
def csv(code):
    found = recall_service.recall(code)
    rows = []
    for a in found.lots:
        for location, quantity in a.balances or [(None, None)]:
            rows.append(["stock", a.lot.code, a.lot.item.sku, a.lot.item.name, a.level,
                         a.lot.status, location.code if location else "", quantity or 0,
                         a.lot.item.unit, "", a.lot.expiry, ""])
    for d in found.customers:
        rows.append(["shipped", d.lot.code, d.lot.item.sku, d.lot.item.name, "",
                     d.lot.status, "", d.quantity, d.lot.item.unit, d.customer, d.date,
                     d.shipment])
    header = ["kind", "lot", "item", "item_name", "level", "status", "location", "quantity",
              "unit", "customer", "date", "shipment"]
    return csv_response(f"recall-{found.root.code}.csv", header, rows)


def _pdf_facts(found) -> list[tuple[str, str]]:
    root = found.root
    facts = [(_("Lot recalled"), f"{root.code} · {root.item.sku} {root.item.name}"),
             (_("Affected lots"), str(len(found.lots))),
             (_("Still in stock"), str(len(found.in_stock))),
             (_("Customers"), str(len({d.customer for d in found.customers})))]
    if root.supplier:
        facts.insert(1, (_("Supplier"), root.supplier.name
                         + (f" · {root.supplier_lot}" if root.supplier_lot else "")))
    return facts


@bp.get("/<code>.pdf")
@role_required("manager")
def pdf(code):
    from .. import documents  # reportlab: loaded on the first PDF

    found = recall_service.recall(code)
    root = found.root
    lots = documents.Grid(
        [_("Lot"), _("Item"), _("Level"), _("Status"), _("Where"), _("On hand")],
        [[a.lot.code, f"{a.lot.item.sku} · {a.lot.item.name}", str(a.level),
          _status(a.lot.status),
          ", ".join(f"{loc.code} {fmt_quantity(q)}" for loc, q in a.balances) or "—",
          fmt_quantity(a.on_hand, a.lot.item.unit)] for a in found.lots],
        right={2, 5}, widths=[0.17, 0.3, 0.07, 0.12, 0.18, 0.16])
    customers = documents.Grid(
        [_("Customer"), _("Lot"), _("Item"), _("Quantity"), _("Date"), _("Shipment")],
        [[d.customer, d.lot.code, d.lot.item.sku, fmt_quantity(d.quantity, d.lot.item.unit),
          fmt_date(d.date), d.shipment] for d in found.customers],
        right={3}, widths=[0.24, 0.17, 0.14, 0.15, 0.14, 0.16])
    sections = [documents.Section(_("Affected lots"), lots),
                documents.Section(_("Customers who received an affected lot"),
                                  customers if found.customers else _("None."))]
    body = documents.render(_("Recall of lot %(code)s", code=root.code),
                            facts=_pdf_facts(found), sections=sections)
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="recall-{root.code}.pdf"'})


@bp.post("/<code>/block")
@role_required("manager")
def block(code):
    with refusal() as refused:
        blocked = recall_service.block_affected(lot=code, reason=request.form.get("reason"),
                                                user_id=current_user.id)
    if refused:
        return redirect(url_for("recall.show", code=code))
    if blocked:
        flash(ngettext("%(num)d lot blocked: %(codes)s.", "%(num)d lots blocked: %(codes)s.",
                       len(blocked), codes=", ".join(lot.code for lot in blocked)), "success")
    else:
        flash(_("Nothing to block: every affected lot in stock is blocked already."), "success")
    return redirect(url_for("recall.show", code=code))
