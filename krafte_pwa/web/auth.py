"""Log in and out, language choice, role checks, bearer tokens."""

import unicodedata
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import KrafteError
from ..extensions import db
from ..services import users as user_service
from ..services._tx import transaction
from .errors import error_json
from .login_limits import limit_failed_logins

bp = Blueprint("auth", __name__)


def register_loaders(login_manager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def _load(session_id):
        # None when the session was ended (logout, new password, deactivation) or expired
        return user_service.session_user(session_id)

    @login_manager.request_loader
    def _from_token(req):
        header = req.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            found = user_service.token_login(header[7:].strip())
            if found is not None:
                user, g.bearer = found  # g.bearer: the id of the token in use
                return user
        return None

    @login_manager.unauthorized_handler
    def _unauthorized():
        if request.path.startswith("/api/"):
            return error_json("unauthorized", "log in or send a bearer token", 401)
        return redirect(url_for("auth.login", next=request.full_path))


def role_required(*roles: str):
    """Page or API view reserved to roles (admin passes where manager does)."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.has_role(*roles):
                if request.path.startswith("/api/"):
                    return error_json("forbidden", "your role does not allow this", 403)
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def _safe_next(target: str | None) -> str:
    r"""`target` when it is a path on this site, else home. Browsers drop tabs and line
    breaks from a Location and read a backslash as a slash, so `/\t/evil.com` or
    `/\evil.com` would leave the site: any control character, space or backslash is
    refused, as is anything with a scheme or a host."""
    if (target and target.startswith("/") and not target.startswith("//")
            and not any(ch == "\\" or ch.isspace() or unicodedata.category(ch).startswith("C")
                        for ch in target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("pages.home")


@bp.route("/login", methods=["GET", "POST"])
@limit_failed_logins
def login():
    if request.method == "POST":
        remember = bool(request.form.get("remember"))
        try:
            with transaction():  # one action: check the password, open the session
                user = user_service.authenticate(request.form.get("username", ""),
                                                 request.form.get("password", ""))
                user_service.start_session(user, remember=remember)
        except KrafteError:
            flash(_("Wrong username or password."), "error")
            page = render_template("auth/login.html")
            db.session.rollback()  # free the database before the failure is counted
            return page, 401
        login_user(user, remember=remember,
                   duration=user_service.session_lifetime(True) if remember else None)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html")


def too_many_attempts(retry_after: int):
    """The answer over the login limits: the page again with a message, or JSON."""
    message = _("Too many failed attempts: try again in %(seconds)s seconds.",
                seconds=retry_after)
    if request.path.startswith("/api/"):
        response, status = error_json("too_many_attempts", message, 429)
    else:
        flash(message, "error")
        response, status = current_app.make_response(render_template("auth/login.html")), 429
    response.status_code = status
    response.headers["Retry-After"] = str(retry_after)
    return response


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        user_service.end_session(current_user)  # a saved copy of the cookies opens nothing
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    locale = request.form.get("locale")
    if locale not in ("en", "fr"):
        abort(400)
    if current_user.is_authenticated:
        user_service.set_locale(current_user, locale)
    response = redirect(_safe_next(request.form.get("next")))
    response.set_cookie("locale", locale, max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True, secure=request.is_secure)
    return response
