"""Production pages: order list, plan, order page with start / complete / cancel forms,
recipe edit with the live cost, trace; operators see no costs and edit no recipe."""

from flask import render_template_string

from krafte_pwa.services import production, production_queries, trace
from tests.production_factories import candle_batch_workshop


def test_a_manager_plans_starts_and_completes_an_order_from_the_pages(login_as, app):
    lots = candle_batch_workshop()
    client = login_as("manager")
    assert client.get("/production/").status_code == 200
    assert b"CANDLE" in client.get("/production/new").data
    planned = client.post("/production/new", data={"item": "CANDLE", "quantity": "10"})
    assert planned.status_code == 302
    page = client.get(planned.headers["Location"])
    text = page.data.decode()
    assert page.status_code == 200 and lots["wax_soon"] in text and "Pick and start" in text
    number = text.split('<h1 class="code">')[1].split()[0]
    assert client.post(f"/production/orders/{number}/start", data={"lot": ["", "", ""],
                       "quantity": ["", "", ""]}).status_code == 302
    text = client.get(f"/production/orders/{number}").data.decode()
    assert "Complete the order" in text
    done = client.post(f"/production/orders/{number}/complete", data={
        "quantity": "9", "location": "SHELF",
        "consumed_lot": [lots["wax_soon"]], "consumed_quantity": ["2000"],
        "waste_lot": [lots["wax_soon"]], "waste_quantity": ["10"], "waste_reason": ["spilt"]},
        follow_redirects=True)
    text = done.data.decode()
    assert "Order completed" in text and "Variance" in text and "spilt" in text
    listed = client.get("/production/?status=completed").data.decode()
    assert listed.count(f">{number}</a>") == 1


def test_refusals_on_pages_are_flashed_not_500(login_as, app):
    candle_batch_workshop()
    client = login_as("manager")
    assert client.post("/production/new", data={"item": "CANDLE",
                                                 "quantity": "-1"}).status_code == 400
    order = production.plan_order(item="CANDLE", quantity=1000)
    shown = client.post(f"/production/orders/{order.number}/start", data={},
                        follow_redirects=True)
    assert shown.status_code == 200 and b"not enough usable stock" in shown.data
    shown = client.post(f"/production/orders/{order.number}/complete",
                        data={"quantity": "1", "location": "SHELF"}, follow_redirects=True)
    assert b"cannot complete an order that is planned" in shown.data
    assert client.get("/production/orders/MO-1-1").status_code == 404


def test_recipe_page_shows_the_live_cost_and_saves_versions(login_as, app):
    candle_batch_workshop()
    client = login_as("manager")
    page = client.get("/production/recipes/CANDLE")
    assert page.status_code == 200 and b"cost-per-unit" in page.data
    form = {"yield_quantity": "1", "labour_minutes": "", "labour_rate": "",
            "overhead": "", "overhead_percent": "",
            "item": ["WAX", "WICK", ""], "quantity": ["100", "1", ""],
            "unit": ["g", "", ""], "loss_percent": ["", "", ""]}
    live = client.post("/production/recipes/CANDLE/cost", data=form).json
    # 100 g from the wax lot to use first (0.0042 per g) + a wick at 0.06
    assert live["per_unit"] == "0.48"
    bad = client.post("/production/recipes/CANDLE/cost", data={**form, "quantity": ["x"]})
    assert "error" in bad.json
    preview = client.post("/production/recipes/CANDLE", data={**form, "preview": "1"})
    assert preview.status_code == 200 and b"0.48" in preview.data
    saved = client.post("/production/recipes/CANDLE", data=form, follow_redirects=True)
    assert b"version 1" in saved.data  # no order used version 1: edited in place
    listing = client.get("/production/recipes").data.decode()
    assert "WAX 100 g" in listing


def test_operators_see_no_costs_and_cannot_edit_recipes(login_as, app):
    candle_batch_workshop()
    order = production.plan_order(item="CANDLE", quantity=2)
    client = login_as("operator")
    assert client.get("/production/recipes/CANDLE").status_code == 403
    assert client.post("/production/recipes/CANDLE/cost", data={}).status_code == 403
    assert client.get("/production/new").status_code == 403
    page = client.get(f"/production/orders/{order.number}").data.decode()
    assert "Pick and start" in page and "Per unit" not in page and "Cancel" not in page
    assert "Cost per unit" not in client.get("/production/recipes").data.decode()


def test_trace_page_and_partial_show_both_directions(login_as, app):
    lots = candle_batch_workshop()
    order = production.plan_order(item="CANDLE", quantity=5)
    production.start_order(number=order.number)
    done = production.complete_order(number=order.number, quantity=5, location="SHELF")
    client = login_as("operator")
    page = client.get(f"/production/trace/{done.output_lot.code}").data.decode()
    assert lots["wax_soon"] in page and "Cires du Sud" in page and order.number in page
    page = client.get(f"/production/trace/{lots['wax_soon']}").data.decode()
    assert done.output_lot.code in page
    backward, forward = trace.both_ways(done.output_lot.code)
    with app.test_request_context():
        html = render_template_string('{% include "production/_trace.html" %}',
                                      backward=backward, forward=forward)
    assert lots["jar"] in html



def test_the_station_and_order_page_take_the_minutes_worked(login_as, app):
    """10 candles at 3 min each: the field suggests 30; 40 minutes at 24/h cost 16."""
    candle_batch_workshop()
    client = login_as("manager")
    order = production.plan_order(item="CANDLE", quantity=10)
    production.start_order(number=order.number)
    for page in (f"/station/{order.number}", f"/production/orders/{order.number}"):
        text = client.get(page).data.decode()
        assert 'name="labour_minutes"' in text and 'placeholder="30"' in text
    done = client.post(f"/production/orders/{order.number}/complete",
                       data={"quantity": "10", "location": "SHELF", "labour_minutes": "40"})
    assert done.status_code == 302
    assert production_queries.get_order(order.number).actual_labour_cost == 16
