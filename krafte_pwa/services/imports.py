"""CSV import of items, opening stock and recipes: a dry run lists every problem row, and
nothing is written until the whole file is valid.

Reads UTF-8 (with or without BOM) and what French spreadsheets save: semicolons,
decimal commas, Windows-1252, dates as 31/12/2026.
"""

import csv
import functools
import io
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from ..domain.numbers import COST_PLACES, quantize
from ..domain.recipes import shelf_expiry
from ..domain.spreadsheet import unneutralise
from ..errors import BadInput, KrafteError, UnitMismatch
from ..extensions import db
from ..messages import _, field_name, ngettext, without_place
from ..models import LOT_STATUSES, Item, Lot, MovementKind
from . import _inputs as read
from ._ledger import Posting, post
from ._sequences import document_number
from ._tx import in_transaction, transaction
from .items import build_item, update_item
from .recipes import build_recipe, recipe_line
from .stock import new_lot_code

MAX_ROWS = 50_000
ITEM_COLUMNS = ("sku", "name", "kind", "unit", "reorder_point", "reorder_quantity",
                "shelf_life_days", "requires_qc", "gtin", "density", "sale_price",
                "default_location", "default_supplier", "description", "standard_cost",
                "pack_units")
STOCK_COLUMNS = ("item", "quantity", "unit", "location", "expiry", "unit_cost",
                 "supplier", "supplier_lot", "status", "date")
# One row per recipe line; the recipe's own fields may repeat on each row or be given once.
RECIPE_FIELDS = ("yield_quantity", "yield_unit", "labour_minutes", "labour_rate", "overhead",
                 "overhead_percent", "instructions")
RECIPE_COLUMNS = ("item", *RECIPE_FIELDS, "component", "quantity", "unit", "loss_percent")
# French headers a spreadsheet may carry, mapped to ours.
ALIASES = {
    "référence": "sku", "reference": "sku", "ref": "sku", "nom": "name", "désignation": "name",
    "type": "kind", "unité": "unit", "unite": "unit", "seuil": "reorder_point",
    "quantité": "quantity", "quantite": "quantity", "qté": "quantity", "article": "item",
    "emplacement": "location", "péremption": "expiry", "peremption": "expiry", "dluo": "expiry",
    "dlc": "expiry", "coût unitaire": "unit_cost", "cout unitaire": "unit_cost",
    "fournisseur": "supplier", "lot fournisseur": "supplier_lot", "statut": "status",
    "composant": "component", "rendement": "yield_quantity", "unité rendement": "yield_unit",
    "unite rendement": "yield_unit", "perte %": "loss_percent", "perte": "loss_percent",
    "minutes": "labour_minutes", "taux horaire": "labour_rate", "frais par lot": "overhead",
    "frais %": "overhead_percent", "conditionnements": "pack_units",
    "conditionnement": "pack_units",
}
KIND_ALIASES = {"matière": "material", "matiere": "material", "semi-fini": "intermediate",
                "produit": "product"}


