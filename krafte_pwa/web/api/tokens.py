"""POST /api/v1/tokens: username and password for a bearer token."""

from ...services import users
from . import body, bp


@bp.post("/tokens")
def create_token():
    data = body()
    token = users.create_token(username=data.get("username"), password=data.get("password"))
    return {"token": token}, 201
