"""Plan, start and complete through the API issue at most 12, 17 and 18 SQL statements in
all, whatever the number of components, lots and used-up balances (both databases): bearer
auth, reads, writes, the value balances and the outbox counted. The answer reuses what the
action computed instead of running the FEFO suggestions again or reading the picks back."""

from contextlib import contextmanager

from sqlalchemy import event

from krafte_pwa.extensions import db
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import recipes, stock
from tests.factories import in_days

COMPONENTS = [f"C{i:02d}" for i in range(10)]
MAX_STATEMENTS = {"plan": 12, "start": 17, "complete": 18}
# the value balances, kept in the same transaction as the movements, are one upsert at
# commit whatever the action posted
VALUE_BALANCES = "INSERT INTO value_balance"
# the stock levels owed to the sales channels: the outbox's one INSERT … SELECT at commit
# (no row when no channel offers the items)
OUTBOX = "INSERT INTO outbox_message"


def ten_component_workshop():
    """Ten materials, each with three lots in two places (so FEFO takes several lots) and
    a used-up lot at zero; a product made of 10 g of each."""
    location_actions.create_location(code="STORE", name="Store")
    location_actions.create_location(code="SHELF", name="Shelf")
    location_actions.create_location(code="FG", name="Finished goods")
    for sku in COMPONENTS:
        item_actions.create_item(sku=sku, name=f"Component {sku}", kind="material", unit="g")
    item_actions.create_item(sku="P10", name="Ten-part product", kind="product", unit="pcs",
                        shelf_life_days=365)
    for n, sku in enumerate(COMPONENTS):
        for days, where, quantity in ((30 + n, "STORE", "300"), (60, "SHELF", "400"),
                                      (90, "STORE", "5000")):
            stock.receive_goods(supplier="Mill", location=where, lines=[
                {"item": sku, "quantity": quantity, "unit_cost": "0.01",
                 "expiry": in_days(days).isoformat()}])
        used = stock.receive_goods(supplier="Mill", location="STORE", lines=[
            {"item": sku, "quantity": "5", "unit_cost": "0.01",
             "expiry": in_days(10).isoformat()}]).lots[0].code
        stock.adjust_stock(lot=used, location="STORE", quantity="-5", reason="spilt")
    recipes.save_recipe(item="P10", yield_quantity=1, labour_minutes=1, labour_rate=30,
                        lines=[{"item": c, "quantity": 10, "loss_percent": 1}
                               for c in COMPONENTS])


@contextmanager
def counted():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def budget(action: str) -> int:
    """The action's count, plus SQLite's BEGIN: the app sends it through SQLAlchemy
    (db_session, to choose a deferred or immediate transaction), where PostgreSQL's driver
    sends its BEGIN itself, unseen by the count."""
    return MAX_STATEMENTS[action] + (db.engine.dialect.name == "sqlite")


def test_plan_start_complete_issue_a_bounded_number_of_statements(client, manager):
    ten_component_workshop()
    db.session.remove()
    with counted() as plan:
        planned = client.post("/api/v1/production-orders", headers=manager,
                              json={"item": "P10", "quantity": 60})
    assert planned.status_code == 201, planned.json
    number = planned.json["number"]
    assert all(r["missing"] == "0" and len(r["suggested"]) == 2
               for r in planned.json["requirements"])
    db.session.remove()
    with counted() as start:
        started = client.post(f"/api/v1/production-orders/{number}/start", headers=manager, json={})
    assert started.status_code == 200, started.json
    assert len(started.json["picks"]) == 20
    # the picks the answer lists (from the INSERT's RETURNING) are the ones stored
    db.session.remove()
    stored = client.get(f"/api/v1/production-orders/{number}", headers=manager).json["picks"]
    assert started.json["picks"] == stored
    db.session.remove()
    with counted() as complete:
        done = client.post(f"/api/v1/production-orders/{number}/complete", headers=manager,
                           json={"quantity": 60, "location": "FG"})
    assert done.status_code == 200, done.json
    assert done.json["status"] == "completed"
    actions = {"plan": plan, "start": start, "complete": complete}
    values = {name: sum(" ".join(st.split()).startswith(VALUE_BALANCES) for st in sts)
              for name, sts in actions.items()}
    assert values == {"plan": 0, "start": 1, "complete": 1}
    outbox = {name: sum(" ".join(st.split()).startswith(OUTBOX) for st in sts)
              for name, sts in actions.items()}
    assert max(outbox.values()) <= 1
    # everything each request sent counts: bearer auth, reads, writes, value balances, outbox
    counts = {name: len(sts) for name, sts in actions.items()}
    assert all(n <= budget(name) for name, n in counts.items()), (counts, plan, start, complete)
