"""A manager corrects a lot's unit cost: the stock on hand is revalued by
movements that keep on hand = Σ quantities and value = Σ quantity × cost, now and at any
past instant; what was used before keeps its old cost and the answer says how much."""

from decimal import Decimal as D

from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, LotEvent, Movement, MovementKind
from krafte_pwa.models.types import utcnow
from krafte_pwa.services import reports
from tests.production_factories import lot_by_code
from tests.trade_factories import recall_workshop


def test_cost_correction_revalues_stock_on_hand(client, manager, operator):
    """A cosmetics maker: shea lot S2 (3 kg at 10.20) partly used in base creams; the
    invoice says 11.00 a kg."""
    lots = recall_workshop(client, manager, operator)
    s2 = lot_by_code(lots["s2"])
    before = utcnow()
    value_before = reports.valuation().total
    b1_cost = lot_by_code(lots["b1"]).unit_cost
    on_hand = db.session.execute(select(func.sum(Balance.quantity))
                                 .where(Balance.lot_id == s2.id)).scalar()
    refused = client.post(f"/api/v1/lots/{s2.code}/cost", headers=operator,
                          json={"unit_cost": "11", "reason": "invoice"})
    assert refused.status_code == 403
    answer = client.post(f"/api/v1/lots/{s2.code}/cost", headers=manager,
                         json={"unit_cost": "11", "reason": "invoice FA-123"})
    assert answer.status_code == 200, answer.json
    assert answer.json["code"] == s2.code and answer.json["unit_cost"] == "11"
    assert answer.json["old_unit_cost"] == "10.2"
    assert D(answer.json["revalued_quantity"]) == on_hand
    assert D(answer.json["value_change"]) == on_hand * D("0.8")
    assert D(answer.json["consumed_at_old_cost"]["quantity"]) == D("3") - on_hand
    assert answer.json["output_lots"] == sorted([lots["b1"], lots["b2"]])
    db.session.expire_all()
    assert lot_by_code(lots["b1"]).unit_cost == b1_cost  # lots made from it: not rewritten
    # on hand is still the sum of movements, and value now = value before + change
    for balance in db.session.query(Balance).filter(Balance.lot_id == s2.id):
        assert balance.quantity == db.session.execute(
            select(func.sum(Movement.quantity)).where(
                Movement.lot_id == s2.id,
                Movement.location_id == balance.location_id)).scalar()
    assert reports.valuation().total == value_before + on_hand * D("0.8")
    # the past is unchanged, computed either way through the ledger
    for strategy in ("forward", "backward"):
        assert reports.valuation(before.isoformat(), strategy=strategy).total == value_before
    event = db.session.execute(select(LotEvent).where(LotEvent.kind == "cost")).scalar_one()
    assert (event.old_value, event.new_value, event.reason) == ("10.2", "11", "invoice FA-123")
    kinds = db.session.execute(select(Movement.kind).where(
        Movement.document == answer.json["document"])).scalars().all()
    assert sorted(kinds) == [MovementKind.REVALUATION_OUT, MovementKind.REVALUATION_IN]
    # the lots made from it are not rewritten
    again = client.post(f"/api/v1/lots/{s2.code}/cost", headers=manager,
                        json={"unit_cost": "11", "reason": "again"})
    assert again.status_code == 409 and again.json["error"]["code"] == "no_change"
    for bad in ({"unit_cost": "-1", "reason": "x"}, {"unit_cost": "1"},
                {"unit_cost": "0.123456789", "reason": "x"}):
        assert client.post(f"/api/v1/lots/{s2.code}/cost", headers=manager,
                           json=bad).status_code == 400


def test_lot_page_cost_form_for_managers_only(client, manager, operator, login_as):
    lots = recall_workshop(client, manager, operator)
    login_as("operator")
    page = client.get(f"/l/{lots['s1']}").get_data(as_text=True)
    assert "unit_cost" not in page
    assert client.post(f"/l/{lots['s1']}/cost", data={"unit_cost": "1", "reason": "x"}
                       ).status_code in (302, 403)
    assert lot_by_code(lots["s1"]).unit_cost == D("9.8")
    login_as("manager")
    page = client.get(f"/l/{lots['b1']}").get_data(as_text=True)
    assert 'name="unit_cost"' in page
