"""Shipments as JSON."""

from ...domain.numbers import to_str
from ...services import shipments
from .common import shows_costs
from .stamps import stamp


def _line_json(line, costs: bool) -> dict:
    row = {"line": line.position, "item": line.item.sku, "item_name": line.item.name,
           "unit": line.item.unit, "quantity": to_str(line.quantity),
           "lots": [{"lot": sl.lot.code, "location": sl.location.code,
                     "quantity": to_str(sl.quantity),
                     **({"unit_cost": to_str(sl.unit_cost)} if costs else {})}
                    for sl in line.lots]}
    if costs:
        row["cost"] = to_str(shipments.line_cost(line))
    return row


def shipment_json(shipment, *, with_lines: bool = True) -> dict:
    data = {"number": shipment.number, "customer": shipment.customer.name,
            "status": shipment.status, "note": shipment.note,
            "created_at": stamp(shipment.created_at), "shipped_at": stamp(shipment.shipped_at)}
    if with_lines:
        costs = shows_costs()
        data["lines"] = [_line_json(line, costs) for line in shipment.lines]
    return data


def shipped_json(shipment) -> dict:
    """The answer to a shipment just made: which lot each line took."""
    return {"number": shipment.number,
            "lines": [{"item": item, "lot": lot, "quantity": to_str(qty)}
                      for item, lot, qty in shipments.answer_lines(shipment)]}
