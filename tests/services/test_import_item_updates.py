"""The item import updates an item whose SKU exists (the cells a row fills) and reads a
pack-units column; a problem anywhere, or a dry run, changes nothing."""

from decimal import Decimal as D

from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import Item, PackUnit
from krafte_pwa.services import catalog, imports
from tests.factories import candle_workshop


def _packs(sku):
    db.session.expire_all()
    item = db.session.execute(select(Item).where(Item.sku == sku)).scalar_one()
    return sorted((p.name, p.quantity, p.unit) for p in item.pack_units)


def test_an_existing_sku_is_updated_and_a_new_one_created_with_pack_units(app):
    """WAX exists (g, bag = 20 kg, reorder point 5 000): the row sets the reorder point to
    8 000 and its packs to sack = 25 kg and drum = 2,5 t, leaving name and unit; JARS is
    new, in pieces, with box = 12 (the item's unit)."""
    candle_workshop()
    data = ("sku;name;kind;unit;reorder_point;pack_units\n"
            "WAX;;;;8000;sack=25 kg | drum=2,5 t\n"
            "JARS;Amber jars;matière;pcs;;box=12\n")
    report = imports.import_items(data.encode("utf-8"))
    assert report.problems == [] and report.written
    assert (report.created, report.updated) == (["JARS"], ["WAX"])
    wax = db.session.execute(select(Item).where(Item.sku == "WAX")).scalar_one()
    assert (wax.name, wax.unit, wax.reorder_point) == ("Soy wax", "g", D(8000))
    assert _packs("WAX") == [("drum", D("2.5"), "t"), ("sack", D(25), "kg")]
    assert _packs("JARS") == [("box", D(12), "pcs")]
    imports.import_items(b"sku,pack_units\nWAX,-\n")
    assert _packs("WAX") == []


def test_a_dry_run_or_a_bad_row_updates_nothing(app):
    candle_workshop()
    before = _packs("WAX")
    report = imports.import_items(b"sku,reorder_point,pack_units\nWAX,9000,sack=25 kg\n",
                                  dry_run=True)
    assert report.problems == [] and not report.written and report.updated == ["WAX"]
    bad = imports.import_items(b"sku,unit,reorder_point,pack_units\n"
                               b"WAX,,9000,sack=25 kg\n"
                               b"WICK,kg,,\n"
                               b"FO-LAV,,,flask=lots\n"
                               b"CANDLE,,,crate=1 l\n")
    assert [(p.line, p.column) for p in bad.problems] == [
        (3, "unit"), (4, "pack_units"), (5, "pack_units")]
    assert not bad.written
    wax = db.session.execute(select(Item).where(Item.sku == "WAX")).scalar_one()
    assert wax.reorder_point == D(5000) and _packs("WAX") == before
    assert db.session.execute(select(func.count(PackUnit.id))).scalar() == 1
    catalog.update_item(sku="WAX", reorder_point="100")  # the session still works
