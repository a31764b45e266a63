"""CSV import: French spreadsheets, dry runs, every problem row, all or nothing."""

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from krafte_pwa.errors import BadInput
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Item, Lot
from krafte_pwa.services import catalog, imports, queries


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_five_hundred_items_in_french_format_import_in_one_go(app):
    rows = ["Référence;Nom;Type;Unité;Seuil;shelf_life_days"]
    for n in range(500):
        kind = ("matière", "produit", "semi-fini")[n % 3]
        rows.append(f"M-{n:04d};Matière n°{n} « crème » à l’huile;{kind};kg;12,5;365")
    data = ("\n".join(rows) + "\n").encode("cp1252")
    dry = imports.import_items(data, dry_run=True)
    assert (dry.rows, dry.problems, dry.written, count(Item)) == (500, [], False, 0)
    report = imports.import_items(data)
    assert report.written and count(Item) == 500
    item = queries.item_by_sku("M-0008")
    assert item.reorder_point == D("12.5") and item.kind == "intermediate"
    assert item.name == "Matière n°8 « crème » à l’huile" and item.shelf_life_days == 365


def test_a_file_with_three_bad_rows_reports_all_three_and_writes_nothing(app):
    catalog.create_item(sku="EXISTS", name="x", kind="material", unit="g")
    data = "\n".join([
        "sku,name,kind,unit,reorder_point",
        "A1,Good,material,g,1",
        "A2,Bad unit,material,furlongs,1",
        "A3,Good too,product,pcs,",
        "A4,Bad number,material,g,douze",
        "EXISTS,Renamed,material,kg,0",  # an existing SKU is updated, not its unit
        "A5,Good,material,kg,0.5",
    ])
    report = imports.import_items(data)
    assert [(p.line, p.column) for p in report.problems] == [(3, "unit"), (5, "reorder_point"),
                                                             (6, "unit")]
    assert "cannot be changed" in report.problems[2].reason
    assert not report.written and count(Item) == 1


def test_opening_stock_of_two_thousand_lots(app):
    catalog.create_location(code="STORE", name="Store")
    catalog.create_item(sku="WAX", name="Wax", kind="material", unit="g")
    catalog.create_item(sku="OIL", name="Oil", kind="material", unit="ml", density="0.9")
    rows = ["article;quantité;unité;emplacement;péremption;coût unitaire;fournisseur"]
    for n in range(2000):
        if n % 2:
            rows.append("WAX;1,5;kg;STORE;31/12/2027;4,20;Cires du Sud")
        else:
            rows.append("OIL;0,25;l;STORE;;12;Huiles & Co")
    report = imports.import_opening_stock("\n".join(rows))
    assert report.written and not report.problems and count(Lot) == 2000
    assert queries.item_stock(queries.item_by_sku("WAX")).on_hand == D(1500000)
    assert queries.item_stock(queries.item_by_sku("OIL")).on_hand == D(250000)
    lot = db.session.execute(select(Lot).where(Lot.code == report.created[1])).scalar_one()
    assert (lot.origin, str(lot.expiry), lot.unit_cost) == ("opening", "2027-12-31",
                                                            D("0.0042"))
    total = db.session.execute(select(func.sum(Balance.quantity))).scalar()
    assert total == D(1750000)


def test_opening_stock_problems_name_line_and_column(app):
    catalog.create_location(code="STORE", name="Store")
    catalog.create_item(sku="WAX", name="Wax", kind="material", unit="g")
    data = ("item,quantity,location,expiry\nWAX,5,STORE,\nNOPE,5,STORE,\nWAX,-1,STORE,\n"
            "WAX,1,MARS,\nWAX,1,STORE,someday\n")
    report = imports.import_opening_stock(data)
    assert [(p.line, p.column) for p in report.problems] == [
        (3, "item"), (4, "quantity"), (5, "location"), (6, "expiry")]
    assert count(Lot) == 0


@pytest.mark.parametrize("data", ["", "what,is,this\n1,2,3", b"\xff\xfe\x00"])
def test_unreadable_files_are_refused(app, data):
    with pytest.raises(BadInput):
        imports.import_items(data)


def test_a_dry_run_inside_a_larger_action_discards_only_its_own_writes(app):
    from krafte_pwa.models import Location, Partner
    from krafte_pwa.services._tx import transaction

    with transaction():
        catalog.create_location(code="STORE", name="Store")
        catalog.create_item(sku="WAX", name="Wax", kind="material", unit="g")
        report = imports.import_opening_stock(
            "article;quantité;unité;emplacement;péremption;coût unitaire;fournisseur\n"
            "WAX;1,5;kg;STORE;31/12/2027;4,20;Cires du Sud\n", dry_run=True)
        assert (report.problems, report.written) == ([], False)
    db.session.rollback()  # what is left is what the outer action committed
    assert (count(Location), count(Item), count(Lot), count(Partner)) == (1, 1, 0, 0)
