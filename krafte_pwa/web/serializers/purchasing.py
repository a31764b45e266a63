"""Purchase orders as JSON."""

from ...domain.numbers import to_str
from ...services import purchasing
from .common import shows_costs
from .stamps import day, stamp


def _line_json(p, costs: bool) -> dict:
    ln = p.line
    row = {"line": ln.position, "item": ln.item.sku, "item_name": ln.item.name,
           "unit": ln.item.unit, "quantity": to_str(ln.quantity),
           "entered_quantity": to_str(ln.entered_quantity),
           "entered_unit": ln.entered_unit, "received": to_str(p.received),
           "open": to_str(p.open), "expected_date": day(ln.expected_date)}
    if costs:
        row.update(unit_price=to_str(ln.unit_price), value=to_str(p.value))
    return row


def order_json(order, *, with_lines: bool = True) -> dict:
    costs = shows_costs()
    data = {"number": order.number, "supplier": order.supplier.name, "status": order.status,
            "expected_date": day(order.expected_date), "note": order.note,
            "created_at": stamp(order.created_at), "ordered_at": stamp(order.ordered_at)}
    if with_lines:
        data["lines"] = [_line_json(p, costs) for p in purchasing.progress(order)]
    if costs:
        data["total"] = to_str(purchasing.order_total(order))
    return data


def drafts_json(result) -> dict:
    """Drafts made from the low-stock alerts, and the items no supplier could take."""
    return {"orders": [order_json(o) for o in result.orders],
            "no_supplier": [{"item": low.item.sku, "suggested_quantity": to_str(low.suggested)}
                            for low in result.no_supplier]}
