"""A soap maker's stock for the sales order tests."""

from decimal import Decimal as D

from sqlalchemy import select

from krafte_pwa.extensions import db
from krafte_pwa.models import SalesReservation
from krafte_pwa.services import catalog, stock
from tests.factories import in_days, receive


def soap_shop():
    """Lavender soap: lot `soon` (25 on DISPATCH, 40 in SHOP, expiring in 60 days, cost
    1.20), `later` (50 in SHOP, 200 days, 1.10), `never` (30 in SHOP, no expiry, 1.00),
    an expired lot of 10 and a quarantined lot of 15. Usable: 145."""
    catalog.create_location(code="SHOP", name="Shop")
    catalog.create_location(code="DISPATCH", name="Dispatch")
    catalog.create_item(sku="SOAP", name="Lavender soap", kind="product", unit="pcs")
    catalog.create_item(sku="BALM", name="Lip balm", kind="product", unit="pcs")
    lots = {
        "soon": receive("SOAP", 65, location="SHOP", cost="1.2", expiry=in_days(60)),
        "later": receive("SOAP", 50, location="SHOP", cost="1.1", expiry=in_days(200)),
        "never": receive("SOAP", 30, location="SHOP", cost="1"),
        "expired": receive("SOAP", 10, location="SHOP", cost="1", expiry=in_days(-3)),
        "balm": receive("BALM", 20, location="SHOP", cost="0.8"),
    }
    stock.transfer_stock(lot=lots["soon"], source="SHOP", destination="DISPATCH", quantity=25)
    quarantined = receive("SOAP", 15, location="SHOP", cost="1")
    stock.change_lot_status(lot=quarantined, status="quarantine", reason="smell check")
    lots["quarantined"] = quarantined
    return lots


def holds() -> list[tuple[str, str, D]]:
    """(lot, location, quantity) of every sales reservation, sorted."""
    rows = db.session.execute(select(SalesReservation)).scalars()
    return sorted((r.lot.code, r.location.code, r.quantity) for r in rows)
