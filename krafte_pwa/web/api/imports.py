"""POST /api/v1/imports/items, /imports/opening-stock and /imports/recipes: CSV in, every
problem row out."""

from flask import request

from ...errors import BadInput
from ...messages import _
from ...services import imports
from ..auth import role_required
from ..serializers.imports import import_report_json
from . import bp, user_id

RUNNERS = {"items": imports.import_items, "opening-stock": imports.import_opening_stock,
           "recipes": imports.import_recipes}


@bp.post("/imports/<any(items, 'opening-stock', recipes):kind>")
@role_required("manager")
def import_csv(kind):
    upload = request.files.get("file")
    data = upload.read() if upload else request.get_data()
    if not data:
        raise BadInput(_("send the CSV as the body or as multipart field 'file'"),
                       code="no_file")
    dry_run = request.args.get("dry_run") in ("1", "true")
    run = RUNNERS[kind]
    extra = {"user_id": user_id()} if kind != "items" else {}
    report = run(data, dry_run=dry_run, **extra)
    return import_report_json(report), (422 if report.problems else (200 if dry_run else 201))
