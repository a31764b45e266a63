"""Random sequences of receipts and production (plan, start, complete, cancel) keep the
ledger's and production's promises, on SQLite and PostgreSQL.

Two levels: a wax mix (intermediate, g) made from wax, and candles made from the mix and
wicks. After every step: each balance equals the sum of its movements and none is
negative; reservations never exceed the usable stock on hand; WIP equals picked minus
consumed (returned, wasted) of open orders and is empty for closed ones; value is
conserved (value received + value of outputs = stock value + value consumed + value
wasted, and per order: picked = consumed + returned + wasted + still in WIP; the output's
value = consumed + labour + overhead within rounding); genealogy quantities equal the
consumption movements. Refusals leave the database exactly as it was.
"""

from datetime import date, timedelta
from decimal import ROUND_DOWN
from decimal import Decimal as D

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from krafte_pwa.errors import BadInput, InsufficientStock, InvalidTransition
from krafte_pwa.extensions import db
from krafte_pwa.models import (
    Balance,
    Genealogy,
    Location,
    Lot,
    Movement,
    MovementKind,
    Pick,
    ProductionOrder,
    ReceiptLine,
    Reservation,
)
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import production, recipes, stock, users
from tests.conftest import reset_database
from tests.production_factories import snapshot

SETTINGS = settings(max_examples=25, stateful_step_count=20, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])
TODAY = date.today()
EXPIRIES = (None, TODAY + timedelta(days=60), TODAY + timedelta(days=400),
            TODAY - timedelta(days=2))
COSTS = (D(0), D("0.004"), D("0.0125"), D("0.333333"), D("1.7"))
FRACTIONS = (D(0), D("0.5"), D(1), D("0.25"))
USES = (D(1), D(1), D("0.5"), D("0.25"), D(0))


