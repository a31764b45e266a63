"""Offline: actions (moves, a pick at the station) are queued on the device with an
idempotency key, visible, replayed once each when the network returns; a refused replay
stays with the server's reason; the cached app opens offline."""

import re
from decimal import Decimal

from playwright.sync_api import expect
from sqlalchemy import func, select

from krafte_pwa.models import Balance, Location, Lot, Movement, MovementKind, ProductionOrder
from krafte_pwa.services import production, stock
from tests.browser.conftest import wait_for_cached, wait_for_worker


def balance(live, code, location) -> Decimal:
    with live.db() as session:
        value = session.execute(
            select(Balance.quantity).join(Lot, Lot.id == Balance.lot_id)
            .join(Location, Location.id == Balance.location_id)
            .where(Lot.code == code, Location.code == location)).scalar()
        return value or Decimal(0)


def transfers(live, code) -> int:
    with live.db() as session:
        return session.execute(
            select(func.count(Movement.id)).join(Lot, Lot.id == Movement.lot_id)
            .where(Lot.code == code, Movement.kind == MovementKind.TRANSFER_IN)).scalar_one()


def last_transfer(live, code) -> Decimal:
    with live.db() as session:
        return session.execute(
            select(Movement.quantity).join(Lot, Lot.id == Movement.lot_id)
            .where(Lot.code == code, Movement.kind == MovementKind.TRANSFER_IN)
            .order_by(Movement.id.desc())).scalars().first()


def started(live, number):
    with live.db() as session:
        order = session.execute(select(ProductionOrder).where(
            ProductionOrder.number == number)).scalar_one()
        return order.status, len(order.picks)


def queue_entries(page):
    return page.locator("[data-queue-list] > li")


def test_actions_made_offline_are_queued_then_replayed_once_and_refusals_stay(live, shop,
                                                                              new_page):
    wax, oil = shop["wax_soon"], shop["oil"]  # 8000 g of wax and 3000 ml of oil in STORE
    with live.db():
        number = production.plan_order(item="CANDLE", quantity="10").number
    page = new_page("operator", service_workers="allow")
    assert wait_for_worker(page) == "activated"
    for path in (f"/l/{wax}", f"/l/{oil}", f"/station/{number}"):
        page.goto(path)
        wait_for_cached(page, path)
    for path in ("/move", "/queue"):
        wait_for_cached(page, path)  # warmed by the worker without a visit

    page.context.set_offline(True)
    # 1. From the lot page, opened offline from the cache.
    assert page.goto(f"/l/{wax}").from_service_worker
    assert page.evaluate("fetch('/pwa/token').then(() => 'network', () => 'none')") == "none"
    assert wax in page.locator("h1").inner_text()
    assert page.locator("[data-offline-flag]").is_visible()
    move = page.locator("form[data-queue]")
    move.locator("select[name=to]").select_option("SHELF")
    move.locator("input[name=quantity]").fill("1000")
    move.get_by_role("button", name="Move").click()
    page.locator(".flash.queued").wait_for()
    expect(page.locator("[data-queue-count]")).to_have_text("1")

    # 2. By scanning on the move page: the lot label, the shelf label, a quantity.
    page.goto("/move")
    page.locator("#move-lot-text").fill(f"{live.url}/l/{oil}")
    page.locator("#move-lot-text").press("Enter")
    page.locator("#move-to-text").fill(f"{live.url}/loc/SHELF")
    page.locator("#move-to-text").press("Enter")
    form = page.locator("#move-form")
    expect(form.locator("input[name=lot]")).to_have_value(oil)
    expect(form.locator("select[name=to]")).to_have_value("SHELF")
    form.locator("select[name=from]").select_option("STORE")
    form.locator("input[name=quantity]").fill("2500,5")
    form.get_by_role("button", name="Move").click()
    page.locator("[data-move-log] li.queued").wait_for()
    expect(page.locator("[data-queue-count]")).to_have_text("2")

    # 3. A pick at the production station: the suggested wick lot, scanned, then start.
    page.goto(f"/station/{number}")
    page.locator("#station-scan-text").fill(f"{live.url}/l/{shop['wick']}")
    page.locator("#station-scan-text").press("Enter")
    expect(page.locator(f".sugg li[data-lot='{shop['wick']}']")).to_have_class(re.compile("picked"))
    page.get_by_role("button", name="Start production").click()
    page.locator(".flash.queued").wait_for()
    expect(page.locator("[data-queue-count]")).to_have_text("3")

    # Visible in the queue, and still there after a reload without network.
    page.goto("/queue")
    assert page.reload().from_service_worker
    expect(queue_entries(page)).to_have_count(3)
    assert "Waiting to be sent" in queue_entries(page).first.inner_text()
    assert f"Start {number} with 1 scanned lot" in queue_entries(page).nth(2).inner_text()
    assert transfers(live, wax) == 0 and transfers(live, oil) == 0
    # A page never opened on this device: the offline page, listing what can be read.
    page.goto("/loc/STORE")
    assert "No network" in page.locator("h1").inner_text()
    page.locator(f"#kept a[href='/l/{wax}']").wait_for()
    page.goto("/queue")

    # Meanwhile someone else takes oil away: the queued 2500.5 ml no longer fits.
    with live.db():
        stock.transfer_stock(lot=oil, source="STORE", destination="SHELF", quantity="2000")

    page.context.set_offline(False)
    refused = page.locator("[data-queue-list] > li.refused")
    expect(page.locator("[data-sent-list] li")).to_have_count(2)
    expect(queue_entries(page)).to_have_count(1)
    assert "cannot take" in refused.locator(".reason").inner_text()
    assert transfers(live, wax) == 1 and transfers(live, oil) == 1  # the other person's
    after_start = started(live, number)  # the wick scanned, FEFO lots for the rest
    assert after_start[0] == "in_progress" and after_start[1] >= 4

    # Sending again does not apply anything twice.
    page.get_by_role("button", name="Send now").click()
    refused.wait_for()
    assert transfers(live, wax) == 1 and started(live, number) == after_start

    # Fix the refused move (a smaller quantity) and send it.
    refused.get_by_role("button", name="Change quantity").click()
    refused.locator("input[name=quantity]").fill("1000")
    refused.get_by_role("button", name="Save and send").click()
    page.locator("[data-queue-empty]").wait_for()
    assert transfers(live, oil) == 2 and last_transfer(live, oil) == Decimal("1000")
    expect(page.locator("[data-queue-link]")).to_be_hidden()  # the badge is drawn after the list


