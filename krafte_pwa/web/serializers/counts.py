"""Stock counts as JSON."""

from ...domain.numbers import to_str
from .common import shows_costs
from .stamps import day, stamp


def count_summary(count) -> dict:
    return {"number": count.number, "location": count.location.code, "status": count.status,
            "blind": count.blind, "created_at": stamp(count.created_at),
            "posted_at": stamp(count.posted_at)}


def _line_json(row, *, hide: bool, costs: bool) -> dict:
    item = row.lot.item
    entry = {"lot": row.lot.code, "item": item.sku, "item_name": item.name,
             "unit": item.unit, "counted": to_str(row.line.counted),
             "reason": row.line.reason}
    if not hide:
        entry.update(expected=to_str(row.on_hand), difference=to_str(row.difference))
    if costs:
        entry["value_difference"] = to_str(row.difference * row.lot.unit_cost)
    return entry


def _missing_json(m) -> dict:
    return {"lot": m.lot.code, "item": m.lot.item.sku, "item_name": m.lot.item.name,
            "unit": m.lot.item.unit, "expected": to_str(m.on_hand), "expiry": day(m.lot.expiry)}


def count_json(view) -> dict:
    costs = shows_costs()
    # a blind count hides what is expected from the counter until it is posted
    hide = view.count.blind and not costs and view.count.status != "posted"
    lines = [_line_json(row, hide=hide, costs=costs) for row in view.lines]
    missing = [] if hide else [_missing_json(m) for m in view.missing]
    return {**count_summary(view.count), "lines": lines, "missing": missing}


def confirmed_count_json(view, movements) -> dict:
    answer = count_json(view)
    answer["adjustments"] = [{"lot": m.lot.code, "quantity": to_str(m.quantity)}
                             for m in movements]
    return answer
