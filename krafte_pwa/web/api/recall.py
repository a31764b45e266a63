"""Recall of a lot: affected lots with stock on hand, customers; block them all."""

from flask import request

from ...services import recall
from ..auth import role_required
from ..serializers.recall import blocked_json, recall_json
from . import body, bp, idempotent, user_id


@bp.get("/lots/<code>/recall")
def lot_recall(code):
    """`?include=locations` adds each lot's status, level and stock per location."""
    found = recall.recall(code)
    return recall_json(found, locations=request.args.get("include") == "locations")


@bp.post("/lots/<code>/recall/block")
@role_required("manager")
@idempotent
def block_recalled(code):
    data = body()
    blocked = recall.block_affected(lot=code, reason=data.get("reason"), user_id=user_id())
    return blocked_json(code, blocked), 200
