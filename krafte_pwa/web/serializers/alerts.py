"""Alerts as JSON."""

from ...domain.numbers import to_str
from .stamps import day


def _lot(alert) -> dict:
    lot = alert.lot
    return {"code": lot.code, "item": lot.item.sku, "item_name": lot.item.name,
            "unit": lot.item.unit, "status": lot.status, "quantity": to_str(alert.quantity),
            "expiry": day(lot.expiry), "days_left": alert.days_left}


def _low(a) -> dict:
    return {"item": a.item.sku, "name": a.item.name, "kind": a.item.kind,
            "unit": a.item.unit, "available": to_str(a.available),
            "on_order": to_str(a.on_order), "reorder_point": to_str(a.reorder_point),
            "suggested_quantity": to_str(a.suggested),
            "supplier": a.item.default_supplier.name if a.item.default_supplier else None}


def alerts_json(found) -> dict:
    return {
        "low_stock": [_low(a) for a in found.low_stock],
        "expiring": [_lot(a) for a in found.expiring],
        "expired": [_lot(a) for a in found.expired],
        "quarantine": [_lot(a) for a in found.quarantine],
        "cost_missing": [_lot(a) for a in found.cost_missing],
        "days": found.days,
    }
