"""The lots scanned at the production station before an order starts."""

from ...domain.numbers import to_str
from ...services import station
from . import body, bp, user_id


def scanned_json(number: str, picks) -> dict:
    return {"order": number, "picks": [
        {"lot": p.lot, "item": p.item, "unit": p.unit, "location": p.location,
         "quantity": to_str(p.quantity), "suggested": p.suggested} for p in picks]}


@bp.get("/production-orders/<number>/station-picks")
def get_station_picks(number):
    return scanned_json(number, station.pending_picks(number))


@bp.put("/production-orders/<number>/station-picks")
def put_station_picks(number):
    picks = station.save_picks(number=number, picks=body().get("picks"), user_id=user_id())
    return scanned_json(number, picks)
