"""Stock counts: open (or resume) a location's count, record lots, read, confirm, cancel."""

from flask import request

from ...domain.numbers import to_str
from ...errors import BadInput
from ...messages import _
from ...services import counts, scan
from . import body, bp, idempotent, user_id
from .serializers import page_json, shows_costs


def scanned_code(value, kind: str) -> str:
    """A code as typed, or a scanned label URL (…/l/<code>) that names one of `kind`."""
    if isinstance(value, str) and "/" in value:
        found = scan.resolve(value)
        if found.kind != kind:
            raise BadInput(_wrong_kind(found.kind, kind), code="wrong_kind",
                           details={"field": kind})
        return found.code
    return value


def _wrong_kind(found: str, wanted: str) -> str:
    """A label of another kind than the field asks for, as a whole sentence per case."""
    messages = {
        ("location", "lot"): _("that label is a location, not a lot"),
        ("item", "lot"): _("that label is an item, not a lot"),
        ("production_order", "lot"): _("that label is a production order, not a lot"),
        ("lot", "location"): _("that label is a lot, not a location"),
        ("item", "location"): _("that label is an item, not a location"),
        ("production_order", "location"): _("that label is a production order, not a location"),
    }
    return messages.get((found, wanted)) or _("that label is a %(found)s, not a %(wanted)s",
                                              found=found.replace("_", " "), wanted=wanted)


def _when(value):
    return value.isoformat() + "Z" if value else None


def count_summary(count) -> dict:
    return {"number": count.number, "location": count.location.code, "status": count.status,
            "blind": count.blind, "created_at": _when(count.created_at),
            "posted_at": _when(count.posted_at)}


def count_json(view: counts.CountView) -> dict:
    costs = shows_costs()
    # a blind count hides what is expected from the counter until it is posted
    hide = view.count.blind and not costs and view.count.status != "posted"
    lines = []
    for row in view.lines:
        item = row.lot.item
        entry = {"lot": row.lot.code, "item": item.sku, "item_name": item.name,
                 "unit": item.unit, "counted": to_str(row.line.counted),
                 "reason": row.line.reason}
        if not hide:
            entry.update(expected=to_str(row.on_hand), difference=to_str(row.difference))
        if costs:
            entry["value_difference"] = to_str(row.difference * row.lot.unit_cost)
        lines.append(entry)
    missing = [] if hide else [
        {"lot": m.lot.code, "item": m.lot.item.sku, "item_name": m.lot.item.name,
         "unit": m.lot.item.unit, "expected": to_str(m.on_hand),
         "expiry": m.lot.expiry.isoformat() if m.lot.expiry else None}
        for m in view.missing]
    return {**count_summary(view.count), "lines": lines, "missing": missing}


@bp.get("/counts")
def list_counts():
    args = request.args
    page = counts.list_counts(status=args.get("status"), location=args.get("location"),
                              page=args.get("page"), per_page=args.get("per_page"))
    return page_json(page, [count_summary(c) for c in page.rows])


@bp.post("/counts")
@idempotent
def open_count():
    data = body()
    count, resumed = counts.open_count(location=scanned_code(data.get("location"), "location"),
                                       blind=data.get("blind"), user_id=user_id())
    return count_json(counts.count_view(count.number)), (200 if resumed else 201)


@bp.get("/counts/<number>")
def get_count(number):
    return count_json(counts.count_view(number))


@bp.post("/counts/<number>/lines")
@idempotent
def record_line(number):
    data = body()
    counts.record_line(number=number, lot=scanned_code(data.get("lot"), "lot"),
                       quantity=data.get("quantity"), unit=data.get("unit"),
                       reason=data.get("reason"), user_id=user_id())
    return count_json(counts.count_view(number)), 201


@bp.post("/counts/<number>/confirm")
@idempotent
def confirm_count(number):
    done = counts.confirm_count(number=number, user_id=user_id())
    answer = count_json(counts.count_view(done.count.number))
    answer["adjustments"] = [{"lot": m.lot.code, "quantity": to_str(m.quantity)}
                             for m in done.movements]
    return answer, 200


@bp.post("/counts/<number>/cancel")
@idempotent
def cancel_count(number):
    count = counts.cancel_count(number=number)
    return count_summary(count), 200
