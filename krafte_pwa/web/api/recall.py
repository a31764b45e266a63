"""Recall of a lot: affected lots with stock on hand, customers; block them all."""

from flask import request

from ...domain.numbers import to_str
from ...services import recall
from ..auth import role_required
from . import body, bp, idempotent, user_id


def recall_json(found, *, locations: bool = False) -> dict:
    lots = []
    for a in found.lots:
        row = {"code": a.lot.code, "item": a.lot.item.sku, "on_hand": to_str(a.on_hand)}
        if locations:
            row.update(status=a.lot.status, level=a.level,
                       locations=[{"location": loc.code, "quantity": to_str(q)}
                                  for loc, q in a.balances])
        lots.append(row)
    customers = [{"customer": d.customer, "lot": d.lot.code, "quantity": to_str(d.quantity),
                  "date": d.date.isoformat() if d.date else None}
                 for d in found.customers]
    return {"affected_lots": lots, "customers": customers}


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
    return {"lot": code, "blocked": [lot.code for lot in blocked]}, 200
