"""Maintaining the catalogue from the pages: edit and archive items, new, edit and archive
locations; managers only, and a refusal changes nothing."""

import html
from decimal import Decimal

import pytest
from sqlalchemy import select

from krafte_pwa.errors import BadInput, Conflict
from krafte_pwa.extensions import db
from krafte_pwa.models import Item, Location, Partner
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import production, recipes
from tests.factories import candle_workshop, receive

GTIN = "4006381333931"  # a valid EAN-13


@pytest.fixture
def shop(app, users):
    """Candle workshop (STORE, SHELF; WAX, FO-LAV, WICK, CANDLE) with wax in STORE, and a
    jar without stock."""
    candle_workshop()
    item_actions.create_item(sku="JAR", name="Amber jar", kind="material", unit="pcs")
    return {"wax": receive("WAX", "20", unit="kg", cost="84")}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def item_row(sku) -> dict:
    db.session.expire_all()
    item = db.session.execute(select(Item).where(Item.sku == sku)).scalar_one()
    return {c.name: getattr(item, c.name) for c in Item.__table__.columns}


def location_row(code) -> dict:
    db.session.expire_all()
    location = db.session.execute(select(Location).where(Location.code == code)).scalar_one()
    return {c.name: getattr(location, c.name) for c in Location.__table__.columns}


def partner_names() -> list[str]:
    return db.session.execute(select(Partner.name).order_by(Partner.name)).scalars().all()


# ---------------------------------------------------------------- items

