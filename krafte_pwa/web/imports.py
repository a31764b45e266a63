"""CSV import pages (items, opening stock, recipes) for managers: the expected columns, an
example file to start from, a dry run listing every problem row, then the import itself.

The checked file travels back with the "Import now" button (compressed, base64, in a hidden
field) so nobody has to pick it again; nothing is written until the whole file is valid
(services/imports.py). A successful import redirects to its summary, so reloading the page
cannot import the same opening stock twice.
"""

import base64
import binascii
import csv
import json
import re
import uuid
import zlib
from datetime import date, timedelta
from decimal import Decimal

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..domain.units import BUILT_IN
from ..errors import KrafteError
from ..services import idempotency, imports
from .auth import role_required
from .csv_export import csv_response

bp = Blueprint("imports", __name__, url_prefix="/imports")

KIND = "<any(items, 'opening-stock', recipes):kind>"
RUNNERS = {"items": imports.import_items, "opening-stock": imports.import_opening_stock,
           "recipes": imports.import_recipes}
COLUMNS = {"items": imports.ITEM_COLUMNS, "opening-stock": imports.STOCK_COLUMNS,
           "recipes": imports.RECIPE_COLUMNS}
REQUIRED = {"items": ("sku", "name", "kind", "unit"),
            "opening-stock": ("item", "quantity", "location"),
            "recipes": ("item", "yield_quantity", "component", "quantity")}
DONE_SHOWN = 30  # created SKUs / lot codes kept in the session for the summary page
CARRY_MARGIN = 1024  # the rest of the "Import now" form: token, field names
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # binary, not text


def titles() -> dict[str, str]:
    return {"items": _("Items"), "opening-stock": _("Opening stock"), "recipes": _("Recipes")}


def _intro(kind: str) -> str:
    return {
        "items": _("One row per item. Import items first: opening stock and recipes refer "
                   "to them by SKU.") + " " + _(
            "A SKU that exists already is updated: the cells a row fills replace what the "
            "item has, empty cells keep it."),
        "opening-stock": _("One row per lot: the stock you hold the day you start with "
                           "Krafte. Each row becomes a lot with its own label."),
        "recipes": _("One row per recipe line, grouped by the item made. The recipe’s own "
                     "fields (yield, labour, overhead) may be given on its first row only."),
    }[kind]


def _hints(kind: str) -> dict[str, str]:
    units = ", ".join(BUILT_IN)
    if kind == "items":
        return {
            "sku": _("Your reference for the item, unique: letters, digits and . _ - "
                     "(at most 40)."),
            "name": _("The name shown everywhere."),
            "kind": _("material, intermediate or product (French: matière, semi-fini, "
                      "produit)."),
            "unit": _("The unit stock is counted in: %(units)s.", units=units),
            "reorder_point": _("An alert when the stock falls below this quantity."),
            "reorder_quantity": _("The quantity usually ordered."),
            "shelf_life_days": _("How many days a lot keeps: sets the expiry of new lots."),
            "requires_qc": _("1 or true: new lots start in quarantine."),
            "gtin": _("The barcode number (EAN/GTIN), if the item has one."),
            "density": _("Grams per millilitre, to convert between weights and volumes."),
            "sale_price": _("The selling price per unit."),
            "default_location": _("The code of an existing location."),
            "default_supplier": _("The supplier’s name (created if new)."),
            "description": _("Free text."),
            "standard_cost": _("The cost per base unit of a lot received without a price "
                               "when no purchase price is known."),
            "pack_units": _("Your own units, such as bag=20 kg | box=12 (a unit left out is "
                            "the item’s); they replace the item’s own; - removes them all."),
        }
    if kind == "opening-stock":
        return {
            "item": _("The SKU of an existing item."),
            "quantity": _("The quantity on hand, in the unit of the row."),
            "unit": _("The unit of the quantity and of the cost (empty: the item’s unit)."),
            "location": _("The code of an existing storage location."),
            "expiry": _("The expiry date: 2026-12-31 or 31/12/2026."),
            "unit_cost": _("The cost per unit of the row."),
            "supplier": _("The supplier’s name (created if new)."),
            "supplier_lot": _("The supplier’s batch number."),
            "status": _("released, quarantine or blocked (empty: released, or quarantine "
                        "for items that need a quality check)."),
            "date": _("The date of the lot (empty: today)."),
        }
    return {
        "item": _("The SKU of the intermediate or product the recipe makes."),
        "yield_quantity": _("What one batch makes; needed on the recipe’s first row."),
        "yield_unit": _("The unit of the yield (empty: the item’s unit)."),
        "labour_minutes": _("Minutes of work per batch."),
        "labour_rate": _("The labour cost per hour."),
        "overhead": _("A fixed cost per batch."),
        "overhead_percent": _("Overhead as a percentage of the material cost."),
        "instructions": _("Instructions for the production floor."),
        "component": _("The SKU of the ingredient or part of this line."),
        "quantity": _("The quantity of the component per batch."),
        "unit": _("The unit of that quantity (empty: the component’s unit)."),
        "loss_percent": _("The expected loss, as a percentage."),
    }


