"""A recall (affected lots and customers) as JSON."""

from ...domain.numbers import to_str
from .stamps import day


def _lot_json(a, locations: bool) -> dict:
    row = {"code": a.lot.code, "item": a.lot.item.sku, "on_hand": to_str(a.on_hand)}
    if locations:
        row.update(status=a.lot.status, level=a.level,
                   locations=[{"location": loc.code, "quantity": to_str(q)}
                              for loc, q in a.balances])
    return row


def blocked_json(code: str, blocked) -> dict:
    """The answer to blocking a recall's lots: those this call blocked."""
    return {"lot": code, "blocked": [lot.code for lot in blocked]}


def recall_json(found, *, locations: bool = False) -> dict:
    customers = [{"customer": d.customer, "lot": d.lot.code, "quantity": to_str(d.quantity),
                  "date": day(d.date)}
                 for d in found.customers]
    return {"affected_lots": [_lot_json(a, locations) for a in found.lots],
            "customers": customers}
