"""Bearer tokens as JSON: never a secret, except in the answer that made it."""

from .common import page_json
from .stamps import stamp


def token_json(row, current_id) -> dict:
    return {"id": row.id, "name": row.name, "created_at": stamp(row.created_at),
            "expires_at": stamp(row.expires_at), "current": row.id == current_id}


def tokens_json(page, current_id) -> dict:
    return page_json(page, [token_json(row, current_id) for row in page.rows])


def issued_json(issued) -> dict:
    return {"token": issued.secret, "id": issued.row.id,
            "expires_at": stamp(issued.row.expires_at)}
