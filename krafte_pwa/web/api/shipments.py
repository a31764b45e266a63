"""Shipments to customers: ship (FEFO or the given lot), list, read."""

from flask import request

from ...services import shipments
from ..serializers.common import page_json
from ..serializers.shipments import shipment_json, shipped_json
from . import body, bp, idempotent, user_id


@bp.post("/shipments")
@idempotent
def create_shipment():
    data = body()
    shipment = shipments.ship(customer=data.get("customer"), lines=data.get("lines"),
                              note=data.get("note"), user_id=user_id())
    return shipped_json(shipment), 201


@bp.get("/shipments")
def list_shipments():
    args = request.args
    page = shipments.list_shipments(customer=args.get("customer"), page=args.get("page"),
                                    per_page=args.get("per_page"))
    return page_json(page, [shipment_json(s, with_lines=False) for s in page.rows])


@bp.get("/shipments/<number>")
def get_shipment(number):
    return shipment_json(shipments.get_shipment(number))
