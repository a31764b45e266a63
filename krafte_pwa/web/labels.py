"""Label files: PNG for roll printers, PDF for sheets and rolls, ZPL for Zebra."""

from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext as _
from flask_login import login_required

from ..errors import BadInput, KrafteError
from ..labels import LabelData, LabelError, render_pdf, render_png, render_zpl
from ..messages import known
from ..scan.payloads import build_url
from ..services import queries
from ..services.settings import get_setting, label_dpi, resolve_layout
from .i18n import fmt_date, fmt_quantity

bp = Blueprint("labels", __name__, url_prefix="/labels")
MAX_LABELS = 1000


class BadLabelRequest(KrafteError):
    code = "bad_label_request"
    status = 400


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def label_base() -> tuple[str, str]:
    """The address label QR codes carry, and where it comes from: KRAFTE_BASE_URL; else,
    for a request that came in on localhost (an address no phone can open), this machine's
    LAN address (KRAFTE_LAN_URL, set by `make run`); else the address of the request."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured, "configured"
    lan = current_app.config.get("LAN_URL")
    if lan and urlsplit(request.host_url).hostname in LOCAL_HOSTS:
        return lan, "lan"
    return request.url_root, "request"


def _base() -> str:
    return label_base()[0]


def _captions() -> dict:
    return {"lot": _("Lot"), "location": _("Loc."), "item": _("SKU"), "expiry": _("Exp."),
            "date": _("Date"), "supplier_lot": _("Supp. lot"), "quantity": "",
            "production_order": _("Order")}


def lot_label(code: str) -> LabelData:
    detail = queries.lot_detail(code)
    lot, item = detail.lot, detail.lot.item
    return LabelData(
        "lot", item.name, lot.code, build_url(_base(), "lot", lot.code),
        quantity_text=fmt_quantity(detail.quantity, item.unit),
        expiry_text=fmt_date(lot.expiry) if lot.expiry else None,
        date_text=fmt_date(lot.lot_date),
        supplier_lot_text=lot.supplier_lot if item.kind == "material" else None,
        captions=_captions())


def location_label(code: str) -> LabelData:
    location, _rows = queries.location_contents(code)
    return LabelData("location", location.name, location.code,
                     build_url(_base(), "location", location.code), captions=_captions())


def item_label(sku: str) -> LabelData:
    item = queries.item_by_sku(sku)
    return LabelData("item", item.name, item.sku, build_url(_base(), "item", item.sku),
                     quantity_text=item.unit, captions=_captions())


BUILDERS = {"lots": lot_label, "locations": location_label, "items": item_label}


def _render(labels: list[LabelData], fmt: str, *, single: bool) -> Response:
    args = request.args
    size = args.get("size") or get_setting("label_roll_size")
    try:
        if fmt == "png":
            return Response(render_png(labels[0], size, args.get("dpi") or label_dpi("png")),
                            mimetype="image/png")
        if fmt == "zpl":
            dpi = args.get("dpi") or label_dpi("zpl")
            text = "".join(render_zpl(label, size, dpi) for label in labels)
            return Response(text, mimetype="text/plain", headers={
                "Content-Disposition": "inline; filename=labels.zpl"})
        layout = ("roll-" + size if single and args.get("size") and not args.get("layout")
                  else resolve_layout(args.get("layout"), single=single))
        start = args.get("start", "1")
        if not start.isdigit():
            raise BadInput(_("start must be a label position (1 = top left)"))
        return Response(render_pdf(labels, layout, start_position=int(start)),
                        mimetype="application/pdf")
    except LabelError as exc:
        raise BadLabelRequest(known(exc), code=exc.code) from None


@bp.get("/<any(lots, locations, items):kind>/<code>.<any(png, pdf, zpl):fmt>")
@login_required
def one(kind, code, fmt):
    return _render([BUILDERS[kind](code)], fmt, single=True)


@bp.get("/<any(lots, locations, items):kind>.<any(pdf, zpl):fmt>")
@login_required
def many(kind, fmt):
    codes = [c.strip() for c in request.args.get("codes", "").split(",") if c.strip()]
    if not codes:
        raise BadInput(_("give the codes to print: ?codes=A,B"), code="no_codes")
    if len(codes) > MAX_LABELS:
        raise BadInput(_("at most %(count)s labels at once", count=MAX_LABELS),
                       code="too_many_labels")
    copies = request.args.get("copies", "1")
    if not copies.isdigit() or not 1 <= int(copies) <= 100:
        raise BadInput(_("copies must be between 1 and 100"))
    labels = [BUILDERS[kind](code) for code in codes for _copy in range(int(copies))]
    return _render(labels, fmt, single=False)
