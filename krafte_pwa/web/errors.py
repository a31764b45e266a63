"""Turns errors into answers: JSON {"error": {code, message}} under /api, pages elsewhere."""

import sqlite3

from flask import jsonify, render_template, request
from flask_babel import gettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, StatementError
from werkzeug.exceptions import HTTPException

from ..db_session import is_busy
from ..errors import BadQuantity, KrafteError
from ..extensions import db
from ..messages import _
from ..models.types import OutOfRange


def wants_json() -> bool:
    # Label files are fetched by scripts and printers too: they get JSON errors as well.
    return request.path.startswith(("/api/", "/labels/"))


def error_json(code: str, message: str, status: int, details: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return jsonify(body), status


def register(app) -> None:
    @app.errorhandler(KrafteError)
    def _krafte(exc: KrafteError):
        db.session.rollback()
        if wants_json():
            return error_json(exc.code, exc.message, exc.status, exc.details)
        return render_template("error.html", code=exc.status, message=exc.message), exc.status

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        if wants_json():
            return error_json("csrf_failed", exc.description, 400)
        message = gettext("This form has expired: reload the page and try again.")
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(RateLimitExceeded)
    def _too_many(_exc):
        db.session.rollback()
        from .auth import too_many_attempts
        from .login_limits import retry_after

        return too_many_attempts(retry_after())

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        db.session.rollback()
        code = (exc.name or "error").lower().replace(" ", "_")
        if wants_json():
            return error_json(code, exc.description or exc.name, exc.code or 400)
        return render_template("error.html", code=exc.code, message=exc.description), exc.code

    @app.errorhandler(StatementError)
    def _statement(exc: StatementError):
        # The services bound every quantity and cost; should one still be too large for
        # its column, it is bad input, refused with nothing written, not a server error.
        if isinstance(exc.orig, OutOfRange):
            return _krafte(BadQuantity(_("a quantity or an amount is too large to record")))
        return _unexpected(exc)
    @app.errorhandler(OperationalError)
    @app.errorhandler(sqlite3.OperationalError)
    def _busy(exc: Exception):
        """SQLite's write lock stayed taken past the busy timeout: try again, nothing done."""
        if not is_busy(exc):
            return _unexpected(exc)
        db.session.rollback()
        message = gettext("The database is busy with another change: try again in a moment.")
        if wants_json():
            response, status = error_json("busy", message, 503)
        else:
            response = app.make_response(
                (render_template("error.html", code=503, message=message), 503))
            status = 503
        response.headers["Retry-After"] = "1"
        return response, status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("unexpected error")
        if wants_json():
            return error_json("internal_error", "something went wrong on the server", 500)
        return render_template("error.html", code=500,
                               message=gettext("Something went wrong.")), 500