def test_a_refused_action_can_be_discarded(live, shop, new_page):
    wax = shop["wax_soon"]
    page = new_page("operator", next_path=f"/l/{wax}")
    page.context.set_offline(True)
    move = page.locator("form[data-queue]")
    move.locator("select[name=to]").select_option("SHELF")
    move.locator("input[name=quantity]").fill("999999")
    move.get_by_role("button", name="Move").click()
    page.locator(".flash.queued").wait_for()
    page.context.set_offline(False)
    page.goto("/queue")
    entry = page.locator("[data-queue-list] > li.refused")
    entry.wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    entry.get_by_role("button", name="Discard").click()
    page.locator("[data-queue-empty]").wait_for()
    assert transfers(live, wax) == 0


def test_a_move_online_is_sent_at_once_and_a_refusal_is_shown_not_queued(live, shop,
                                                                          new_page):
    wax = shop["wax_soon"]
    page = new_page("operator", next_path=f"/l/{wax}")
    move = page.locator("form[data-queue]")
    move.locator("select[name=to]").select_option("SHELF")
    move.locator("input[name=quantity]").fill("99999")
    move.get_by_role("button", name="Move").click()
    page.locator(".flash.error").wait_for()
    assert page.locator("[data-queue-link]").is_hidden()
    move.locator("input[name=quantity]").fill("1500,5")
    with page.expect_navigation():
        move.get_by_role("button", name="Move").click()
    # the quantity typed (1500,5), written the page's way
    assert re.search(r"Sent\. Move 1,500\.5 of", page.locator(".flash").first.inner_text())
    assert balance(live, wax, "SHELF") == Decimal("1500.5")


def counted(live, number) -> dict:
    from krafte_pwa.models import StockCount, StockCountLine

    with live.db() as session:
        rows = session.execute(
            select(Lot.code, StockCountLine.counted).join(Lot, Lot.id == StockCountLine.lot_id)
            .join(StockCount, StockCount.id == StockCountLine.count_id)
            .where(StockCount.number == number)).all()
        return dict(rows)


def test_a_count_walked_offline_is_queued_and_each_line_recorded_once(live, shop, new_page):
    from krafte_pwa.services import counts

    wax, oil = shop["wax_soon"], shop["oil"]
    with live.db():
        number = counts.open_count(location="STORE")[0].number
    page = new_page("operator", service_workers="allow")
    assert wait_for_worker(page) == "activated"
    page.goto(f"/counts/{number}")
    wait_for_cached(page, f"/counts/{number}")

    page.context.set_offline(True)
    assert page.reload().from_service_worker  # the count opens without network
    form = page.locator("form[data-queue-when]")
    lot, quantity = form.locator("input[name=lot]"), form.locator("input[name=quantity]")
    lot.fill(f"{live.url}/l/{wax}")  # a scanned label
    lot.press("Enter")  # no quantity yet: offline, the quantity field takes the focus
    expect(quantity).to_be_focused()
    quantity.fill("7999,5")
    form.get_by_role("button", name="OK").click()
    page.locator(".flash.queued").wait_for()
    expect(lot).to_be_focused()  # ready for the next lot
    lot.fill(oil)
    quantity.fill("3000")
    quantity.press("Enter")
    expect(page.locator("[data-queue-count]")).to_have_text("2")
    assert counted(live, number) == {}

    page.goto("/queue")
    expect(queue_entries(page)).to_have_count(2)
    assert f"Count {number}: 3,000 of {oil}" in queue_entries(page).nth(1).inner_text()
    page.context.set_offline(False)
    expect(page.locator("[data-sent-list] li")).to_have_count(2)
    expect(queue_entries(page)).to_have_count(0)
    assert counted(live, number) == {wax: Decimal("7999.5"), oil: Decimal("3000")}

    # Online, a lot scanned without a quantity opens its line with what is expected.
    page.goto(f"/counts/{number}")
    page.locator("form[data-queue-when] input[name=lot]").fill(shop["wick"])
    page.locator("form[data-queue-when] input[name=lot]").press("Enter")
    page.wait_for_url(re.compile(rf"/counts/{number}\?lot="))
    page.locator("#count-quantity").fill("49")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert counted(live, number)[shop["wick"]] == Decimal("49")
    expect(page.locator("[data-queue-link]")).to_be_hidden()
