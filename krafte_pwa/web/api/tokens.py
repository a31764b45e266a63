"""Bearer tokens: get one with username and password, list yours, revoke one."""

from flask import g, request
from flask_login import current_user

from ...errors import BadInput
from ...messages import _
from ...services import users
from ..login_limits import limit_failed_logins
from . import body, bp


def _stamp(when) -> str:
    return when.isoformat() + "Z"


def token_json(row) -> dict:
    """A token as listed: never its secret, which only the answer that made it shows."""
    return {"id": row.id, "name": row.name, "created_at": _stamp(row.created_at),
            "expires_at": _stamp(row.expires_at), "current": row.id == g.get("bearer")}


@bp.post("/tokens")
@limit_failed_logins
def create_token():
    data = body()
    issued = users.issue_token(username=data.get("username"), password=data.get("password"),
                               name=data.get("name"))
    return {"token": issued.secret, "id": issued.row.id,
            "expires_at": _stamp(issued.row.expires_at)}, 201


@bp.get("/tokens")
def list_tokens():
    page = users.list_tokens(current_user.id, page=request.args.get("page"),
                             per_page=request.args.get("per_page"))
    return {"items": [token_json(row) for row in page.rows], "total": page.total,
            "page": page.page, "per_page": page.per_page}


@bp.delete("/tokens/<int:token_id>")
def revoke_token(token_id):
    return {"revoked": users.revoke_token(current_user.id, token_id)}


@bp.delete("/tokens/current")
def revoke_current_token():
    token_id = g.get("bearer")
    if not token_id:
        raise BadInput(_("this request uses a session, not a token: log out instead, or "
                         "revoke a token by its id"), code="not_a_token")
    return {"revoked": users.revoke_token(current_user.id, token_id)}