def _example_rows(kind: str) -> list[tuple]:
    """Realistic rows for a candle maker; each kind imports cleanly after the one before
    (opening stock also needs a storage location coded STORE)."""
    if kind == "items":
        return [
            ("WAX-SOY", "Soy wax flakes", "material", "g", Decimal(5000), Decimal(20000), 730,
             False, "", "", "", "", "", "Natural soy wax for container candles", "",
             "bag=20 kg"),
            ("FO-LAV", "Lavender fragrance oil", "material", "ml", Decimal(250),
             Decimal(1000), 365, False, "", Decimal("0.95"), "", "", "", ""),
            ("WICK-M", "Cotton wick, medium", "material", "pcs", Decimal(100), Decimal(500),
             "", False, "", "", "", "", "", ""),
            ("CANDLE-LAV", "Lavender candle 180 g", "product", "pcs", Decimal(20), Decimal(50),
             730, False, "", "", Decimal("14.90"), "", "", ""),
        ]
    if kind == "opening-stock":
        today = date.today()
        return [
            ("WAX-SOY", Decimal(20), "kg", "STORE", today + timedelta(days=730),
             Decimal("4.20"), "Cires du Sud", "CS-24117", "released", ""),
            ("FO-LAV", Decimal("0.5"), "l", "STORE", today + timedelta(days=365),
             Decimal(38), "Aroma Provence", "AP-0931", "", ""),
            ("WICK-M", Decimal(250), "", "STORE", "", Decimal("0.08"), "", "", "", ""),
        ]
    return [
        ("CANDLE-LAV", Decimal(1), "", Decimal(6), Decimal(24), "", "",
         "Melt the wax at 80 °C, add the oil at 65 °C, pour at 55 °C.", "WAX-SOY",
         Decimal(180), "g", Decimal(2)),
        ("CANDLE-LAV", "", "", "", "", "", "", "", "FO-LAV", Decimal(15), "ml", ""),
        ("CANDLE-LAV", "", "", "", "", "", "", "", "WICK-M", Decimal(1), "", ""),
    ]


def _limit() -> int | None:
    return current_app.config.get("MAX_CONTENT_LENGTH")


def _size(limit: int) -> str:
    if limit < 1_048_576:
        return _("%(size)s kB", size=format_decimal(round(limit / 1024, 1)))
    return _("%(size)s MB", size=format_decimal(round(limit / 1_048_576, 1)))


def _too_large_message() -> str:
    limit = _limit()
    if not limit:
        return _("The file is too large.")
    return _("The file is larger than the upload limit (%(size)s). Split it into smaller "
             "files and import them one after the other.", size=_size(limit))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    """Over MAX_CONTENT_LENGTH: refused before any view runs (the CSRF check reads the form
    first), answered here with the upload form and a plain message."""
    kind = (request.view_args or {}).get("kind")
    if (kind not in RUNNERS or not current_user.is_authenticated
            or not current_user.has_role("manager")):
        return render_template("error.html", code=413, message=_too_large_message()), 413
    return _result(kind, error=_too_large_message())


@bp.get("/")
@role_required("manager")
def index():
    kinds = [{"kind": kind, "title": titles()[kind], "intro": _intro(kind),
              "columns": [(c, _hints(kind).get(c, ""), c in REQUIRED[kind])
                          for c in COLUMNS[kind]]} for kind in RUNNERS]
    limit = _limit()
    return render_template("imports/index.html", kinds=kinds,
                           limit=_size(limit) if limit else None)


@bp.get(f"/{KIND}/template.csv")
@role_required("manager")
def template(kind):
    return csv_response(f"krafte-{kind}-template.csv", COLUMNS[kind], _example_rows(kind))


