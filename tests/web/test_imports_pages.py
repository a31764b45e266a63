"""CSV import pages (/imports/): managers only; a dry run lists every problem row and
writes nothing; a valid dry run carries the file to "Import now"; French spreadsheet files;
the example templates import cleanly; empty, binary and oversized uploads are refused."""

import io
import re
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Item, Lot, Recipe, RecipeLine
from krafte_pwa.services import imports, queries, recipes
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.web import imports as import_pages


def table_counts() -> dict[str, int]:
    """Rows in every table: a refused or checked file must leave all of them alone."""
    db.session.rollback()
    return {t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables}


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def upload(client, kind, data, action="check", filename="data.csv"):
    if isinstance(data, str):
        data = data.encode()
    return client.post(f"/imports/{kind}", content_type="multipart/form-data",
                       data={"action": action, "file": (io.BytesIO(data), filename)})


def carried(page: str) -> str:
    return re.search(r'name="content" value="([^"]+)"', page).group(1)


def problem_lines(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-line="(\d+)">', page)]


@pytest.fixture
def store(app, users):
    location_actions.create_location(code="STORE", name="Store")


ITEMS = "\n".join([
    "sku,name,kind,unit,reorder_point,density",
    "WAX,Soy wax,material,g,5000,",
    "FO-LAV,Lavender oil,material,ml,250,0.95",
    "CANDLE,Lavender candle,product,pcs,,",
]) + "\n"


def test_operators_get_403_everywhere(client, login_as, store):
    assert client.get("/imports/").status_code == 302  # not logged in: to the login page
    login_as("operator")
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/items/template.csv").status_code == 403
    before = table_counts()
    assert upload(client, "items", ITEMS, action="import").status_code == 403
    assert table_counts() == before


def test_index_shows_every_column_and_the_templates(client, login_as, users):
    login_as("admin")  # admins pass where managers do
    page = client.get("/imports/").get_data(as_text=True)
    for columns in (imports.ITEM_COLUMNS, imports.STOCK_COLUMNS, imports.RECIPE_COLUMNS):
        for column in columns:
            assert f'<td class="code">{column}' in page
    for kind in ("items", "opening-stock", "recipes"):
        assert f'href="/imports/{kind}/template.csv"' in page
        assert f'action="/imports/{kind}"' in page
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page
    assert "Check only (dry run)" in page and "12 MB" in page


def test_a_dry_run_with_bad_rows_lists_every_line_and_writes_nothing(client, login_as, store):
    item_actions.create_item(sku="EXISTS", name="x", kind="material", unit="g")
    login_as("manager")
    data = "\n".join([
        "sku,name,kind,unit,reorder_point",
        "A1,Good,material,g,1",
        "A2,Bad unit,material,furlongs,1",
        "A3,Good too,product,pcs,",
        "A4,Bad number,material,g,douze",
        "EXISTS,Renamed,material,kg,0",
        "A5,,material,kg,0.5",
        "A1,Twice,material,g,1",
    ])
    before = table_counts()
    for action in ("check", "import"):  # a real import of a bad file is refused the same
        response = upload(client, "items", data, action=action)
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert problem_lines(page) == [3, 5, 6, 7, 8]
        assert "unit must be one of" in page and "cannot be changed" in page
        assert "reorder point: &#39;douze&#39; is not a number" in page
        assert "name is required" in page and "also on line 2" in page
        assert "nothing was imported" in page and 'name="content"' not in page
        assert table_counts() == before

    stock = ("item,quantity,unit,location,expiry\nEXISTS,5,kg,STORE,\nNOPE,5,,STORE,\n"
             "EXISTS,-1,,STORE,\nEXISTS,1,,MARS,\nEXISTS,1,,STORE,someday\n"
             "EXISTS,1,litres,STORE,\n")
    response = upload(client, "opening-stock", stock)
    assert response.status_code == 422
    assert problem_lines(response.get_data(as_text=True)) == [3, 4, 5, 6, 7]
    assert table_counts() == before


def test_a_valid_dry_run_writes_nothing_then_import_now_creates_it_all(client, login_as,
                                                                         store):
    login_as("manager")
    before = table_counts()
    dry = upload(client, "items", ITEMS)
    page = dry.get_data(as_text=True)
    assert dry.status_code == 200 and "The file is valid" in page and "Import now" in page
    assert '<dd class="big" data-rows>3</dd>' in page
    assert table_counts() == before

    done = client.post("/imports/items", data={"action": "import", "content": carried(page)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/imports/items/done")
    assert count(Item) == 3
    wax, oil = queries.item_by_sku("WAX"), queries.item_by_sku("FO-LAV")
    assert (wax.name, wax.kind, wax.unit, wax.reorder_point) == ("Soy wax", "material", "g",
                                                                 D(5000))
    assert (oil.unit, oil.density) == ("ml", D("0.95"))
    summary = client.get("/imports/items/done").get_data(as_text=True)
    assert '<dd class="big" data-created>3</dd>' in summary
    for sku in ("WAX", "FO-LAV", "CANDLE"):
        assert f'href="/items/{sku}"' in summary
    # reloading the summary imports nothing again
    client.get("/imports/items/done")
    assert count(Item) == 3

    stock = ("item,quantity,unit,location,expiry,unit_cost,supplier\n"
             "WAX,20,kg,STORE,2030-06-30,4.20,Cires du Sud\n"
             "WAX,1500.5,,STORE,,0.0042,\n"
             "FO-LAV,0.25,l,STORE,,38,Aroma Provence\n")
    before = table_counts()
    page = upload(client, "opening-stock", stock).get_data(as_text=True)
    assert "Import now" in page and table_counts() == before
    done = client.post("/imports/opening-stock",
                       data={"action": "import", "content": carried(page)})
    assert done.status_code == 302
    lots = db.session.execute(select(Lot).order_by(Lot.id)).scalars().all()
    assert [(lot.item.sku, lot.origin, lot.unit_cost) for lot in lots] == [
        ("WAX", "opening", D("0.0042")), ("WAX", "opening", D("0.0042")),
        ("FO-LAV", "opening", D("0.038"))]
    assert str(lots[0].expiry) == "2030-06-30" and lots[1].expiry is None
    on_hand = {lot.code: db.session.execute(
        select(func.sum(Balance.quantity)).where(Balance.lot_id == lot.id)).scalar()
        for lot in lots}
    assert list(on_hand.values()) == [D(20000), D("1500.5"), D(250)]
    assert queries.item_stock(queries.item_by_sku("WAX")).on_hand == D("21500.5")
    summary = client.get("/imports/opening-stock/done").get_data(as_text=True)
    for lot in lots:
        assert f'href="/l/{lot.code}"' in summary


def test_a_french_windows_1252_file_imports_through_the_page(client, login_as, store):
    login_as("manager")
    items = ("Référence;Nom;Type;Unité;Seuil\r\n"
             "BEURRE;Beurre de karité « bio » à l’œil;matière;kg;12,5\r\n"
             "SAVON;Savon surgras;produit;pcs;\r\n").encode("cp1252")
    page = upload(client, "items", items).get_data(as_text=True)
    assert "The file is valid" in page and count(Item) == 0
    assert client.post("/imports/items", data={"action": "import",
                                                "content": carried(page)}).status_code == 302
    beurre = queries.item_by_sku("BEURRE")
    assert beurre.name == "Beurre de karité « bio » à l’œil"
    assert (beurre.kind, beurre.unit, beurre.reorder_point) == ("material", "kg", D("12.5"))

    stock = ("article;quantité;unité;emplacement;péremption;coût unitaire;fournisseur\r\n"
             "BEURRE;2,5;kg;STORE;31/12/2027;8,40;Karité Sàrl\r\n"
             "BEURRE;0,75;kg;STORE;;8,4;\r\n").encode("cp1252")
    response = upload(client, "opening-stock", stock, action="import")  # straight in
    assert response.status_code == 302
    lots = db.session.execute(select(Lot).order_by(Lot.id)).scalars().all()
    assert [str(lot.expiry) for lot in lots] == ["2027-12-31", "None"]
    assert [lot.unit_cost for lot in lots] == [D("8.4"), D("8.4")]
    assert lots[0].supplier.name == "Karité Sàrl"
    assert queries.item_stock(beurre).on_hand == D("3.25")


def test_the_example_templates_import_cleanly(client, login_as, store):
    login_as("manager")
    for kind in ("items", "opening-stock", "recipes"):  # each needs the one before
        for sep in (None, ";"):
            url = f"/imports/{kind}/template.csv" + ("?sep=%3B" if sep else "")
            template = client.get(url)
            assert template.status_code == 200 and template.mimetype == "text/csv"
            assert "attachment" in template.headers["Content-Disposition"]
            data = template.data
            header = data.decode("utf-8-sig").splitlines()[0]
            columns = {"items": imports.ITEM_COLUMNS, "opening-stock": imports.STOCK_COLUMNS,
                       "recipes": imports.RECIPE_COLUMNS}[kind]
            assert header == (sep or ",").join(columns)
            assert len(data.decode("utf-8-sig").splitlines()) >= 3  # header + examples
            before = table_counts()
            page = upload(client, kind, data, filename=f"{kind}.csv")
            text = page.get_data(as_text=True)
            assert page.status_code == 200, (kind, sep, problem_lines(text), text[:3000])
            assert "The file is valid" in text and table_counts() == before
        assert client.post(f"/imports/{kind}", data={
            "action": "import", "content": carried(text)}).status_code == 302
    summary = client.get("/imports/recipes/done").get_data(as_text=True)
    assert "CANDLE-LAV v1" in summary and 'href="/production/recipes/CANDLE-LAV"' in summary
    assert count(Item) == 4 and count(Lot) == 3
    assert count(Recipe) == 1 and count(RecipeLine) == 3
    assert queries.item_stock(queries.item_by_sku("WAX-SOY")).on_hand == D(20000)
    candle = recipes.recipe_for("CANDLE-LAV")
    assert [(ln.item.sku, ln.base_quantity) for ln in candle.lines] == [
        ("WAX-SOY", D(180)), ("FO-LAV", D(15)), ("WICK-M", D(1))]


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty."),
    (b" \r\n\r\n", "The file is empty."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "This is not a CSV file."),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
     "This is not a CSV file."),
    (bytes(range(0x80, 0x100)) * 8, "This is not a CSV file."),  # not UTF-8, not cp1252
    (b"what,is,this\n1,2,3\n", "unknown columns: what, is, this"),
])
def test_empty_and_binary_uploads_get_400_and_change_nothing(client, login_as, store, data,
                                                              message):
    login_as("manager")
    before = table_counts()
    for action in ("check", "import"):
        response = upload(client, "items", data, action=action, filename="upload.csv")
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert message in page and "Nothing was imported." in page
        assert table_counts() == before


