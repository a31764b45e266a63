"""The ledger on SQLite and PostgreSQL: exact, append-only, never negative, all or nothing."""

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from krafte_pwa.errors import BadInput, InsufficientStock, NotFound, UnitMismatch
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Lot, LotEvent, Movement, Receipt
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import queries, stock
from tests.factories import candle_workshop, in_days, receive


def snapshot():
    """Everything a refused operation must leave untouched."""
    db.session.expire_all()
    return (
        db.session.execute(select(func.count(Movement.id))).scalar(),
        db.session.execute(select(func.count(Lot.id))).scalar(),
        db.session.execute(select(func.count(Receipt.id))).scalar(),
        sorted((b.lot_id, b.location_id, b.quantity) for b in db.session.query(Balance)),
        sorted((lot.code, lot.status) for lot in db.session.query(Lot)),
    )


def test_receiving_point_one_and_point_two_then_taking_point_three_leaves_zero(app):
    candle_workshop()
    item_actions.create_item(sku="OIL", name="Oil", kind="material", unit="kg")
    first = receive("OIL", "0.1")
    second = receive("OIL", 0.2)  # a JSON float: read as the decimal it prints as
    stock.adjust_stock(lot=first, location="STORE", quantity="0.2", reason="found")
    stock.transfer_stock(lot=first, source="STORE", destination="SHELF", quantity="0.3")
    item = queries.item_by_sku("OIL")
    assert queries.item_stock(item).on_hand == D("0.5")
    stock.adjust_stock(lot=first, location="SHELF", quantity="-0.3", reason="used")
    stock.adjust_stock(lot=second, location="STORE", quantity="-0,2", reason="used")
    assert queries.item_stock(item).on_hand == D(0)
    assert queries.lot_detail(first).quantity == 0 and queries.lot_detail(second).balances == []


def test_sum_of_ten_thousand_movements_of_a_milligram_is_exactly_ten_grams(app):
    candle_workshop()
    code = receive("WAX", "10")
    lot = db.session.execute(select(Lot).where(Lot.code == code)).scalar_one()
    store = lot.receipt.location_id
    # Bulk rows through the mapped type: the same exact column the services write.
    db.session.execute(Movement.__table__.insert(), [
        {"lot_id": lot.id, "location_id": store, "item_id": lot.item_id,
         "quantity": D("0.001"), "unit_cost": D(0), "kind": 30} for _ in range(10000)])
    db.session.commit()
    total = db.session.execute(
        select(func.sum(Movement.quantity)).where(Movement.lot_id == lot.id,
                                                  Movement.kind == 30)).scalar()
    assert total == D(10)
    assert isinstance(total, D)


def test_receipt_creates_one_lot_per_line_in_order_with_balances(app):
    candle_workshop()
    result = stock.receive_goods(supplier="Cires du Sud", location="STORE", lines=[
        {"item": "WAX", "quantity": "2", "unit": "bag", "unit_cost": "84", "expiry": "2027-03-01",
         "supplier_lot": "CS-1"},
        {"item": "FO-LAV", "quantity": "1,5", "unit": "l", "unit_cost": "90"},
        {"item": "WICK", "quantity": 100},
    ])
    assert [lot.item for lot in result.lots] == ["WAX", "FO-LAV", "WICK"]
    assert [lot.quantity for lot in result.lots] == [D(40000), D(1500), D(100)]
    wax = queries.lot_detail(result.lots[0].code)
    assert wax.lot.unit_cost == D("0.0042")  # 84 per 20 kg bag = 0.0042 per g
    assert wax.lot.supplier_lot == "CS-1" and str(wax.lot.expiry) == "2027-03-01"
    assert [(loc.code, q) for loc, q in wax.balances] == [("STORE", D(40000))]
    assert queries.lot_detail(result.lots[1].code).lot.unit_cost == D("0.09")


def test_a_receipt_with_one_bad_line_writes_nothing(app):
    candle_workshop()
    receive("WAX", "100")
    before = snapshot()
    for bad_line in ({"item": "NOPE", "quantity": 1}, {"item": "WICK", "quantity": "-1"},
                     {"item": "WICK", "quantity": "abc"}, {"item": "WICK", "quantity": 1,
                                                           "unit": "kg"},
                     {"item": "WICK", "quantity": 1, "expiry": "31/12/2026"}):
        with pytest.raises((NotFound, BadInput)):
            stock.receive_goods(supplier="S", location="STORE",
                                lines=[{"item": "WAX", "quantity": 5}, bad_line])
        db.session.rollback()
        assert snapshot() == before