def _carried() -> tuple[bytes | None, str | None]:
    """The uploaded file, or the one the dry run page sent back; (data, error message)."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return upload.read(), None
    carried = request.form.get("content", "")
    if not carried:
        return None, _("Choose a CSV file first.")
    limit = _limit() or 64 * 1_048_576
    try:
        packed = base64.b64decode(carried, altchars=b"-_", validate=True)
        unpacker = zlib.decompressobj()
        data = unpacker.decompress(packed, limit + 1)
        if unpacker.unconsumed_tail:
            return None, _too_large_message()
    except (binascii.Error, ValueError, zlib.error):
        return None, _("The checked file could not be read back: choose it again.")
    return data, None


def _text(data: bytes) -> tuple[str | None, str | None]:
    """The file as text, or why it is not a CSV file."""
    if not data or not data.strip():
        return None, _("The file is empty.")
    limit = _limit()
    if limit and len(data) > limit:
        return None, _too_large_message()
    not_csv = _("This is not a CSV file. In your spreadsheet, use “Save as” and choose "
                "CSV, then import that file.")
    if b"\x00" in data:
        return None, not_csv
    try:
        text = imports.decode_csv(data)
    except KrafteError:
        return None, not_csv
    if CONTROL.search(text):
        return None, not_csv
    return text, None


def _pack(data: bytes) -> str | None:
    """The file for the hidden field of "Import now", if it fits in a form post."""
    packed = base64.b64encode(zlib.compress(data, 6), altchars=b"-_").decode("ascii")
    limits = [n for n in (_limit(), request.max_form_memory_size) if n]
    if limits and len(packed) + CARRY_MARGIN > min(limits):
        return None
    return packed


@bp.post(f"/{KIND}")
@role_required("manager")
def run(kind):
    data, error = _carried()
    text = None
    if error is None:
        text, error = _text(data)
    if error is not None:
        return _result(kind, error=error)
    dry_run = request.form.get("action", "check") != "import"
    extra = {} if kind == "items" else {"user_id": current_user.id}
    try:
        if dry_run:
            report = RUNNERS[kind](text, dry_run=True, **extra)
        else:
            summary = _import_once(kind, data, text, extra)
    except _Refused as refused:
        report = refused.report
    except KrafteError as exc:  # unreadable header, too many rows, empty
        return _result(kind, error=exc.message)
    except csv.Error as exc:
        return _result(kind, error=_("The file could not be read as CSV: %(reason)s",
                                     reason=str(exc)))
    else:
        if not dry_run:
            session["import_done"] = summary
            return redirect(url_for("imports.done", kind=kind))
    if report.problems:
        return _result(kind, report=report, dry_run=dry_run, status=422)
    return _result(kind, report=report, dry_run=True, carry=_pack(data))


class _Refused(Exception):
    """Problem rows: nothing imported, and the form's key stays unused."""

    def __init__(self, report):
        super().__init__("problem rows")
        self.report = report


def _import_once(kind: str, data: bytes, text: str, extra: dict) -> dict:
    """The import, once per form shown: a double click or a resent form gets the first
    import's summary instead of a second copy of the opening stock."""

    def action():
        report = RUNNERS[kind](text, dry_run=False, **extra)
        if report.problems:
            raise _Refused(report)
        return 201, {"kind": kind, "rows": report.rows, "total": len(report.created),
                     "created": report.created[:DONE_SHOWN], "updated": len(report.updated)}

    key = request.form.get("once", "").strip()
    if not key:  # a form from before this guard, or a script: no key to hold
        return action()[1]
    _status, body, _replayed = idempotency.run_once(
        current_user.id, f"import:{key}", idempotency.fingerprint("POST", request.path, data),
        action)
    return json.loads(body)


@bp.app_template_global()
def once_key() -> str:
    """A fresh key per rendered form that must act once (see _import_once)."""
    return uuid.uuid4().hex


def _result(kind, *, error=None, report=None, dry_run=True, carry=None, status=None):
    return render_template("imports/result.html", kind=kind, title=titles()[kind],
                           error=error, report=report, dry_run=dry_run, carry=carry,
                           limit=_size(_limit()) if _limit() else None), \
        status or (400 if error else 200)


@bp.get(f"/{KIND}/done")
@role_required("manager")
def done(kind):
    summary = session.get("import_done")
    if not summary or summary.get("kind") != kind:
        return redirect(url_for("imports.index"))
    links = []
    for entry in summary["created"]:
        if kind == "items":
            links.append((entry, url_for("items.show", sku=entry)))
        elif kind == "opening-stock":
            links.append((entry, url_for("stock.lot", code=entry)))
        else:
            links.append((entry, url_for("production.recipe_edit",
                                         sku=entry.rsplit(" v", 1)[0])))
    return render_template("imports/done.html", kind=kind, title=titles()[kind],
                           summary=summary, links=links,
                           more=summary["total"] - len(summary["created"]))
