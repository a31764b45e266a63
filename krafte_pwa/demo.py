"""A candle and cosmetics workshop: materials, lots (some expiring, one expired, one in
quarantine), two locations and demo users. Built through the services, like real use."""

from datetime import date, timedelta

from .demo_production import load_production_demo
from .services import items, locations, stock, users

DEMO_USERS = (("admin", "admin", "krafte-admin"), ("manager", "manager", "krafte-demo"),
              ("operator", "operator", "krafte-floor"))

# sku, name, unit, reorder point, reorder quantity, shelf life days, price per unit, extra
MATERIALS = [
    ("WAX-SOY", "Soy wax flakes", "kg", "50", "100", 720, "4.20", {}),
    ("WAX-RAP", "Rapeseed wax", "kg", "30", "60", 720, "5.10", {}),
    ("WAX-BEE", "Beeswax pastilles, organic", "kg", "10", "20", 1095, "14.50", {}),
    ("FO-LAV", "Fragrance oil lavender", "ml", "2000", "5000", 540, "0.085", {"density": "0.95"}),
    ("FO-FIG", "Fragrance oil fig & cedar", "ml", "2000", "5000", 540, "0.092",
     {"density": "0.96"}),
    ("FO-VAN", "Fragrance oil vanilla bourbon", "ml", "2000", "5000", 540, "0.11",
     {"density": "0.98"}),
    ("WICK-M", "Cotton wick, medium, pre-tabbed", "pcs", "500", "2000", None, "0.06", {}),
    ("WICK-L", "Cotton wick, large, pre-tabbed", "pcs", "300", "1000", None, "0.08", {}),
    ("JAR-200", "Amber glass jar 200 ml", "pcs", "300", "600", None, "0.95",
     {"pack_units": [{"name": "box", "quantity": "24", "unit": "pcs"}]}),
    ("LID-200", "Bamboo lid for 200 ml jar", "pcs", "300", "600", None, "0.65", {}),
    ("LBL-CAN", "Candle label, printed", "pcs", "500", "2000", None, "0.12", {}),
    ("DYE-RED", "Candle dye, red chips", "g", "200", "500", 1095, "0.09", {}),
    ("SHEA", "Shea butter, unrefined", "kg", "10", "25", 540, "9.80",
     {"requires_qc": True, "pack_units": [{"name": "pail", "quantity": "5", "unit": "kg"}]}),
    ("OIL-ALM", "Sweet almond oil", "l", "10", "20", 365, "7.40", {"density": "0.91"}),
    ("OIL-JOJ", "Jojoba oil, golden", "l", "5", "10", 730, "28.00", {"density": "0.86"}),
    ("OIL-ARG", "Argan oil, cosmetic", "l", "3", "5", 365, "42.00", {"density": "0.91"}),
    ("EMU-OLI", "Olivem 1000 emulsifier", "kg", "2", "5", 730, "31.00", {}),
    ("PRES-GEO", "Geogard preservative", "kg", "1", "2", 365, "36.00", {}),
    ("WATER", "Demineralised water", "l", "50", "200", 180, "0.30", {"density": "1"}),
    ("GLY", "Vegetable glycerine", "kg", "5", "10", 730, "6.20", {}),
    ("VIT-E", "Vitamin E (tocopherol)", "g", "200", "500", 540, "0.07", {}),
    ("EO-LAV", "Lavender essential oil", "ml", "500", "1000", 730, "0.24", {"density": "0.89"}),
    ("EO-TEA", "Tea tree essential oil", "ml", "300", "500", 730, "0.21", {"density": "0.9"}),
    ("NAOH", "Sodium hydroxide pearls", "kg", "5", "10", 1095, "3.90", {}),
    ("OIL-OLV", "Olive oil, pomace", "l", "20", "40", 365, "5.60", {"density": "0.91"}),
    ("OIL-COC", "Coconut oil, refined", "kg", "20", "40", 545, "4.80", {}),
    ("POT-50", "Airless pot 50 ml, white", "pcs", "400", "1000", None, "1.35",
     {"pack_units": [{"name": "box", "quantity": "100", "unit": "pcs"}]}),
    ("LBL-CRM", "Cream label, printed", "pcs", "500", "2000", None, "0.14", {}),
    ("BOX-CRM", "Folding box for cream", "pcs", "400", "1000", None, "0.32", {}),
    ("TIN-100", "Tin 100 ml with lid", "pcs", "200", "500", None, "0.85", {}),
]
INTERMEDIATES = [("BASE-CRM", "Base cream (emulsion)", "kg", 90)]
PRODUCTS = [
    ("CDL-LAV", "Lavender soy candle 200 ml", "pcs", 730, "22.00"),
    ("CDL-FIG", "Fig & cedar candle 200 ml", "pcs", 730, "24.00"),
    ("CRM-FACE", "Face cream with argan 50 ml", "pcs", 365, "29.00"),
]
SUPPLIERS = ("Cires du Sud", "Aroma Provence", "Verrerie Lyonnaise", "Karité Direct",
             "Huiles & Co", "Emballages Martin")


