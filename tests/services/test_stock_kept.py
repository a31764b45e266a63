"""An item's stock in storage is kept by the ledger on its value row now: one item's
figures, the items list's figures and low stock read that row (plus the few balances that
are not usable), so their work does not grow with the item's lots in stock; and inside a
transaction that has moved stock they see the move."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import update

from krafte_pwa.errors import BadQuantity
from krafte_pwa.extensions import db
from krafte_pwa.models import Item
from krafte_pwa.services import _ledger, _values, alerts, item_queries, queries, stock
from krafte_pwa.services._tx import transaction
from krafte_pwa.services.availability import availability
from tests.factories import candle_workshop, receive
from tests.services.test_stock_paging import (  # noqa: F401  (sqlite_app: a fixture)
    _rows_read,
    _steps,
    cost_at_60_and_660,
    sqlite_app,
)

TODAY = date.today()


def _wax() -> Item:
    return queries.item_by_sku("WAX")


def _figures():
    """What the pages and the API ask of the stock of WAX."""
    wax = _wax()
    queries.item_stock(wax)
    item_queries.items_stock([wax])
    alerts.low_stock(TODAY)


def _workshop_with_a_reorder_point() -> None:
    candle_workshop()
    db.session.execute(update(Item).where(Item.sku == "WAX").values(reorder_point=D(10**6)))
    db.session.commit()


def test_one_item_and_low_stock_agree_with_availability(app):
    _workshop_with_a_reorder_point()
    receive("WAX", "1000")
    receive("WAX", "400", expiry=TODAY - timedelta(days=1))
    held = receive("WAX", "250", location="SHELF")
    stock.change_lot_status(lot=held, status="quarantine", reason="check")
    wax = _wax()
    theirs = availability([wax.id], TODAY)[wax.id]
    mine = queries.item_stock(wax)
    assert (mine.on_hand, mine.usable, mine.available) == (
        theirs.on_hand, theirs.usable, theirs.available) == (D(1650), D(1000), D(1000))
    [low] = [a for a in alerts.low_stock(TODAY) if a.item.sku == "WAX"]
    assert low.available == D(1000)


def test_figures_see_the_stock_moved_earlier_in_the_same_transaction(app):
    _workshop_with_a_reorder_point()
    lot = receive("WAX", "1000")
    with transaction():
        stock.adjust_stock(lot=lot, location="STORE", quantity="-300", reason="spilt")
        assert queries.item_stock(_wax()).on_hand == D(700)
        assert item_queries.items_stock([_wax()])[_wax().id].usable == D(700)
        [low] = [a for a in alerts.low_stock(TODAY) if a.item.sku == "WAX"]
        assert low.available == D(700)
    assert queries.item_stock(_wax()).on_hand == D(700)


def test_figures_read_one_row_not_the_lots(sqlite_app):  # noqa: F811
    """SQLite: with 60 lots of WAX in stock or 660, the figures cost about the same."""
    _workshop_with_a_reorder_point()
    small, large = cost_at_60_and_660(lambda: _steps(_figures, every=10))
    assert large < small * 1.3, (small, large)


def test_figures_read_one_row_not_the_lots_on_postgresql(pg_app):
    """PostgreSQL, in rows the plans produce: 60 lots or 660, about the same."""
    _workshop_with_a_reorder_point()
    small, large = cost_at_60_and_660(lambda: _rows_read(_figures))
    assert large < small * 1.3, (small, large)


def test_the_item_limit_counts_stock_added_earlier_in_the_same_transaction(app, monkeypatch):
    """The limit on an item's stock reads its value rows now and what the transaction has
    noted but not written yet: two additions in one action cannot pass it together."""
    monkeypatch.setattr(_ledger, "MAX_ITEM_STOCK", D(100))
    candle_workshop()
    lot = receive("WAX", "50")
    before = _values.stored(quantities=True)
    with pytest.raises(BadQuantity), transaction():
        stock.adjust_stock(lot=lot, location="STORE", quantity="30", reason="found")
        stock.adjust_stock(lot=lot, location="SHELF", quantity="30", reason="found")
    assert _values.stored(quantities=True) == before
    assert queries.item_stock(_wax()).on_hand == D(50)
    with transaction():
        stock.adjust_stock(lot=lot, location="STORE", quantity="30", reason="found")
        stock.adjust_stock(lot=lot, location="SHELF", quantity="20", reason="found")
    assert queries.item_stock(_wax()).on_hand == D(100)
