"""Bearer tokens: get one with username and password, list yours, revoke one."""

from flask import g, request
from flask_login import current_user

from ...errors import BadInput
from ...messages import _
from ...services import users
from ..login_limits import limit_failed_logins
from ..serializers.tokens import issued_json, tokens_json
from . import body, bp


@bp.post("/tokens")
@limit_failed_logins
def create_token():
    data = body()
    issued = users.issue_token(username=data.get("username"), password=data.get("password"),
                               name=data.get("name"))
    return issued_json(issued), 201


@bp.get("/tokens")
def list_tokens():
    page = users.list_tokens(current_user.id, page=request.args.get("page"),
                             per_page=request.args.get("per_page"))
    return tokens_json(page, g.get("bearer"))


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