class ProductionMachine(RuleBasedStateMachine):
    flask_app = None

    @initialize()
    def setup(self):
        db.session.remove()
        reset_database()
        self.manager = users.create_user(username="boss", password="boss-password",
                                         role="manager").id
        for code in ("STORE", "SHELF"):
            location_actions.create_location(code=code, name=code)
        item_actions.create_item(sku="WAX", name="Wax", kind="material", unit="g")
        item_actions.create_item(sku="WICK", name="Wick", kind="material", unit="pcs")
        item_actions.create_item(sku="MIX", name="Wax mix", kind="intermediate", unit="g",
                            shelf_life_days=100)
        item_actions.create_item(sku="CANDLE", name="Candle", kind="product", unit="pcs",
                            shelf_life_days=700)
        recipes.save_recipe(item="MIX", yield_quantity=100, labour_minutes=5, labour_rate=12,
                            overhead="1", lines=[{"item": "WAX", "quantity": 90,
                                                  "loss_percent": 10}])
        recipes.save_recipe(item="CANDLE", yield_quantity=3, overhead_percent="7.5",
                            lines=[{"item": "MIX", "quantity": 150},
                                   {"item": "WICK", "quantity": 3}])
        stock.receive_goods(supplier="S", location="STORE", today=TODAY, lines=[
            {"item": "WAX", "quantity": "6000", "unit_cost": "0.0042"},
            {"item": "WICK", "quantity": "60", "unit_cost": "0.06"}])
        first = production.plan_order(item="MIX", quantity=3000, today=TODAY)
        production.start_order(number=first.number, today=TODAY)
        production.complete_order(number=first.number, quantity="2950.5", location="STORE",
                                  today=TODAY)
        self.status: dict[str, str] = {first.number: "completed"}

    def _order(self, index: int, statuses) -> str | None:
        numbers = sorted(n for n, s in self.status.items() if s in statuses)
        return numbers[index % len(numbers)] if numbers else None

    # ------------------------------------------------------------ rules

    @rule(sku=st.sampled_from(["WAX", "WICK"]), quantity=st.integers(1, 8000),
          cost=st.sampled_from(COSTS), expiry=st.sampled_from(EXPIRIES),
          where=st.sampled_from(["STORE", "SHELF"]))
    def receive(self, sku, quantity, cost, expiry, where):
        line = {"item": sku, "quantity": quantity if sku == "WAX" else quantity // 40 + 1,
                "unit_cost": str(cost), "expiry": expiry.isoformat() if expiry else None}
        stock.receive_goods(supplier="S", location=where, lines=[line], today=TODAY)

    @precondition(lambda self: list(self.status.values()).count("planned") < 3)
    @rule(sku=st.sampled_from(["MIX", "CANDLE"]),
          quantity=st.one_of(st.integers(1, 12).map(D),
                             st.sampled_from([D("0.5"), D("2.345")])))
    def plan(self, sku, quantity):
        if sku == "CANDLE":
            quantity = quantity.to_integral_value() or D(1)
        scale = 100 if sku == "MIX" else 1
        order = production.plan_order(item=sku, quantity=quantity * scale,
                                      today=TODAY)
        self.status[order.number] = "planned"

    @precondition(lambda self: "planned" in self.status.values())
    @rule(index=st.integers(0, 20))
    def start(self, index):
        number = self._order(index, ("planned",))
        before = snapshot()
        try:
            production.start_order(number=number, user_id=self.manager, today=TODAY)
        except InsufficientStock:
            db.session.rollback()
            assert snapshot() == before
            return
        self.status[number] = "in_progress"

    @precondition(lambda self: "in_progress" in self.status.values())
    @rule(index=st.integers(0, 20), fractions=st.lists(st.sampled_from(USES), min_size=4,
                                                       max_size=4),
          waste=st.sampled_from(FRACTIONS), output=st.sampled_from(FRACTIONS[1:]))
    def complete(self, index, fractions, waste, output):
        number = self._order(index, ("in_progress",))
        order = db.session.execute(select(ProductionOrder)
                                   .where(ProductionOrder.number == number)).scalar_one()
        picked: dict[str, D] = {}
        for pick in order.picks:
            picked[pick.lot.code] = picked.get(pick.lot.code, D(0)) + pick.quantity
        consumed, wasted = [], []
        for i, (code, qty) in enumerate(sorted(picked.items())):
            use = (qty * fractions[i % 4]).quantize(D(1), rounding=ROUND_DOWN)
            consumed.append({"lot": code, "quantity": str(use)})
            spoil = ((qty - use) * waste).quantize(D("0.001"), rounding=ROUND_DOWN)
            if spoil > 0:
                wasted.append({"lot": code, "quantity": str(spoil), "reason": "spilt"})
        made = (order.planned_quantity * output).quantize(D(1)) or D(1)
        before = snapshot()
        try:
            production.complete_order(number=number, quantity=made, location="SHELF",
                                      consumed=consumed, waste=wasted, today=TODAY)
        except BadInput as exc:
            db.session.rollback()
            assert exc.code == "nothing_consumed"
            assert all(D(c["quantity"]) == 0 for c in consumed)
            assert snapshot() == before
            return
        self.status[number] = "completed"

    @precondition(lambda self: self.status)
    @rule(index=st.integers(0, 20), hesitate=st.integers(0, 2))
    def cancel(self, index, hesitate):
        number = self._order(index, ("planned", "in_progress"))
        if number is None or hesitate:  # cancel less often than the rest
            return
        production.cancel_order(number=number, reason="changed plans")
        self.status[number] = "cancelled"

    @precondition(lambda self: self.status)
    @rule(index=st.integers(0, 20), action=st.sampled_from(["start", "complete", "cancel"]))
    def transition_outside_the_table(self, index, action):
        allowed = {"start": ("planned",), "complete": ("in_progress",),
                   "cancel": ("planned", "in_progress")}[action]
        number = self._order(index, tuple(s for s in ("planned", "in_progress", "completed",
                                                      "cancelled") if s not in allowed))
        if number is None:
            return
        call = {"start": production.start_order, "complete": production.complete_order,
                "cancel": production.cancel_order}[action]
        kwargs = {"quantity": 1, "location": "SHELF"} if action == "complete" else {}
        before = snapshot()
        try:
            call(number=number, **kwargs)
        except InvalidTransition:
            db.session.rollback()
        else:
            raise AssertionError(f"{action} of a {self.status[number]} order was allowed")
        assert snapshot() == before

    # ------------------------------------------------------------ invariants

    @invariant()
    def statuses_match(self):
        if not hasattr(self, "status"):
            return
        rows = dict(db.session.execute(select(ProductionOrder.number,
                                              ProductionOrder.status)).all())
        assert rows == self.status

    @invariant()
    def balances_equal_movements_and_are_not_negative(self):
        sums = {(lot, loc): q for lot, loc, q in db.session.execute(
            select(Movement.lot_id, Movement.location_id, func.sum(Movement.quantity))
            .group_by(Movement.lot_id, Movement.location_id)).all()}
        balances = {(b.lot_id, b.location_id): b.quantity
                    for b in db.session.execute(select(Balance)).scalars()}
        assert {k: v for k, v in sums.items() if v != 0} == \
            {k: v for k, v in balances.items() if v != 0}
        assert all(v >= 0 for v in balances.values())

    @invariant()
    def reservations_never_exceed_usable_on_hand(self):
        usable = dict(db.session.execute(
            select(Balance.item_id, func.sum(Balance.quantity))
            .join(Lot, Lot.id == Balance.lot_id).join(Location, Location.id == Balance.location_id)
            .where(Location.kind == "storage", Lot.status == "released",
                   (Lot.expiry.is_(None)) | (Lot.expiry >= TODAY))
            .group_by(Balance.item_id)).all())
        held = db.session.execute(
            select(Reservation.item_id, func.sum(Reservation.quantity))
            .join(ProductionOrder, ProductionOrder.id == Reservation.order_id)
            .where(ProductionOrder.status.in_(("planned", "in_progress")))
            .group_by(Reservation.item_id)).all()
        for item_id, quantity in held:
            assert quantity <= usable.get(item_id, D(0))
        closed = db.session.execute(
            select(func.count()).select_from(Reservation)
            .join(ProductionOrder, ProductionOrder.id == Reservation.order_id)
            .where(ProductionOrder.status != "planned", Reservation.quantity != 0)).scalar()
        assert closed == 0

    @invariant()
    def wip_is_picked_minus_used_of_open_orders(self):
        for order in db.session.execute(select(ProductionOrder)).scalars():
            if order.wip_location_id is None:
                assert order.status in ("planned", "cancelled") and not order.picks
                continue
            in_wip = {lot: q for lot, q in db.session.execute(
                select(Balance.lot_id, Balance.quantity)
                .where(Balance.location_id == order.wip_location_id,
                       Balance.quantity != 0)).all()}
            expected: dict[int, D] = {}
            for pick in order.picks:
                left = pick.quantity - pick.consumed - pick.returned - pick.wasted
                if left:
                    expected[pick.lot_id] = expected.get(pick.lot_id, D(0)) + left
            assert in_wip == expected
            if order.status != "in_progress":
                assert in_wip == {}
            else:
                assert all(p.consumed == p.returned == p.wasted == 0 for p in order.picks)

    @invariant()
    def value_is_conserved(self):
        received = sum((q * c for q, c in db.session.execute(
            select(ReceiptLine.quantity, Lot.unit_cost).join(Lot, Lot.id == ReceiptLine.lot_id)
        ).all()), D(0))
        in_stock = sum((q * c for q, c in db.session.execute(
            select(Balance.quantity, Lot.unit_cost).join(Lot, Lot.id == Balance.lot_id)).all()),
            D(0))
        outputs = consumed = wasted = D(0)
        for order in db.session.execute(select(ProductionOrder)).scalars():
            order_consumed = sum((p.consumed * p.lot.unit_cost for p in order.picks), D(0))
            picked = sum((p.quantity * p.lot.unit_cost for p in order.picks), D(0))
            parts = sum(((p.consumed + p.returned + p.wasted) * p.lot.unit_cost
                         for p in order.picks), D(0))
            still = sum(((p.quantity - p.consumed - p.returned - p.wasted) * p.lot.unit_cost
                         for p in order.picks), D(0))
            assert picked == parts + still
            consumed += order_consumed
            wasted += sum((p.wasted * p.lot.unit_cost for p in order.picks), D(0))
            if order.status == "completed":
                made = order.actual_quantity * order.output_lot.unit_cost
                outputs += made
                assert order.actual_material_cost == order_consumed.quantize(D("1E-8"))
                exact = order_consumed + order.actual_labour_cost + order.actual_overhead_cost
                assert abs(made - exact) <= order.actual_quantity * D("0.000000005")
        assert received + outputs == in_stock + consumed + wasted

    @invariant()
    def genealogy_equals_consumption(self):
        moved = {(doc, lot): -q for doc, lot, q in db.session.execute(
            select(Movement.document, Movement.lot_id, func.sum(Movement.quantity))
            .where(Movement.kind == MovementKind.CONSUME)
            .group_by(Movement.document, Movement.lot_id)).all()}
        recorded = {(doc, lot): q for doc, lot, q in db.session.execute(
            select(ProductionOrder.number, Genealogy.input_lot_id, Genealogy.quantity)
            .join(ProductionOrder, ProductionOrder.id == Genealogy.order_id)).all()}
        assert moved == recorded
        picks = {}
        for pick in db.session.execute(select(Pick).where(Pick.consumed > 0)).scalars():
            key = (pick.order.number, pick.lot_id)
            picks[key] = picks.get(key, D(0)) + pick.consumed
        assert picks == recorded


def test_random_production_keeps_stock_wip_value_and_genealogy_exact(app):
    class Machine(ProductionMachine):
        flask_app = app

    run_state_machine_as_test(Machine, settings=SETTINGS)
