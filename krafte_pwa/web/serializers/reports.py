"""Manager reports as JSON: valuation, movement history, accounting summary."""

from ...domain.numbers import to_str
from ...models import MovementKind
from .stamps import stamp


def valuation_json(value) -> dict:
    return {**{k: to_str(v) for k, v in value.as_dict().items()}, "currency": value.currency}


def movement_row_json(r) -> dict:
    return {"id": r.id, "created_at": stamp(r.created_at),
            "kind": MovementKind.NAMES.get(r.kind, str(r.kind)), "item": r.sku, "lot": r.code,
            "location": r.code_1, "quantity": to_str(r.quantity), "unit": r.unit,
            "unit_cost": to_str(r.unit_cost), "document": r.document, "reason": r.reason,
            "user": r.username}


def accounting_summary_json(result) -> dict:
    return {"since": stamp(result.since), "until": stamp(result.until),
            "currency": result.currency,
            "cost_of_goods_sold": to_str(result.cost_of_goods_sold),
            "rows": [{"line": name, **{k: to_str(v) for k, v in value.as_dict().items()}}
                     for name, value in result.rows()]}
