"""Settings (admin): lot code pattern, expiry warning, how labels print, custom sheets."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..labels import DPIS, ROLL_SIZES, SHEET_LAYOUTS
from ..services import settings
from .auth import role_required
from .refused import refusal

bp = Blueprint("settings", __name__, url_prefix="/settings")
GENERAL = ("lot_code_pattern", "expiry_warning_days", "label_roll_size", "label_dpi",
           "label_sheet_layout", "count_tolerance_percent", "count_blind")
KEPT_WHEN_LEFT_OUT = ("count_tolerance_percent", "count_blind")


def _general(form) -> dict:
    """The general settings of a form; the newer ones, left out, keep their value."""
    return {k: form.get(k, "") for k in GENERAL if k in form or k not in KEPT_WHEN_LEFT_OUT}
LAYOUT_FIELDS = ("name", "page", "columns", "rows", "label_width", "label_height",
                 "margin_left", "margin_top", "gap_x", "gap_y")


def _page(form=None, layout_form=None, status=200):
    values = settings.all_settings()
    if form:
        values.update(_general(form))
    try:
        examples = settings.lot_code_examples(values["lot_code_pattern"])
    except ValueError:  # a bad pattern being corrected: its error is already shown
        examples = None
    from .labels import label_base

    base, source = label_base()
    return render_template(
        "settings/index.html", label_base=base, label_base_source=source, values=values,
        examples=examples, rolls=list(ROLL_SIZES),
        dpis=DPIS, built_in=SHEET_LAYOUTS, saved=settings.saved_layouts(),
        layout_form=layout_form or {}, test_codes=",".join(settings.test_sheet_codes())), status


@bp.app_template_global()
def has_page(endpoint: str) -> bool:
    """Whether a page exists in this installation (menus link only to what is there)."""
    return endpoint in current_app.view_functions


@bp.get("/")
@role_required("admin")
def index():
    return _page()


@bp.post("/")
@role_required("admin")
def save():
    with refusal() as refused:
        settings.update_settings(_general(request.form))
    if refused:
        return _page(form=request.form, status=400)
    flash(_("Settings saved."), "success")
    return redirect(url_for("settings.index"))


@bp.post("/sheets")
@role_required("admin")
def save_sheet():
    with refusal() as refused:
        name = request.form.get("name", "")
        settings.save_layout(**{k: request.form.get(k) for k in LAYOUT_FIELDS})
    if refused:
        return _page(layout_form=request.form, status=400)
    flash(_("Sheet %(name)s saved.", name=name.strip().lower()), "success")
    return redirect(url_for("settings.index") + "#sheets")


@bp.post("/sheets/<name>/delete")
@role_required("admin")
def delete_sheet(name):
    with refusal() as refused:
        settings.delete_layout(name)
    if refused:
        return _page(status=400)
    flash(_("Sheet %(name)s deleted.", name=name), "success")
    return redirect(url_for("settings.index") + "#sheets")