def test_manager_edits_an_item_and_the_item_page_shows_it(client, login_as, shop):
    login_as("manager")
    form = text_of(client.get("/items/WAX/edit"))
    assert 'value="Soy wax"' in form and 'value="5000"' in form  # prefilled
    assert "cannot be changed once the item is created" in form
    response = client.post("/items/WAX/edit", data={
        "name": "Soy wax 464", "reorder_point": "2,5", "reorder_quantity": "10",
        "shelf_life_days": "365", "gtin": GTIN, "requires_qc": "1", "density": "",
        "default_location": "SHELF", "default_supplier": "Wax World",
        "description": "Container blend", "kind": "product", "unit": "kg"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/items/WAX")
    row = item_row("WAX")
    assert row["name"] == "Soy wax 464" and row["reorder_point"] == Decimal("2.5")
    assert row["reorder_quantity"] == Decimal(10) and row["shelf_life_days"] == 365
    assert row["gtin"] == "0" + GTIN and row["requires_qc"] is True
    assert row["kind"] == "material" and row["unit"] == "g"  # never editable
    assert "Wax World" in partner_names()  # a new supplier name creates the supplier
    page = text_of(client.get("/items/WAX"))
    assert "Item WAX saved." in page and "Soy wax 464" in page and "0" + GTIN in page
    assert "2.5" in page and "Default supplier: Wax World" in page
    assert "Default location: SHELF" in page and "Container blend" in page
    # the form comes back with the saved values, in the user's decimal sign
    client.post("/language", data={"locale": "fr", "next": "/"})
    form = text_of(client.get("/items/WAX/edit"))
    assert 'value="2,5"' in form and 'value="Wax World"' in form


def test_clearing_optional_fields(client, login_as, shop):
    item_actions.update_item(sku="FO-LAV", gtin=GTIN, sale_price="3,5")
    login_as("manager")
    response = client.post("/items/FO-LAV/edit", data={
        "name": "Fragrance oil lavender", "reorder_point": "", "gtin": "", "density": "0,95",
        "default_supplier": "", "default_location": ""})
    assert response.status_code == 302
    row = item_row("FO-LAV")
    assert row["gtin"] is None and row["reorder_point"] == 0
    assert row["sale_price"] == Decimal("3.5")  # not in the form: left as it was


@pytest.mark.parametrize("field, value, message", [
    ("gtin", "4006381333932", "gtin has a wrong check digit"),
    ("gtin", "12345", "gtin must be 8, 12, 13 or 14 digits"),
    ("reorder_point", "-1", "reorder point must be greater than zero"),
    ("reorder_point", "lots", "reorder_point"),
    ("default_location", "NOWHERE", "no location with code 'NOWHERE'"),
    ("shelf_life_days", "0", "shelf_life_days must be between 1 and 36500"),
    ("name", "", "name is required"),
])
def test_bad_edit_is_refused_and_changes_nothing(client, login_as, shop, field, value, message):
    login_as("manager")
    before, partners = item_row("WAX"), partner_names()
    data = {"name": "Renamed", "reorder_point": "7", "gtin": "", "default_location": "STORE",
            "default_supplier": "Brand New Supplier", "shelf_life_days": "30", field: value}
    response = client.post("/items/WAX/edit", data=data)
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert f'value="{value}"' in page or field == "default_location"  # what was typed stays
    assert item_row("WAX") == before and partner_names() == partners


def test_a_gtin_of_another_item_is_refused(client, login_as, shop):
    item_actions.update_item(sku="WICK", gtin=GTIN)
    login_as("manager")
    before = item_row("WAX")
    response = client.post("/items/WAX/edit", data={"name": "Soy wax", "gtin": GTIN})
    assert response.status_code == 400 and "belongs to another item" in text_of(response)
    assert item_row("WAX") == before


def test_sku_kind_and_unit_are_not_editable(shop):
    before = item_row("WAX")
    for fields in ({"unit": "kg"}, {"kind": "product"}, {"sku_new": "X"}):
        with pytest.raises(BadInput) as refused:
            item_actions.update_item(sku="WAX", name="Changed", **fields)
        assert "cannot be changed" in refused.value.message
    item_actions.update_item(sku="WAX", unit="g", kind="material")  # the same values pass
    assert item_row("WAX") == before


def test_density_stays_while_a_pack_unit_needs_it(shop):
    item_actions.create_item(sku="OIL", name="Oil", kind="material", unit="kg", density="0,9",
                        pack_units=[{"name": "can", "quantity": "5", "unit": "l"}])
    with pytest.raises(BadInput) as refused:
        item_actions.update_item(sku="OIL", density="")
    assert "pack unit can" in refused.value.message
    assert item_row("OIL")["density"] == Decimal("0.9")


def test_archive_refused_with_stock_allowed_at_zero_and_restored(client, login_as, shop):
    login_as("manager")
    refused = client.post("/items/WAX/archive", data={"archived": "1"})
    assert refused.status_code == 400
    assert "WAX still has 20000 g in stock" in text_of(refused)
    assert item_row("WAX")["archived"] is False

    assert "Amber jar" in text_of(client.get("/items/"))
    response = client.post("/items/JAR/archive", data={"archived": "1"})
    assert response.status_code == 302 and item_row("JAR")["archived"] is True
    listed = text_of(client.get("/items/"))
    assert "Item JAR archived." in listed and "Amber jar" not in listed  # left the list
    listed = text_of(client.get("/items/?archived=1"))
    assert "Amber jar" in listed and "archived" in listed
    assert "This item is archived" in text_of(client.get("/items/JAR"))
    assert "Restore the item" in text_of(client.get("/items/JAR/edit"))

    assert client.post("/items/JAR/archive", data={"archived": "0"}).status_code == 302
    assert item_row("JAR")["archived"] is False
    assert "Amber jar" in text_of(client.get("/items/"))


def test_archive_waits_for_open_orders_and_recipes_keep_working(client, login_as, shop):
    item_actions.create_item(sku="DYE", name="Candle dye", kind="material", unit="g")
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "WAX", "quantity": "200"}, {"item": "DYE", "quantity": "1"}])
    order = production.plan_order(item="CANDLE", quantity=10)
    login_as("manager")
    for sku in ("CANDLE", "DYE"):  # the order's output, and a component it reserves
        response = client.post(f"/items/{sku}/archive", data={"archived": "1"})
        assert response.status_code == 400, sku
        assert f"{sku} is on open orders ({order.number})" in text_of(response)
        assert item_row(sku)["archived"] is False

    production.cancel_order(number=order.number)
    edit = text_of(client.get("/items/DYE/edit"))
    assert "Used by the active recipes of CANDLE" in edit
    response = client.post("/items/DYE/archive", data={"archived": "1"})
    assert response.status_code == 302 and item_row("DYE")["archived"] is True
    page = text_of(client.get("/items/DYE"))
    assert "Still used by the active recipes of CANDLE" in page
    # the recipe still plans
    assert production.plan_order(item="CANDLE", quantity=5).status == "planned"