@dataclass
class Problem:
    line: int
    column: str | None
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    written: bool = False
    problems: list[Problem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # SKUs or lot codes
    updated: list[str] = field(default_factory=list)  # SKUs of items that existed


def decode_csv(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # what Excel in French saves by default
    except UnicodeDecodeError:
        raise BadInput(_("the file is not text in UTF-8 or Windows-1252: save it as CSV"),
                       code="not_csv") from None


def read_rows(data: bytes | str, columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(line number, row dict) for each non-empty row; header names normalised."""
    text = decode_csv(data)
    if not text.strip():
        raise BadInput(_("the file is empty"), code="empty_file")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else (
        "\t" if "\t" in first else ",")
    if "\x00" in text:
        raise BadInput(_("the file contains NUL characters: save it as CSV text"),
                       code="not_csv")
    try:
        return _rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), columns)
    except csv.Error:  # e.g. a field longer than the csv module's limit
        raise BadInput(_("the file is not valid CSV: check the quotes around its fields"),
                       code="not_csv") from None


def _rows(reader, columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    header = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(reader)]
    unknown = [h for h in header if h and h not in columns]
    if unknown:
        raise BadInput(ngettext("unknown column: %(unknown)s; expected some of %(expected)s",
                                "unknown columns: %(unknown)s; expected some of %(expected)s",
                                len(unknown), unknown=", ".join(unknown),
                                expected=", ".join(columns)),
                       code="bad_header")
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise BadInput(_("at most %(rows)s rows per file", rows=MAX_ROWS),
                           code="too_many_rows")
        rows.append((number, {h: (unneutralise(values[i].strip()) if i < len(values) else "")
                              for i, h in enumerate(header) if h}))
    return rows




def _date(value: str, column: str) -> date | None:
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y"):
        try:
            parsed = datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        return read.date_in_range(parsed, column)
    raise BadInput(_("'%(value)s' is not a date (2026-12-31 or 31/12/2026)", value=value),
                   details={"field": column})


def _problem(line: int, exc: KrafteError) -> Problem:
    field = exc.details.get("field") if exc.details else None
    column = field
    if column and column.startswith("pack_units"):
        column = "pack_units"
    elif column and "." in column:
        column = column.rsplit(".", 1)[-1]
    return Problem(line, column, without_place(exc.message, field))


PACK = re.compile(r"^\s*([^=]+?)\s*=\s*([0-9][0-9.,\s]*?)\s*([^\d\s.,][^=]*)?\s*$")


def pack_units_cell(cell: str, unit: str | None) -> list[dict]:
    """'drum=25 kg | box=12' (entries split by | or ;, a unit left out is the item's);
    '-' is none."""
    if cell.strip() == "-":
        return []
    packs = []
    for part in re.split(r"[|;]", cell):
        if not part.strip():
            continue
        found = PACK.match(part)
        if found is None:
            raise BadInput(_("pack_units: write each pack as name=quantity unit, for example "
                             "drum=25 kg | box=12"), details={"field": "pack_units"})
        name, quantity, pack_unit = found.groups()
        packs.append({"name": name, "quantity": quantity.replace(" ", ""),
                      "unit": (pack_unit or "").strip() or unit})
    return packs


class _Discarded(Exception):
    """A dry run, or a file with problems: what the import built must not stay."""

    def __init__(self, report: ImportReport):
        super().__init__()
        self.report = report


def _one_transaction(function):
    """The import as one transaction. A dry run or a file with any problem leaves by
    `_Discarded`, which rolls back everything it built (partners a row named, items) and
    still answers its report; inside a larger action only the import's own savepoint is
    rolled back."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        savepoint = db.session.begin_nested if in_transaction() else nullcontext
        try:
            with transaction(), savepoint():
                return function(*args, **kwargs)
        except _Discarded as discarded:
            return discarded.report

    return wrapper


@_one_transaction
def import_items(data, *, dry_run: bool = False) -> ImportReport:
    """New SKUs are created; a SKU that exists is updated with the cells the row fills
    (an empty cell keeps what the item has; its pack units, when given, replace its own)."""
    rows = read_rows(data, ITEM_COLUMNS)
    report = ImportReport(rows=len(rows))
    existing = {i.sku: i for i in db.session.execute(select(Item)).scalars()}
    seen: dict[str, int] = {}
    items = []
    for line, row in rows:
        values = {k: (v or None) for k, v in row.items()}
        if values.get("kind"):
            values["kind"] = KIND_ALIASES.get(values["kind"].lower(),
                                              values["kind"].lower())
        sku = values.get("sku")
        if sku in seen:
            report.problems.append(Problem(line, "sku", _(
                "SKU %(sku)s is also on line %(line)s", sku=sku, line=seen[sku])))
            continue
        seen[sku] = line
        try:
            with db.session.no_autoflush:
                _item_row(values, existing.get(sku), items, report)
        except KrafteError as exc:
            report.problems.append(_problem(line, exc))
    return _finish(report, dry_run, lambda: _save_items(items, report))


def _item_row(values: dict, item: Item | None, items: list, report: ImportReport) -> None:
    unit = values.get("unit") or (item.unit if item is not None else None)
    if values.get("pack_units"):
        values["pack_units"] = pack_units_cell(values["pack_units"], unit)
    if item is None:
        items.append(build_item(**{k: values.get(k) for k in ITEM_COLUMNS}))
        return
    changes = {k: v for k, v in values.items() if k != "sku" and v is not None}
    update_item(sku=item.sku, **changes)
    report.updated.append(item.sku)


def _save_items(items, report: ImportReport) -> None:
    db.session.add_all(items)
    report.created = [item.sku for item in items]


@dataclass
class _OpeningLine:
    item: Item
    quantity: Decimal
    location_id: int
    expiry: date | None
    unit_cost: Decimal
    supplier: object
    supplier_lot: str | None
    status: str
    on: date


@_one_transaction
def import_opening_stock(data, *, dry_run: bool = False, user_id=None,
                         today: date | None = None) -> ImportReport:
    """Lots with quantity, expiry, cost and location: the stock the day the app starts."""
    today = today or date.today()
    rows = read_rows(data, STOCK_COLUMNS)
    report = ImportReport(rows=len(rows))
    lines = []
    items = {i.sku: i for i in db.session.execute(select(Item)).scalars()}
    for line, row in rows:
        try:
            with db.session.no_autoflush:
                lines.append(_opening_line(row, items, today))
        except KrafteError as exc:
            report.problems.append(_problem(line, exc))
    return _finish(report, dry_run, lambda: _save_opening(lines, report, user_id, today))


def _opening_line(row: dict, items: dict, today: date) -> _OpeningLine:
    sku = row.get("item", "")
    item = items.get(sku)
    if item is None:
        raise BadInput(_("no item with SKU '%(sku)s'", sku=sku), details={"field": "item"})
    unit = row.get("unit") or None
    status = row.get("status") or ("quarantine" if item.requires_qc else "released")
    if status not in LOT_STATUSES:
        raise BadInput(_("status must be released, quarantine or blocked"),
                       details={"field": "status"})
    cost = read.cost_per_base(item, read.unit_cost(row.get("unit_cost"), "unit_cost"), unit)
    on = _date(row.get("date", ""), "date") or today
    return _OpeningLine(
        item=item, quantity=read.base_quantity(item, row.get("quantity"), unit),
        location_id=read.location(row.get("location")).id,
        expiry=(_date(row.get("expiry", ""), "expiry")
                or shelf_expiry(on, item.shelf_life_days)),
        unit_cost=quantize(cost, COST_PLACES),
        supplier=read.partner(row.get("supplier"), supplier=True),
        supplier_lot=read.text(row.get("supplier_lot"), "supplier_lot", required=False,
                               max_length=60),
        status=status, on=on)


def _save_opening(lines: list[_OpeningLine], report: ImportReport, user_id, today) -> None:
    document = document_number("OB", today.year)
    postings = []
    for entry in lines:
        lot = Lot(code=new_lot_code("opening", today, entry.item.sku), item=entry.item,
                  origin="opening", supplier=entry.supplier, supplier_lot=entry.supplier_lot,
                  lot_date=entry.on, expiry=entry.expiry, status=entry.status,
                  unit_cost=entry.unit_cost)
        db.session.add(lot)
        postings.append((lot, entry))
    db.session.flush()
    post([Posting(lot, entry.location_id, entry.quantity, MovementKind.OPENING, document)
          for lot, entry in postings], user_id)
    report.created = [lot.code for lot, _entry in postings]


@_one_transaction
def import_recipes(data, *, dry_run: bool = False, user_id=None) -> ImportReport:
    """Rows grouped by output item, one row per line. Each recipe is saved as the item's
    recipe would be from the form (a new version if an order used the current one)."""
    rows = read_rows(data, RECIPE_COLUMNS)
    report = ImportReport(rows=len(rows))
    groups: dict[str, list[tuple[int, dict]]] = {}
    for line, row in rows:
        if not row.get("item"):
            report.problems.append(Problem(line, "item", _("%(field)s is required",
                                                           field=field_name("item"))))
        else:
            groups.setdefault(row["item"], []).append((line, row))
    created = []
    for sku, entries in groups.items():
        bad_rows = _recipe_problems(sku, entries, report)
        fields = _recipe_fields(entries, report)
        if bad_rows or fields is None:
            continue
        lines = [{"item": r.get("component"), "quantity": r.get("quantity"),
                  "unit": r.get("unit") or None, "loss_percent": r.get("loss_percent") or None}
                 for _line, r in entries]
        try:
            recipe = build_recipe(item=sku, lines=lines, user_id=user_id, **fields)
        except KrafteError as exc:
            report.problems.append(_problem(entries[0][0], exc))
            continue
        created.append(f"{sku} v{recipe.version}")
    report.problems.sort(key=lambda p: p.line)
    return _finish(report, dry_run, lambda: setattr(report, "created", created))


_LINE_FIELD = re.compile(r"lines\[\d+\]\.")


def _recipe_problems(sku: str, entries, report: ImportReport) -> bool:
    """Check the output item and every line on its own, so each bad row is reported."""
    before = len(report.problems)
    try:
        output = read.item(sku)
    except KrafteError as exc:
        report.problems.append(_problem(entries[0][0], exc))
        return True
    for position, (line, row) in enumerate(entries, start=1):
        entry = {"item": row.get("component"), "quantity": row.get("quantity"),
                 "unit": row.get("unit") or None, "loss_percent": row.get("loss_percent") or None}
        try:
            with db.session.no_autoflush:
                recipe_line(output, position, entry)
        except KrafteError as exc:
            problem = _problem(line, exc)
            problem.reason = _LINE_FIELD.sub("", problem.reason)
            if isinstance(exc, UnitMismatch) and row.get("unit"):
                problem.column = "unit"
            elif problem.column in (None, "item"):
                problem.column = "component"
            report.problems.append(problem)
    return len(report.problems) > before


def _recipe_fields(entries, report: ImportReport) -> dict | None:
    """The recipe's own fields: given once, or the same on every row that gives them."""
    fields: dict[str, str | None] = {}
    first_line: dict[str, int] = {}
    clash = False
    for line, row in entries:
        for name in RECIPE_FIELDS:
            value = row.get(name) or None
            if value is None:
                continue
            if name not in fields or fields[name] is None:
                fields[name], first_line[name] = value, line
            elif value != fields[name]:
                report.problems.append(Problem(line, name, _(
                    "%(field)s differs from line %(line)s of the same recipe",
                    field=field_name(name), line=first_line[name])))
                clash = True
    if clash:
        return None
    if not fields.get("yield_quantity"):
        report.problems.append(Problem(entries[0][0], "yield_quantity",
                                       _("%(field)s is required",
                                         field=field_name("yield_quantity"))))
        return None
    return {name: fields.get(name) for name in RECIPE_FIELDS}


def _finish(report: ImportReport, dry_run: bool, save) -> ImportReport:
    if report.problems or dry_run:
        raise _Discarded(report)
    save()
    report.written = True
    return report
