"""Plan, start and complete through the API each issue a bounded number of SQL statements,
whatever the number of components, lots and used-up balances (both databases): the answer
reuses what the action computed instead of running the FEFO suggestions again."""

from contextlib import contextmanager

from sqlalchemy import event

from krafte_pwa.extensions import db
from krafte_pwa.services import catalog, recipes, stock
from tests.factories import in_days

COMPONENTS = [f"C{i:02d}" for i in range(10)]
MAX_STATEMENTS = 20
# the value balances, kept in the same transaction as the movements, are one upsert at
# commit whatever the action posted: counted apart from the action's own statements
VALUE_BALANCES = "INSERT INTO value_balance"


def ten_component_workshop():
    """Ten materials, each with three lots in two places (so FEFO takes several lots) and
    a used-up lot at zero; a product made of 10 g of each."""
    catalog.create_location(code="STORE", name="Store")
    catalog.create_location(code="SHELF", name="Shelf")
    catalog.create_location(code="FG", name="Finished goods")
    for sku in COMPONENTS:
        catalog.create_item(sku=sku, name=f"Component {sku}", kind="material", unit="g")
    catalog.create_item(sku="P10", name="Ten-part product", kind="product", unit="pcs",
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
    db.session.remove()
    with counted() as complete:
        done = client.post(f"/api/v1/production-orders/{number}/complete", headers=manager,
                           json={"quantity": 60, "location": "FG"})
    assert done.status_code == 200, done.json
    assert done.json["status"] == "completed"
    import os
    if os.environ.get("DUMP_SQL"):
        with open(os.environ["DUMP_SQL"], "w") as f:
            for name, sts in (("plan", plan), ("start", start), ("complete", complete)):
                f.write(f"===== {name} {len(sts)}\n")
                f.writelines(" ".join(st.split())[:230] + "\n" for st in sts)
    actions = {"plan": plan, "start": start, "complete": complete}
    values = {name: sum(" ".join(st.split()).startswith(VALUE_BALANCES) for st in sts)
              for name, sts in actions.items()}
    assert values == {"plan": 0, "start": 1, "complete": 1}
    counts = {name: len(sts) - values[name] for name, sts in actions.items()}
    assert max(counts.values()) <= MAX_STATEMENTS, (counts, plan, start, complete)