# ---------------------------------------------------------------- locations

def test_manager_creates_a_location_inside_another(client, login_as, shop):
    login_as("manager")
    page = text_of(client.get("/locations"))
    assert "/locations/new" in page
    response = client.post("/locations/new", data={"code": "SHELF-TOP", "name": "Top shelf",
                                                    "parent": "SHELF"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/loc/SHELF-TOP")
    assert location_row("SHELF-TOP")["parent_id"] == location_row("SHELF")["id"]
    shelf = text_of(client.get("/loc/SHELF-TOP"))
    assert "Location SHELF-TOP created." in shelf and 'href="/loc/SHELF"' in shelf
    assert "/locations/SHELF-TOP/edit" in shelf and "/labels/locations/SHELF-TOP" in shelf
    listing = text_of(client.get("/locations"))
    assert "SHELF ›" in listing and 'href="/loc/SHELF-TOP"' in listing
    assert listing.index("Shelf B2") < listing.index("SHELF-TOP") < listing.index("STORE")

    response = client.post("/locations/SHELF-TOP/edit", data={"name": "Upper shelf",
                                                               "parent": ""})
    assert response.status_code == 302
    row = location_row("SHELF-TOP")
    assert row["name"] == "Upper shelf" and row["parent_id"] is None


def test_new_location_refusals_change_nothing(client, login_as, shop):
    login_as("manager")
    for data, message in (
            ({"code": "STORE", "name": "Again"}, "a location with code 'STORE' exists already"),
            ({"code": "BIN", "name": "Bin", "parent": "NOWHERE"}, "no location with code"),
            ({"code": "B IN", "name": "Bin"}, "code may hold letters"),
            ({"code": "RACK/1", "name": "Bin"}, "code may hold letters"),  # a URL segment
            ({"code": "BIN", "name": ""}, "name is required")):
        response = client.post("/locations/new", data=data)
        assert response.status_code == 400 and message in text_of(response), data
    assert db.session.execute(select(Location.code).order_by(Location.code)).scalars().all() \
        == ["SHELF", "STORE"]


def test_a_parent_cycle_is_refused(client, login_as, shop):
    location_actions.create_location(code="ROOM", name="Back room", parent="STORE")
    location_actions.create_location(code="RACK", name="Rack", parent="ROOM")
    login_as("manager")
    form = text_of(client.get("/locations/STORE/edit"))
    assert 'value="ROOM"' not in form and 'value="SHELF"' in form  # not inside itself
    before = location_row("STORE")
    for parent in ("RACK", "STORE"):
        response = client.post("/locations/STORE/edit", data={"name": "Renamed",
                                                              "parent": parent})
        assert response.status_code == 400
        assert "cannot be placed inside itself" in text_of(response)
        assert location_row("STORE") == before


def test_archiving_a_location(client, login_as, shop):
    location_actions.create_location(code="BIN", name="Bin", parent="SHELF")
    login_as("manager")
    assert 'value="BIN"' in text_of(client.get("/receive"))
    refused = client.post("/locations/STORE/archive", data={"archived": "1"})
    assert refused.status_code == 400
    assert "location STORE still holds stock (1 lot)" in text_of(refused)
    assert location_row("STORE")["archived"] is False
    refused = client.post("/locations/SHELF/archive", data={"archived": "1"})
    assert refused.status_code == 400 and "contains BIN" in text_of(refused)

    assert client.post("/locations/BIN/archive", data={"archived": "1"}).status_code == 302
    assert location_row("BIN")["archived"] is True
    page = text_of(client.get("/locations"))
    assert "Location BIN archived." in page
    assert page.index('href="/loc/BIN"') > page.index("Archived locations")
    assert 'value="BIN"' not in text_of(client.get("/receive"))  # gone from the forms
    with pytest.raises(BadInput):  # nor can it receive children
        location_actions.create_location(code="BOX", name="Box", parent="BIN")
    assert client.post("/locations/BIN/archive", data={"archived": "0"}).status_code == 302
    assert location_row("BIN")["archived"] is False


def test_update_location_service_refusals(shop):
    with pytest.raises(Conflict):
        location_actions.update_location(code="STORE", name="Kept?", archived=True)
    assert location_row("STORE")["name"] == "Store"  # nothing changed on refusal
    location_actions.update_location(code="SHELF", name="Shelf B3")  # parent None: left as it is
    assert location_row("SHELF")["name"] == "Shelf B3"
    location_actions.create_location(code="BIN", name="Bin", parent="SHELF")
    location_actions.update_location(code="BIN", archived=True)
    location_actions.update_location(code="SHELF", archived=True)
    with pytest.raises(Conflict) as refused:  # not inside an archived location
        location_actions.update_location(code="BIN", archived=False)
    assert "location SHELF, which contains BIN, is archived" in refused.value.message
    location_actions.update_location(code="BIN", parent="", archived=False)  # moved out: fine
    assert location_row("BIN")["archived"] is False


# ---------------------------------------------------------------- roles

NEW_ROUTES = [("get", "/items/WAX/edit"), ("post", "/items/WAX/edit"),
              ("post", "/items/WAX/archive"), ("get", "/locations/new"),
              ("post", "/locations/new"), ("get", "/locations/STORE/edit"),
              ("post", "/locations/STORE/edit"), ("post", "/locations/STORE/archive")]


def test_operator_gets_403_and_sees_no_buttons(client, login_as, shop):
    login_as("operator")
    before_item, before_location = item_row("WAX"), location_row("STORE")
    for method, url in NEW_ROUTES:
        response = (client.get(url) if method == "get" else
                    client.post(url, data={"name": "X", "archived": "1", "code": "X"}))
        assert response.status_code == 403, (method, url)
    assert item_row("WAX") == before_item and location_row("STORE") == before_location
    for url, link in (("/items/WAX", "/items/WAX/edit"), ("/locations", "/locations/new"),
                      ("/loc/STORE", "/locations/STORE/edit")):
        page = text_of(client.get(url))
        assert link not in page, url


def test_manager_sees_the_buttons_and_pages(client, login_as, shop):
    login_as("manager")
    for url, link in (("/items/WAX", "/items/WAX/edit"), ("/locations", "/locations/new"),
                      ("/loc/STORE", "/locations/STORE/edit")):
        assert link in text_of(client.get(url)), url
    for url in ("/items/WAX/edit", "/locations/new", "/locations/STORE/edit", "/items/new"):
        assert client.get(url).status_code == 200, url
    assert client.get("/items/NOPE/edit").status_code == 404
    assert client.get("/locations/NOPE/edit").status_code == 404


def test_french_pages(client, login_as, shop):
    login_as("manager")
    client.post("/language", data={"locale": "fr", "next": "/"})
    for url in ("/items/WAX/edit", "/locations/new", "/locations/STORE/edit", "/locations"):
        assert client.get(url).status_code == 200, url


def test_saving_an_item_keeps_a_default_location_archived_since(client, login_as, shop):
    location_actions.create_location(code="BIN", name="Bin")
    item_actions.update_item(sku="WICK", default_location="BIN")
    location_actions.update_location(code="BIN", archived=True)
    login_as("manager")
    form = text_of(client.get("/items/WICK/edit"))
    assert '<option value="BIN" selected>BIN (archived)</option>' in form
    saved = client.post("/items/WICK/edit", data={"name": "Cotton wick, long",
                                                 "default_location": "BIN"})
    assert saved.status_code == 302
    row = item_row("WICK")
    assert row["name"] == "Cotton wick, long"
    assert row["default_location_id"] == location_row("BIN")["id"]
    with pytest.raises(BadInput):  # choosing an archived location anew is still refused
        item_actions.update_item(sku="WAX", default_location="BIN")