def load_demo(today: date | None = None) -> str:
    today = today or date.today()
    for username, role, password in DEMO_USERS:
        users.create_user(username=username, password=password, role=role)
    locations.create_location(code="STORE", name="Raw material store")
    locations.create_location(code="STORE-A1", name="Store shelf A1", parent="STORE")
    locations.create_location(code="FG", name="Finished goods")
    for sku, name, unit, rop, roq, life, _price, extra in MATERIALS:
        items.create_item(sku=sku, name=name, kind="material", unit=unit, reorder_point=rop,
                          reorder_quantity=roq, shelf_life_days=life, **extra)
    for sku, name, unit, life in INTERMEDIATES:
        items.create_item(sku=sku, name=name, kind="intermediate", unit=unit,
                          shelf_life_days=life)
    for sku, name, unit, life, price in PRODUCTS:
        items.create_item(sku=sku, name=name, kind="product", unit=unit, shelf_life_days=life,
                          sale_price=price, reorder_point="20", reorder_quantity="100")
    lots = 0
    for index, (sku, _name, unit, _rop, roq, life, price, _extra) in enumerate(MATERIALS):
        supplier = SUPPLIERS[index % len(SUPPLIERS)]
        lines = []
        for n in range(3 if index % 3 else 2):
            quantity = int(float(roq)) // (n + 2) + 1
            expiry = None
            if life:
                # One lot expires soon, most are comfortable; spread so FEFO has work to do.
                days = [12, life // 2, life - 30][n % 3] if index % 5 else [25, 200, 400][n]
                expiry = (today + timedelta(days=days)).isoformat()
            lines.append({"item": sku, "quantity": str(quantity), "unit": unit,
                          "supplier_lot": f"{sku[:3]}{2600 + index * 7 + n}",
                          "expiry": expiry, "unit_cost": price})
        stock.receive_goods(supplier=supplier, location="STORE" if index % 4 else "STORE-A1",
                            lines=lines, today=today - timedelta(days=40 - index))
        lots += len(lines)
    # One expired lot still on the shelf, for the alerts and the FEFO refusal.
    stock.receive_goods(supplier="Aroma Provence", location="STORE",
                        lines=[{"item": "FO-VAN", "quantity": "750", "supplier_lot": "AP-OLD-17",
                                "expiry": (today - timedelta(days=3)).isoformat(),
                                "unit_cost": "0.105"}], today=today - timedelta(days=400))
    production = load_production_demo(today)
    return (f"demo loaded: {len(MATERIALS) + len(INTERMEDIATES) + len(PRODUCTS)} items, "
            f"{lots + 1} received lots; {production}; log in as manager / krafte-demo "
            "(or operator / krafte-floor, admin / krafte-admin)")
