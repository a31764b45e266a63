"""JSON API v1: authentication, CSRF for cookie sessions, idempotent state changes."""

from functools import wraps

from flask import Blueprint, Response, g, request
from flask_login import current_user

from ...errors import BadInput
from ...extensions import csrf
from ...messages import _
from ...services import idempotency
from .. import guards

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC = {"api.create_token", "api.openapi"}


@bp.before_request
def _authenticate():
    if request.endpoint in PUBLIC:
        return None
    if not current_user.is_authenticated:
        from ..errors import error_json

        return error_json("unauthorized", "log in or send a bearer token", 401)
    if request.method not in ("GET", "HEAD", "OPTIONS") and not g.get("bearer"):
        csrf.protect()  # a cookie session: the page's JavaScript sends X-CSRFToken
    return None


def body() -> dict:
    """The JSON object sent, or a clear 400."""
    data = request.get_json(silent=True)
    if data is None:
        raise BadInput(_("send a JSON object with Content-Type: application/json"),
                       code="bad_json")
    if not isinstance(data, dict):
        raise BadInput(_("the body must be a JSON object"), code="bad_json")
    return data


def optional_field(name: str):
    """A field of a body that may be left out entirely (no body, or not a JSON object)."""
    data = request.get_json(silent=True)
    return data.get(name) if isinstance(data, dict) else None


def user_id() -> int:
    return current_user.id


def idempotent(view):
    """A replay with the same Idempotency-Key returns the first answer, changing nothing."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = guards.idempotency_key(request.headers.get("Idempotency-Key"))
        if not key:
            result, status = view(*args, **kwargs)
            return result, status
        print_ = idempotency.fingerprint(request.method, request.path, request.get_data())

        def action():
            result, status = view(*args, **kwargs)
            return status, result

        status, text, replayed = idempotency.run_once(current_user.id, key, print_,
                                                      action)
        response = Response(text, status=status, mimetype="application/json")
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    return wrapper


from . import (  # noqa: E402,F401  (routes register on bp)
    accounting,
    alerts,
    channels,
    counts,
    imports,
    items,
    openapi,
    planning,
    production,
    purchasing,
    recall,
    reports,
    sales_orders,
    scan,
    shipments,
    station,
    stock,
    tokens,
)
