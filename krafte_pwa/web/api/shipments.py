"""Shipments to customers: ship (FEFO or the given lot), list, read."""

from flask import request

from ...domain.numbers import to_str
from ...services import shipments
from . import body, bp, idempotent, user_id
from .serializers import page_json, shows_costs


def _stamp(value):
    return value.isoformat() + "Z" if value else None


def shipment_json(shipment, *, with_lines: bool = True) -> dict:
    data = {"number": shipment.number, "customer": shipment.customer.name,
            "status": shipment.status, "note": shipment.note,
            "created_at": _stamp(shipment.created_at), "shipped_at": _stamp(shipment.shipped_at)}
    if not with_lines:
        return data
    costs = shows_costs()
    lines = []
    for line in shipment.lines:
        row = {"line": line.position, "item": line.item.sku, "item_name": line.item.name,
               "unit": line.item.unit, "quantity": to_str(line.quantity),
               "lots": [{"lot": sl.lot.code, "location": sl.location.code,
                         "quantity": to_str(sl.quantity),
                         **({"unit_cost": to_str(sl.unit_cost)} if costs else {})}
                        for sl in line.lots]}
        if costs:
            row["cost"] = to_str(shipments.line_cost(line))
        lines.append(row)
    data["lines"] = lines
    return data


@bp.post("/shipments")
@idempotent
def create_shipment():
    data = body()
    shipment = shipments.ship(customer=data.get("customer"), lines=data.get("lines"),
                              note=data.get("note"), user_id=user_id())
    return {"number": shipment.number,
            "lines": [{"item": item, "lot": lot, "quantity": to_str(qty)}
                      for item, lot, qty in shipments.answer_lines(shipment)]}, 201


@bp.get("/shipments")
def list_shipments():
    args = request.args
    page = shipments.list_shipments(customer=args.get("customer"), page=args.get("page"),
                                    per_page=args.get("per_page"))
    return page_json(page, [shipment_json(s, with_lines=False) for s in page.rows])


@bp.get("/shipments/<number>")
def get_shipment(number):
    return shipment_json(shipments.get_shipment(number))