def test_taking_more_than_on_hand_is_refused_and_changes_nothing(app):
    candle_workshop()
    code = receive("WAX", "500")
    before = snapshot()
    with pytest.raises(InsufficientStock):
        stock.transfer_stock(lot=code, source="STORE", destination="SHELF", quantity="500.001")
    db.session.rollback()
    with pytest.raises(InsufficientStock):
        stock.adjust_stock(lot=code, location="SHELF", quantity="-1", reason="x")
    db.session.rollback()
    assert snapshot() == before


def test_wrong_unit_dimension_is_refused_with_a_clear_message(app):
    candle_workshop()
    code = receive("WICK", "10")
    with pytest.raises(UnitMismatch, match="cannot convert"):
        stock.transfer_stock(lot=code, source="STORE", destination="SHELF", quantity=1,
                             unit="kg")


def test_balances_equal_the_sum_of_their_movements(app):
    candle_workshop()
    a = receive("WAX", "1000")
    b = receive("FO-LAV", "2", unit="l")
    stock.transfer_stock(lot=a, source="STORE", destination="SHELF", quantity="250.5")
    stock.transfer_stock(lot=a, source="SHELF", destination="STORE", quantity="0.5")
    stock.adjust_stock(lot=b, location="STORE", quantity="-13.25", reason="spill")
    for balance in db.session.query(Balance):
        total = db.session.execute(
            select(func.sum(Movement.quantity)).where(Movement.lot_id == balance.lot_id,
                                                      Movement.location_id ==
                                                      balance.location_id)).scalar()
        assert balance.quantity == total


def test_status_change_records_reason_and_refuses_bad_values(app):
    candle_workshop()
    code = receive("WAX", "10")
    stock.change_lot_status(lot=code, status="blocked", reason="supplier recall")
    event = db.session.execute(select(LotEvent)).scalar_one()
    assert (event.old_value, event.new_value, event.reason) == ("released", "blocked",
                                                                 "supplier recall")
    before = snapshot()
    for status, reason in (("gone", "x"), ("released", ""), ("blocked", "again")):
        with pytest.raises(BadInput.__mro__[1]):
            stock.change_lot_status(lot=code, status=status, reason=reason)
        db.session.rollback()
    assert snapshot() == before


def test_requires_qc_items_start_in_quarantine_and_are_not_available(app):
    candle_workshop()
    item_actions.create_item(sku="SHEA", name="Shea butter", kind="material", unit="kg",
                        requires_qc=True)
    code = receive("SHEA", "25")
    item = queries.item_by_sku("SHEA")
    assert queries.lot_detail(code).lot.status == "quarantine"
    assert queries.item_stock(item).on_hand == D(25)
    assert queries.item_stock(item).available == D(0)
    stock.change_lot_status(lot=code, status="released", reason="QC passed")
    assert queries.item_stock(item).available == D(25)


def test_available_excludes_expired_and_fefo_suggestion_orders_lots(app):
    candle_workshop()
    late = receive("WAX", "300", expiry=in_days(90))
    soon = receive("WAX", "200", expiry=in_days(10))
    never = receive("WAX", "100")
    receive("WAX", "1000", expiry=in_days(-1))
    item = queries.item_by_sku("WAX")
    assert queries.item_stock(item).on_hand == D(1600)
    assert queries.item_stock(item).available == D(600)
    picks, missing = queries.suggest_for_item(item, D(550))
    assert [(p.lot, p.quantity) for p in picks] == [(soon, 200), (late, 300), (never, 50)]
    assert missing == 0
    listed = queries.list_lots(item="WAX")
    assert [lot.code for lot, _ in listed.rows][1:] == [soon, late, never]


def test_lot_codes_are_unique_and_sequential_per_day(app):
    candle_workshop()
    codes = [receive("WICK", "1") for _ in range(3)]
    assert len(set(codes)) == 3
    assert [c[-3:] for c in codes] == ["001", "002", "003"]
