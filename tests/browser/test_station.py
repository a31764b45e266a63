"""A whole batch at the production station on a tablet: plan on the page, scan the
suggested lots, a warning for a lot that is not the suggested one, a refusal for an
expired one, start, complete; the output lot, its cost and expiry are right."""

import re
from decimal import Decimal

from playwright.sync_api import expect
from sqlalchemy import select

from krafte_pwa.models import Balance, Location, Lot, ProductionOrder
from tests.browser.conftest import TABLET
from tests.factories import in_days, receive


def scan(page, text):
    field = page.locator("#station-scan-text")
    field.fill(text)
    field.press("Enter")


def test_a_batch_at_the_station_on_a_tablet(live, shop, new_page):
    with live.db():
        expired = receive("WAX", "500", cost="0.004", expiry=in_days(-2))
    page = new_page("manager", viewport=TABLET, next_path="/station")
    plan = page.locator("#plan-form")
    plan.locator("select[name=item]").select_option("CANDLE")
    plan.locator("input[name=quantity]").fill("10")
    with page.expect_navigation(url=re.compile(r"/station/MO-\d{4}-\d{4}$")):
        plan.get_by_role("button", name="Plan").click()
    number = page.url.rsplit("/", 1)[1]
    assert page.locator(".req").count() == 4
    wax_line = page.locator(".req[data-item=WAX]")
    first_wax = wax_line.locator(".sugg li[data-lot]").first
    assert first_wax.get_attribute("data-lot") == shop["wax_soon"]
    status = page.locator("#station-scan [data-status]")

    # A lot that is not the suggestion: taken, with a warning naming the one to use first.
    scan(page, f"{live.url}/l/{shop['wax_later']}")
    expect(status).to_have_class(re.compile(r"\bwarn\b"))
    assert shop["wax_soon"] in status.inner_text()
    extra = wax_line.locator("li.extra")
    expect(extra).to_have_count(1)
    extra.get_by_role("button").click()  # changed our mind: back to the suggestion
    expect(extra).to_have_count(0)

    # An expired lot is refused.
    scan(page, f"{live.url}/l/{expired}")
    expect(status).to_have_class(re.compile(r"\bfail\b"))
    assert "expired" in status.inner_text()

    for key in ("wax_soon", "oil", "wick", "jar"):
        scan(page, f"{live.url}/l/{shop[key]}")
        expect(page.locator(f".sugg li[data-lot='{shop[key]}']")).to_have_class(
            re.compile(r"\bpicked\b"))
    expect(page.locator(".req.done")).to_have_count(4)
    assert page.locator("[data-scanlog] li.ok").count() == 4
    assert page.locator("[data-scanlog] li.warn").count() == 1

    with page.expect_navigation():
        page.get_by_role("button", name="Start production").click()
    expect(page.locator("h1 .status")).to_have_text("in progress")
    assert page.locator("table tbody tr").count() == 4

    complete = page.locator("#complete-form")
    expect(complete.locator("input[name=quantity]")).to_have_value("10")
    complete.locator("select[name=location]").select_option("SHELF")
    # The wax lot caps the output's expiry within the warning window: confirmed first.
    complete.get_by_role("button", name="Complete").click()
    expect(page.locator("h1 .status")).to_have_text("in progress")
    complete.locator("[data-confirm-expiry]").check()
    with page.expect_navigation():
        complete.get_by_role("button", name="Complete").click()
    output = page.locator("[data-output-lot]").inner_text()

    with live.db() as session:
        order = session.execute(select(ProductionOrder).where(
            ProductionOrder.number == number)).scalar_one()
        assert order.status == "completed" and order.output_lot.code == output
        assert {p.lot.code for p in order.picks} == {shop[k] for k in ("wax_soon", "oil",
                                                                        "wick", "jar")}
        lot = session.execute(select(Lot).where(Lot.code == output)).scalar_one()
        on_shelf = session.execute(
            select(Balance.quantity).join(Location, Location.id == Balance.location_id)
            .where(Balance.lot_id == lot.id, Location.code == "SHELF")).scalar_one()
        assert on_shelf == Decimal("10")
        # 2040 g wax at 0.0042 + 200 ml oil at 0.085 + 10 wicks at 0.06 + 10 jars at 0.95
        material = Decimal("8.568") + Decimal("17") + Decimal("0.6") + Decimal("9.5")
        labour = Decimal("12")  # 3 min x 10 at 24 an hour
        overhead = Decimal("5") + material * Decimal("0.05")
        assert lot.unit_cost == (material + labour + overhead) / 10
        assert lot.expiry == in_days(30)  # capped by the wax lot's expiry

    label = page.locator("[data-print-output]").get_attribute("href")
    response = page.request.get(label)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
