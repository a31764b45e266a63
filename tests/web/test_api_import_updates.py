"""POST /api/v1/imports/items answers which SKUs it created and which it updated."""

from decimal import Decimal as D

from sqlalchemy import select

from krafte_pwa.extensions import db
from krafte_pwa.models import Item
from tests.factories import candle_workshop


def test_the_item_import_reports_updates(client, manager):
    candle_workshop()
    data = b"sku,name,kind,unit,pack_units\nWICK,,,,box=50\nJAR,Jar,material,pcs,crate=24\n"
    answer = client.post("/api/v1/imports/items", data=data, headers=manager,
                         content_type="text/csv")
    assert answer.status_code == 201, answer.json
    assert (answer.json["created"], answer.json["updated"]) == (["JAR"], ["WICK"])
    wick = db.session.execute(select(Item).where(Item.sku == "WICK")).scalar_one()
    assert [(p.name, p.quantity, p.unit) for p in wick.pack_units] == [("box", D(50), "pcs")]
