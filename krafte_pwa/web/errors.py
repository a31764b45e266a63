"""Turns errors into answers: JSON {"error": {code, message}} under /api, pages elsewhere.

A JSON refusal whose message was made from the catalogue also carries it in every language
of the app (`translations`): a script that keeps the refusal (the offline queue) shows it in
the language of the page that reads it later, even offline."""

import sqlite3

from flask import current_app, jsonify, render_template, request
from flask_babel import force_locale, gettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, StatementError
from werkzeug.exceptions import HTTPException

from ..db_session import is_busy
from ..errors import BadQuantity, KrafteError
from ..extensions import db
from ..messages import Text, _, again
from ..models.types import OutOfRange


def wants_json() -> bool:
    # Label files are fetched by scripts and printers too: they get JSON errors as well.
    return request.path.startswith(("/api/", "/labels/"))


def error_json(code: str, message: str, status: int, details: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    texts = translations(message)
    if texts:
        body["error"]["translations"] = texts
    return jsonify(body), status


def translations(message) -> dict[str, str] | None:
    """{"en": ..., "fr": ...}: the message in each language of the app, when it was made
    from the catalogue (a `messages.Text`); None for any other text."""
    if not isinstance(message, Text):
        return None
    from .i18n import LOCALES

    texts = {}
    for locale in LOCALES:
        with force_locale(locale):
            texts[locale] = str(again(message))
    return texts


def _page(status: int, message: str):
    return render_template("error.html", code=status, message=message), status


def _krafte(exc: KrafteError):
    db.session.rollback()
    if wants_json():
        return error_json(exc.code, exc.message, exc.status, exc.details)
    return _page(exc.status, exc.message)


def _csrf(exc):
    if wants_json():
        return error_json("csrf_failed", exc.description, 400)
    return _page(400, gettext("This form has expired: reload the page and try again."))


def _too_many(_exc):
    db.session.rollback()
    from .auth import too_many_attempts
    from .login_limits import retry_after

    return too_many_attempts(retry_after())


def _http(exc: HTTPException):
    db.session.rollback()
    code = (exc.name or "error").lower().replace(" ", "_")
    if wants_json():
        return error_json(code, exc.description or exc.name, exc.code or 400)
    return render_template("error.html", code=exc.code, message=exc.description), exc.code


def _statement(exc: StatementError):
    # The services bound every quantity and cost; should one still be too large for
    # its column, it is bad input, refused with nothing written, not a server error.
    if isinstance(exc.orig, OutOfRange):
        return _krafte(BadQuantity(_("a quantity or an amount is too large to record")))
    return _unexpected(exc)


def _busy(exc: Exception):
    """SQLite's write lock stayed taken past the busy timeout: try again, nothing done."""
    if not is_busy(exc):
        return _unexpected(exc)
    db.session.rollback()
    message = gettext("The database is busy with another change: try again in a moment.")
    if wants_json():
        response, status = error_json("busy", message, 503)
    else:
        response, status = current_app.make_response(_page(503, message)), 503
    response.headers["Retry-After"] = "1"
    return response, status


def _unexpected(_exc: Exception):
    db.session.rollback()
    current_app.logger.exception("unexpected error")
    if wants_json():
        return error_json("internal_error", "something went wrong on the server", 500)
    return _page(500, gettext("Something went wrong."))


HANDLERS = ((KrafteError, _krafte), (CSRFError, _csrf), (RateLimitExceeded, _too_many),
            (HTTPException, _http), (StatementError, _statement), (OperationalError, _busy),
            (sqlite3.OperationalError, _busy), (Exception, _unexpected))


def register(app) -> None:
    for error, handler in HANDLERS:
        app.register_error_handler(error, handler)
