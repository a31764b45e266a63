"""Settings, users: list, create, change role, access, language and password (admins only)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..models import ROLES
from ..services import users as user_service
from .auth import role_required
from .refused import refusal

bp = Blueprint("users", __name__, url_prefix="/settings/users")


def _names() -> dict:
    return {
        "roles": {"admin": _("Administrator"), "manager": _("Manager"),
                  "operator": _("Operator")},
        "locales": {"": _("Browser language"), "en": _("English"), "fr": _("French")},
    }


def _page(template: str, status: int = 200, **context):
    return render_template(template, roles=ROLES, names=_names(), **context), status


def _passwords_match(form) -> bool:
    if form.get("password", "") != form.get("password_again", ""):
        flash(_("The two passwords are not the same."), "error")
        return False
    return True


@bp.get("/")
@role_required("admin")
def index():
    return _page("users/index.html", users=user_service.list_users())


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    form = request.form
    if request.method == "POST":
        if not _passwords_match(form):
            return _page("users/new.html", 400, form=form)
        with refusal() as refused:
            user = user_service.create_user(
                username=form.get("username"), password=form.get("password"),
                role=form.get("role"), locale=form.get("locale") or None)
        if refused:
            return _page("users/new.html", 400, form=form)
        flash(_("User %(username)s created.", username=user.username), "success")
        return redirect(url_for("users.index"))
    return _page("users/new.html", form={"role": "operator"})


@bp.route("/<username>", methods=["GET", "POST"])
@role_required("admin")
def edit(username):
    user = user_service.get_user(username)
    if request.method == "POST":
        form = request.form
        if not _passwords_match(form):
            return _page("users/edit.html", 400, user=user, form=form)
        # a new password ends the user's sessions; an admin changing their own keeps this one
        own = user.id == current_user.id
        with refusal() as refused:
            user_service.update_user(
                username=user.username, role=form.get("role"),
                active=bool(form.get("active")), locale=form.get("locale", ""),
                password=form.get("password") or None, acting_user_id=current_user.id,
                keep_session_id=current_user.session_row_id if own else None)
        if refused:
            return _page("users/edit.html", 400, user=user, form=form)
        flash(_("User %(username)s saved.", username=user.username), "success")
        return redirect(url_for("users.index"))
    form = {"role": user.role, "active": user.active, "locale": user.locale or ""}
    return _page("users/edit.html", user=user, form=form)
