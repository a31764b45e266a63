"""Planning pages: can I make it (three levels, one material short), the plan with its
sub-orders from there, the order page's links, what to buy and make, drafting."""

from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import ProductionOrder, PurchaseOrder
from krafte_pwa.services import production
from tests.planning_factories import soap_workshop


def _count(model):
    return db.session.execute(select(func.count(model.id))).scalar()


def test_can_i_make_it_and_plan_with_sub_orders(client, login_as):
    soap_workshop()
    login_as("manager")
    page = client.get("/planning/make/BAR?quantity=100")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Not from stock" in html and "74 pcs" in html
    assert "OLIVE" in html and "1,860 g" in html  # missing
    assert "5,400 g" in html and "8,000 g" in html  # lye oil, mix to make first
    assert "Plan the order and its 2 sub-orders" in html
    planned = client.post("/planning/make/BAR", data={"quantity": "100"})
    assert planned.status_code == 302
    top = db.session.execute(select(ProductionOrder).where(
        ProductionOrder.parent_id.is_(None))).scalar_one()
    assert planned.headers["Location"].endswith(f"/production/orders/{top.number}")
    (mix,) = top.sub_orders
    html = client.get(f"/production/orders/{top.number}").get_data(as_text=True)
    assert "Linked orders" in html and mix.number in html
    assert f"Starts once its sub-orders are completed: {mix.number}" in html
    assert "What to buy and make" in html  # the mix it still misses
    html = client.get(f"/production/orders/{mix.number}").get_data(as_text=True)
    assert "Makes an intermediate for" in html and top.number in html
    refused = client.post(f"/production/orders/{top.number}/start", follow_redirects=True)
    assert "waits for its sub-orders" in refused.get_data(as_text=True)
    assert db.session.get(ProductionOrder, top.id).status == "planned"


def test_bad_quantities_and_unknown_items_are_refused(client, login_as):
    soap_workshop()
    login_as("manager")
    assert client.get("/planning/make/BAR?quantity=abc").status_code == 400
    assert client.get("/planning/make/NOPE?quantity=1").status_code == 404
    assert client.get("/planning/make/OLIVE").status_code == 404  # no recipe
    again = client.post("/planning/make/BAR", data={"quantity": "-1"})
    assert again.status_code == 302 and _count(ProductionOrder) == 0
    login_as("operator")
    assert client.get("/planning/make/BAR?quantity=1").status_code == 403
    assert client.get("/planning/").status_code == 403


def test_what_to_buy_and_make_then_draft_the_purchase_orders(client, login_as):
    soap_workshop()
    order = production.plan_order(item="BAR", quantity="100")
    login_as("manager")
    html = client.get("/planning/").get_data(as_text=True)
    assert "Huilerie Berre" in html and "1,860 g" in html and "to make: LYE-OIL" in html
    assert f"production orders: {order.number}" in html
    done = client.post("/planning/purchase-orders", data={"item": ["OLIVE"]},
                       follow_redirects=True)
    assert "Draft purchase orders made: PO-" in done.get_data(as_text=True)
    assert _count(PurchaseOrder) == 1
    assert "Nothing to buy." in client.get("/planning/").get_data(as_text=True)
    html = client.get("/menu").get_data(as_text=True)
    assert "/planning/" in html


def test_what_to_make_links_to_can_i_make_it_with_its_quantity(client, login_as):
    soap_workshop()
    production.plan_order(item="BAR", quantity="100")
    login_as("manager")
    client.post("/language", data={"locale": "fr"})
    html = client.get("/planning/").get_data(as_text=True)
    assert "/planning/make/MIX?quantity=8000" in html
    page = client.get("/planning/make/MIX?quantity=8000")
    assert page.status_code == 200 and "Pas avec le stock" in page.get_data(as_text=True)
