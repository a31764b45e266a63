"""The items list shows, per item, what is on hand and what is available."""

from datetime import date, timedelta

from krafte_pwa.services import production, recipes
from tests.factories import candle_workshop, receive


def test_items_list_shows_on_hand_and_available(app, login_as):
    """Wax: 1000 g good + 400 g expired = 1400 g on hand; 3 candles planned hold
    3 × 100 g, so 1000 − 300 = 700 g available. Wicks: 10 on hand, 3 held, 7 available."""
    candle_workshop()
    receive("WAX", "1000")
    receive("WAX", "400", expiry=date.today() - timedelta(days=1))
    receive("WICK", "10")
    recipes.save_recipe(item="CANDLE", yield_quantity=1, lines=[
        {"item": "WAX", "quantity": "100"}, {"item": "WICK", "quantity": 1}])
    production.plan_order(item="CANDLE", quantity=3)
    text = login_as("operator").get("/items/").data.decode()
    rows = {line.split("<strong>")[1].split("</strong>")[0]: line
            for line in text.splitlines() if "<strong>" in line and "/items/" in line}
    assert "on hand 1,400 g" in rows["WAX"] or "on hand 1400 g" in rows["WAX"], rows["WAX"]
    assert "available 700 g" in rows["WAX"]
    assert "on hand 10 pcs" in rows["WICK"] and "available 7 pcs" in rows["WICK"]
    assert "on hand 0 pcs" in rows["CANDLE"] and "available 0 pcs" in rows["CANDLE"]
