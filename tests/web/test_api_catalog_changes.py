"""PATCH items and locations through the API: only what is named changes, a refusal
changes nothing (fields and archiving are one action), SKU/kind/unit and codes stay."""

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from krafte_pwa.extensions import db
from krafte_pwa.models import Item, Location
from tests.factories import candle_workshop, receive


@pytest.fixture
def shop(app, users):
    candle_workshop()


def item_row(sku):
    db.session.expire_all()
    item = db.session.execute(select(Item).where(Item.sku == sku)).scalar_one()
    return {c.name: getattr(item, c.name) for c in Item.__table__.columns}


def test_patch_an_item(client, manager, operator, shop):
    assert client.patch("/api/v1/items/WICK", json={"name": "x"},
                        headers=operator).status_code == 403
    answer = client.patch("/api/v1/items/WICK", headers=manager, json={
        "reorder_point": "2,5", "gtin": "4006381333931", "default_supplier": "Mèches & Co",
        "sku": "WICK"})
    assert answer.status_code == 200, answer.json
    assert answer.json["reorder_point"] == "2.5"
    row = item_row("WICK")
    assert row["gtin"] == "04006381333931" and row["reorder_point"] == D("2.5")

    before = item_row("WICK")
    for bad, code in (({"sku": "WICK2"}, "not_editable"), ({"unit": "g"}, "not_editable"),
                      ({"colour": "red"}, "not_editable"),
                      ({"name": "Wick 2", "gtin": "4006381333932"}, None),
                      ({"reorder_point": "-1"}, None), ({"archived": "maybe"}, None)):
        refused = client.patch("/api/v1/items/WICK", headers=manager, json=bad)
        assert refused.status_code == 400, (bad, refused.json)
        if code:
            assert refused.json["error"]["code"] == code
        assert item_row("WICK") == before, bad
    assert client.patch("/api/v1/items/NOPE", headers=manager, json={"name": "x"}
                        ).status_code == 404


def test_archiving_with_other_fields_is_one_action(client, manager, shop):
    receive("WAX", "100")
    before = item_row("WAX")
    refused = client.patch("/api/v1/items/WAX", headers=manager,
                           json={"name": "Old wax", "archived": True})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "item_in_stock"
    assert item_row("WAX") == before  # the name did not change either
    done = client.patch("/api/v1/items/WICK", headers=manager,
                        json={"name": "Old wick", "archived": True})
    assert done.status_code == 200 and item_row("WICK")["archived"] is True
    assert client.patch("/api/v1/items/WICK", headers=manager, json={"archived": False}
                        ).status_code == 200
    assert item_row("WICK")["archived"] is False


def test_patch_a_location(client, manager, shop):
    client.post("/api/v1/locations", headers=manager, json={"code": "RACK", "name": "Rack"})
    moved = client.patch("/api/v1/locations/SHELF", headers=manager,
                         json={"parent": "RACK", "name": "Shelf in the rack"})
    assert moved.json == {"code": "SHELF", "name": "Shelf in the rack", "parent": "RACK",
                          "archived": False}
    cycle = client.patch("/api/v1/locations/RACK", headers=manager, json={"parent": "SHELF"})
    assert cycle.status_code == 400 and cycle.json["error"]["code"] == "location_cycle"
    receive("WAX", "5", location="SHELF")
    full = client.patch("/api/v1/locations/SHELF", headers=manager, json={"archived": True})
    assert full.status_code == 409
    renamed = client.patch("/api/v1/locations/SHELF", headers=manager, json={"code": "S2"})
    assert renamed.status_code == 400 and renamed.json["error"]["code"] == "not_editable"
    db.session.expire_all()
    shelf = db.session.execute(select(Location).where(Location.code == "SHELF")).scalar_one()
    assert (shelf.parent.code, shelf.archived) == ("RACK", False)
