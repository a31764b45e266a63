"""Stock counts: open (or resume) a location's count, record lots, read, confirm, cancel."""

from flask import request

from ...services import counts
from ..scanned import scanned_code
from ..serializers.common import page_json
from ..serializers.counts import confirmed_count_json, count_json, count_summary
from . import body, bp, idempotent, user_id


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
    return confirmed_count_json(counts.count_view(done.count.number), done.movements), 200


@bp.post("/counts/<number>/cancel")
@idempotent
def cancel_count(number):
    count = counts.cancel_count(number=number)
    return count_summary(count), 200
