"""Pack units change on an existing item (API and edit page); history stays readable
and in base units when a pack unit is removed or changed."""

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import Item, Lot, Movement, PackUnit
from tests.factories import candle_workshop, receive


@pytest.fixture
def shop(app, users):
    candle_workshop()


def packs(sku):
    db.session.expire_all()
    item = db.session.execute(select(Item).where(Item.sku == sku)).scalar_one()
    return [(p.name, p.quantity, p.unit) for p in item.pack_units]


def test_patch_replaces_the_pack_units(client, manager, operator, shop):
    assert client.patch("/api/v1/items/WAX", headers=operator,
                        json={"pack_units": []}).status_code == 403
    answer = client.patch("/api/v1/items/WAX", headers=manager, json={"pack_units": [
        {"name": "bag", "quantity": "25", "unit": "kg"}, {"name": "drum", "quantity": "180000"},
        {"name": "pallet", "quantity": "40", "unit": "bag"}]})
    assert answer.status_code == 200, answer.json
    assert answer.json["pack_units"] == [
        {"name": "bag", "quantity": "25", "unit": "kg"},
        {"name": "drum", "quantity": "180000", "unit": "g"},
        {"name": "pallet", "quantity": "40", "unit": "bag"}]
    # a name changing only its case replaces the old row
    answer = client.patch("/api/v1/items/WAX", headers=manager,
                          json={"pack_units": [{"name": "Bag", "quantity": "20", "unit": "kg"}]})
    assert answer.status_code == 200, answer.json
    assert packs("WAX") == [("Bag", D("20"), "kg")]
    # other fields alone leave the pack units alone
    assert client.patch("/api/v1/items/WAX", headers=manager,
                        json={"name": "Wax"}).status_code == 200
    assert packs("WAX") == [("Bag", D("20"), "kg")]
    assert client.patch("/api/v1/items/WAX", headers=manager,
                        json={"pack_units": []}).json["pack_units"] == []
    assert db.session.scalar(select(func.count()).select_from(PackUnit).join(Item).where(
        Item.sku == "WAX")) == 0


@pytest.mark.parametrize("body, code", [
    ({"pack_units": [{"name": "drum", "quantity": "200", "unit": "l"}]}, "unit_mismatch"),
    ({"pack_units": [{"name": "kg", "quantity": "2"}]}, None),
    ({"pack_units": [{"name": "drum", "quantity": "0"}]}, None),
    ({"pack_units": [{"name": "drum", "quantity": "2"}, {"name": "DRUM", "quantity": "3"}]},
     None),
    ({"pack_units": [{"name": "", "quantity": "2"}]}, None),
    ({"pack_units": "drum"}, None),
    ({"pack_units": ["drum"]}, None),
    ({"name": "New name", "pack_units": [{"name": "box", "quantity": "1", "unit": "crate"}]},
     "unit_mismatch"),
])
def test_bad_pack_units_change_nothing(client, manager, shop, body, code):
    before = packs("WAX")
    refused = client.patch("/api/v1/items/WAX", headers=manager, json=body)
    assert refused.status_code == 400, refused.json
    if code:
        assert refused.json["error"]["code"] == code
    assert packs("WAX") == before
    db.session.expire_all()
    assert db.session.execute(select(Item.name).where(Item.sku == "WAX")).scalar() == "Soy wax"


def test_density_and_pack_units_change_together(client, manager, shop):
    body = {"density": "0.9", "pack_units": [{"name": "drum", "quantity": "200", "unit": "l"}]}
    answer = client.patch("/api/v1/items/WAX", headers=manager, json=body)
    assert answer.status_code == 200, answer.json
    refused = client.patch("/api/v1/items/WAX", headers=manager, json={"density": ""})
    assert refused.status_code == 400 and refused.json["error"]["code"] == "unit_mismatch"
    assert client.patch("/api/v1/items/WAX", headers=manager,
                        json={"density": "", "pack_units": []}).status_code == 200


def test_history_survives_a_removed_or_changed_pack_unit(client, manager, login_as, shop):
    assert client.patch("/api/v1/items/WAX", headers=manager, json={
        "pack_units": [{"name": "drum", "quantity": "25", "unit": "kg"}]}).status_code == 200
    code = receive("WAX", "2", unit="drum", cost="0.004")
    lot_before = client.get(f"/api/v1/lots/{code}", headers=manager).json
    assert lot_before["quantity"] == "50000"
    # quantity changed, then removed: the lot and its movements keep their base quantities
    assert client.patch("/api/v1/items/WAX", headers=manager, json={
        "pack_units": [{"name": "drum", "quantity": "30", "unit": "kg"}]}).status_code == 200
    assert client.patch("/api/v1/items/WAX", headers=manager,
                        json={"pack_units": []}).status_code == 200
    lot = db.session.execute(select(Lot).where(Lot.code == code)).scalar_one()
    assert [m.quantity for m in db.session.execute(
        select(Movement).where(Movement.lot_id == lot.id)).scalars()] == [D("50000")]
    assert client.get(f"/api/v1/lots/{code}", headers=manager).json == lot_before
    assert client.get(f"/api/v1/lots/{code}/movements", headers=manager).status_code == 200
    assert client.get("/api/v1/reports/movements", headers=manager).status_code == 200
    login_as("manager")
    for url in (f"/l/{code}", "/reports/movements", "/reports/movements?format=csv",
                "/items/WAX", "/items/WAX/edit"):
        page = client.get(url)
        assert page.status_code == 200, url
    assert 'value="drum"' not in client.get("/items/WAX/edit").get_data(as_text=True)


def test_edit_page_changes_pack_units(client, login_as, shop):
    login_as("manager")
    page = client.get("/items/WAX/edit").get_data(as_text=True)
    assert 'name="pack_name" value="bag"' in page
    form = {"name": "Soy wax", "pack_units_shown": "1",
            "pack_name": ["bag", "drum", ""], "pack_quantity": ["25", "180", ""],
            "pack_unit": ["kg", "kg", "g"]}
    answer = client.post("/items/WAX/edit", data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert packs("WAX") == [("bag", D("25"), "kg"), ("drum", D("180"), "kg")]
    form.update(pack_name=["", "drum", ""], pack_quantity=["", "180", ""])
    assert client.post("/items/WAX/edit", data=form).status_code == 302
    assert packs("WAX") == [("drum", D("180"), "kg")]
    form.update(pack_name=["drum", "box"], pack_quantity=["180", "2"], pack_unit=["kg", "l"])
    refused = client.post("/items/WAX/edit", data=form)
    assert refused.status_code == 400
    assert 'name="pack_name" value="box"' in refused.get_data(as_text=True)
    assert packs("WAX") == [("drum", D("180"), "kg")]
    # a form without the pack unit rows leaves them as they are
    assert client.post("/items/WAX/edit", data={"name": "Soy wax"}).status_code == 302
    assert packs("WAX") == [("drum", D("180"), "kg")]