def test_no_file_oversized_files_and_damaged_carried_content_get_400(app, client, login_as,
                                                                     store, monkeypatch):
    login_as("manager")
    before = table_counts()
    missing = client.post("/imports/items", data={"action": "check"})
    assert missing.status_code == 400
    assert "Choose a CSV file first." in missing.get_data(as_text=True)
    damaged = client.post("/imports/items", data={"action": "import", "content": "not*b64"})
    assert damaged.status_code == 400 and "choose it again" in damaged.get_data(as_text=True)

    app.config["MAX_CONTENT_LENGTH"] = 4096
    big = "sku,name,kind,unit\n" + "".join(f"S{n:05d},Soap {n},product,pcs\n"
                                            for n in range(300))
    response = upload(client, "items", big, action="import")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "larger than the upload limit (4 kB)" in page
    assert "Nothing was imported." in page and 'type="file"' in page
    assert table_counts() == before
    # with CSRF on, the form (and so the size) is read before the view: same answer
    app.config["WTF_CSRF_ENABLED"] = True
    response = upload(client, "items", big, action="import")
    assert response.status_code == 400
    assert "larger than the upload limit" in response.get_data(as_text=True)
    app.config["WTF_CSRF_ENABLED"] = False
    # under the limit the same page works, and the carried content stays within it
    small = upload(client, "items", "sku,name,kind,unit\nS1,Soap,product,pcs\n")
    assert small.status_code == 200
    assert len(carried(small.get_data(as_text=True))) < 4096
    # a file that fits but could not travel back in a form field: pick it again
    monkeypatch.setattr(import_pages, "CARRY_MARGIN", 10**9)
    tight = upload(client, "items", "sku,name,kind,unit\nS1,Soap,product,pcs\n")
    page = tight.get_data(as_text=True)
    assert tight.status_code == 200 and "The file is valid" in page
    assert 'name="content"' not in page and "choose it again below" in page
    assert table_counts() == before


