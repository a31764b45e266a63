"""Planning scenarios: a three-level soap bar and two orders competing for wax."""

from krafte_pwa.services import catalog, recipes
from tests.factories import receive


def soap_workshop(olive="3000"):
    """A soap maker, three levels: a bar (pcs) is 100 g of soap mix and a wrapper; 1 kg
    of mix is 800 g of lye oil and 200 g of clay; 1 kg of lye oil is 900 g of olive oil
    and 100 g of lye. In stock: 2 kg of mix, 1 kg of lye oil, `olive` g of olive oil
    (the one short material for 100 bars), 1 kg of lye, 10 kg of clay, 500 wrappers.
    Olive oil and lye come from Huilerie Berre, clay and wrappers from Argiles & Co."""
    catalog.create_location(code="STORE", name="Store")
    for sku, unit, supplier in (("OLIVE", "g", "Huilerie Berre"), ("LYE", "g", "Huilerie Berre"),
                                ("CLAY", "g", "Argiles & Co"), ("WRAP", "pcs", "Argiles & Co")):
        catalog.create_item(sku=sku, name=sku.title(), kind="material", unit=unit,
                            default_supplier=supplier)
    catalog.create_item(sku="LYE-OIL", name="Lye oil", kind="intermediate", unit="g")
    catalog.create_item(sku="MIX", name="Soap mix", kind="intermediate", unit="g")
    catalog.create_item(sku="BAR", name="Olive soap bar", kind="product", unit="pcs",
                        default_location="STORE")
    for sku, quantity, cost in (("OLIVE", olive, "0.008"), ("LYE", "1000", "0.002"),
                                ("CLAY", "10000", "0.001"), ("WRAP", "500", "0.05"),
                                ("MIX", "2000", "0.01"), ("LYE-OIL", "1000", "0.009")):
        receive(sku, quantity, cost=cost, supplier="Huilerie Berre")
    recipes.save_recipe(item="LYE-OIL", yield_quantity=1000, lines=[
        {"item": "OLIVE", "quantity": "900"}, {"item": "LYE", "quantity": "100"}])
    recipes.save_recipe(item="MIX", yield_quantity=1000, lines=[
        {"item": "LYE-OIL", "quantity": "800"}, {"item": "CLAY", "quantity": "200"}])
    recipes.save_recipe(item="BAR", yield_quantity=1, lines=[
        {"item": "MIX", "quantity": "100"}, {"item": "WRAP", "quantity": 1}])
