"""Sales orders, the packing table's lot check and the margin report as JSON. Prices
only for who may see them."""

from ...domain.numbers import to_str
from ...services import sales, sales_queries
from .common import shows_costs
from .shipments import shipped_json
from .stamps import day, stamp


def sales_order_json(order) -> dict:
    return {"number": order.number, "status": order.status, "customer": order.customer,
            "email": order.email, "channel": order.channel, "reference": order.reference,
            "hold_reason": sales.hold_reason(order) or None,
            "created_at": stamp(order.created_at), "shipped_at": stamp(order.shipped_at),
            "lines": [_line_json(f) for f in sales_queries.line_figures(order)]}


def _line_json(figures) -> dict:
    line = figures.line
    row = {"line": line.position, "item": line.item.sku if line.item else None,
           "sku": line.sku, "unit": line.item.unit if line.item else None,
           "quantity": to_str(line.quantity), "reserved": to_str(figures.reserved),
           "shipped": to_str(line.shipped), "missing": to_str(figures.missing),
           "lots": [{"lot": r.lot.code, "location": r.location.code,
                     "quantity": to_str(r.quantity)} for r in figures.reservations]}
    if shows_costs():
        row["unit_price"] = to_str(line.unit_price)
    return row


def sales_shipped_json(shipment, number: str) -> dict:
    return {**shipped_json(shipment), "sales_order": number}


def pick_json(check) -> dict:
    lot = check.lot
    return {"accepted": True, "lot": lot.code, "item": lot.item.sku,
            "item_name": lot.item.name, "unit": lot.item.unit, "expiry": day(lot.expiry),
            "reserved": to_str(check.reserved), "suggested": to_str(check.suggested),
            "warning": check.warning}


def margin_row_json(row) -> dict:
    return {"key": row.key, "name": row.name, "quantity": to_str(row.quantity),
            "revenue": to_str(row.revenue), "cost": to_str(row.cost),
            "margin": to_str(row.margin), "margin_percent": to_str(row.margin_percent),
            "on_hand": to_str(row.on_hand), "last_sold": day(row.last_sold)}


def margin_json(report, best, slow) -> dict:
    return {"since": day(report.start), "until": day(report.end),
            "revenue": to_str(report.revenue), "cost": to_str(report.cost),
            "margin": to_str(report.margin),
            "rows": [margin_row_json(r) for r in report.rows],
            "best_sellers": [margin_row_json(r) for r in best],
            "slow_movers": [margin_row_json(r) for r in slow]}