def once(page: str) -> str:
    return re.findall(r'name="once" value="([0-9a-f]{32})"', page)[0]


def test_import_now_sent_twice_imports_the_opening_stock_once(client, login_as, store):
    login_as("manager")
    upload(client, "items", ITEMS, action="import")
    stock = "item,quantity,location,unit_cost\nWAX,1000,STORE,0.004\n"
    page = upload(client, "opening-stock", stock).get_data(as_text=True)
    form = {"action": "import", "content": carried(page), "once": once(page)}
    first = client.post("/imports/opening-stock", data=form)
    second = client.post("/imports/opening-stock", data=form)  # a double click
    assert first.status_code == second.status_code == 302
    assert count(Lot) == 1
    assert queries.item_stock(queries.item_by_sku("WAX")).on_hand == D(1000)
    assert f'href="/l/{db.session.execute(select(Lot.code)).scalar()}"' in \
        client.get("/imports/opening-stock/done").get_data(as_text=True)
    # the same key with another file is refused, and imports nothing
    other = client.post("/imports/opening-stock", data={**form, "content": carried(
        upload(client, "opening-stock", stock.replace("1000", "5")).get_data(as_text=True))})
    assert other.status_code == 400 and count(Lot) == 1
    # a new form (a new key) is a new import
    page = upload(client, "opening-stock", stock).get_data(as_text=True)
    client.post("/imports/opening-stock", data={"action": "import", "content": carried(page),
                                                "once": once(page)})
    assert count(Lot) == 2


def test_a_refused_import_leaves_its_key_free_for_the_corrected_file(client, login_as, store):
    login_as("manager")
    upload(client, "items", ITEMS, action="import")
    page = client.get("/imports/").get_data(as_text=True)
    key = once(page)
    bad = client.post("/imports/opening-stock", content_type="multipart/form-data", data={
        "action": "import", "once": key,
        "file": (io.BytesIO(b"item,quantity,location\nNOPE,1,STORE\n"), "s.csv")})
    assert bad.status_code == 422 and count(Lot) == 0
    good = client.post("/imports/opening-stock", content_type="multipart/form-data", data={
        "action": "import", "once": key,
        "file": (io.BytesIO(b"item,quantity,location\nWAX,1,STORE\n"), "s.csv")})
    assert good.status_code == 302 and count(Lot) == 1


def test_the_api_refuses_a_file_that_is_not_text(client, manager, store):
    answer = client.post("/api/v1/imports/items", data=b"sku,name\n\x81\x8d\x8f\x90\x9d,x\n",
                         headers=manager)
    assert answer.status_code == 400 and answer.json["error"]["code"] == "not_csv"
