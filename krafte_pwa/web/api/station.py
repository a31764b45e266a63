"""The lots scanned at the production station before an order starts."""

from ...services import station
from ..serializers.production import scanned_picks_json
from . import body, bp, user_id


@bp.get("/production-orders/<number>/station-picks")
def get_station_picks(number):
    return {"order": number, "picks": scanned_picks_json(station.pending_picks(number))}


@bp.put("/production-orders/<number>/station-picks")
def put_station_picks(number):
    picks = station.save_picks(number=number, picks=body().get("picks"), user_id=user_id())
    return {"order": number, "picks": scanned_picks_json(picks)}
