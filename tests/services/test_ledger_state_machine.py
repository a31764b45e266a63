"""Random sequences of stock operations keep the ledger's promises, on SQLite and PostgreSQL.

A hypothesis state machine receives, transfers, adjusts, changes lot statuses (through the
services) and sends idempotent API calls that it replays, next to a plain-Python model of
what the stock must be. After every step: each balance equals the sum of its movements,
none is negative, the stock per lot and location is the model's, and the stock value
Σ(quantity × lot unit cost) is the model's to the last digit. Refused operations and
replays are checked in the step itself: they leave the database exactly as it was.
"""

import decimal
import itertools
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
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

from krafte_pwa.errors import BadInput, Conflict, InsufficientStock, NotFound
from krafte_pwa.extensions import db
from krafte_pwa.models import (
    Balance,
    IdempotencyRecord,
    Location,
    Lot,
    LotEvent,
    Movement,
    Partner,
    Receipt,
    Sequence,
)
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import queries, stock, users
from tests.conftest import reset_database

# Derandomized: the same 40 sequences on every run, so the check that every kind of outcome
# was reached cannot fail by chance (a random run once missed "refused Conflict").
SETTINGS = settings(max_examples=40, stateful_step_count=20, deadline=None, database=None,
                    derandomize=True, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])

TODAY = date.today()
LOCATIONS = ("STORE", "SHELF", "COLD")
# sku -> (base unit, units a line may use with their factor to the base unit, requires_qc)
ITEMS = {
    "WAX": ("g", {None: D(1), "g": D(1), "kg": D(1000)}, False),
    "OIL": ("ml", {None: D(1), "l": D(1000)}, False),
    "WICK": ("pcs", {None: D(1)}, False),
    "SHEA": ("kg", {None: D(1)}, True),
}
EXPIRIES = (None, None, TODAY + timedelta(days=200), TODAY - timedelta(days=3))

micro = D("0.000001")
quantities = st.one_of(
    st.integers(1, 5000).map(D),
    st.integers(1, 5_000_000_000).map(lambda n: D(n) * micro),  # up to 6 places
    st.sampled_from([D("0.1"), D("0.2"), D("0.3"), D("0.000001"), D("12.5")]),
)
unit_costs = st.one_of(
    st.just(D(0)),
    st.integers(0, 500_000_000).map(lambda n: D(n) * micro),
    st.sampled_from([D("0.004"), D("4.2"), D("0.1"), D("0.333333")]),
)


def exact():
    """Decimal arithmetic that raises rather than rounds."""
    ctx = decimal.Context(prec=80, traps=[decimal.Inexact, decimal.InvalidOperation])
    return decimal.localcontext(ctx)


def shown(value: D, style: str, *, api: bool = False):
    """How a user or a phone may send a quantity: 12.5, "12.5", "12,5", a JSON number."""
    text = format(value, "f")
    if style == "comma":
        return text.replace(".", ",")
    if style == "number":
        return int(value) if value == value.to_integral_value() else float(text)
    if style == "decimal" and not api:
        return value
    return text


styles = st.sampled_from(["text", "comma", "number", "decimal"])


def snapshot():
    """Everything a refusal or a replay must leave untouched."""
    db.session.expire_all()

    def count(model):
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()

    state = (
        {model.__name__: count(model) for model in (Movement, Lot, Receipt, LotEvent, Partner,
                                                     IdempotencyRecord)},
        sorted(db.session.execute(
            select(Balance.lot_id, Balance.location_id, Balance.quantity)).all()),
        sorted(db.session.execute(select(Lot.code, Lot.status, Lot.unit_cost)).all()),
        sorted(db.session.execute(select(Sequence.key, Sequence.last)).all()),
    )
    db.session.rollback()
    return state


class LedgerMachine(RuleBasedStateMachine):
    """Subclassed in each test with `flask_app` set to the app under test."""

    flask_app = None
    seen: Counter  # what the run did, so a test can check it was not vacuous

    @initialize()
    def start_from_an_empty_workshop(self):
        db.session.remove()
        reset_database()
        for code in LOCATIONS:
            location_actions.create_location(code=code, name=code.title())
        item_actions.create_item(sku="WAX", name="Soy wax", kind="material", unit="g")
        item_actions.create_item(sku="OIL", name="Lavender oil", kind="material", unit="ml",
                            density="0.95")
        item_actions.create_item(sku="WICK", name="Wick", kind="material", unit="pcs")
        item_actions.create_item(sku="SHEA", name="Shea butter", kind="material", unit="kg",
                            requires_qc=True)
        users.create_user(username="boss", password="boss-password", role="manager")
        token = users.create_token(username="boss", password="boss-password")
        self.auth = {"Authorization": "Bearer " + token}
        self.client = self.flask_app.test_client()
        self.keys = itertools.count(1)
        # the model: lot code -> facts; (lot code, location) -> quantity
        self.lots: dict[str, dict] = {}
        self.stock: dict[tuple[str, str], D] = {}
        self.movements = 0  # how many the accepted operations must have written
        self.answered: list[tuple[str, dict, str, int, dict]] = []  # successful keyed calls

    # ---- helpers --------------------------------------------------------------------

    def on_hand(self, code, location) -> D:
        return self.stock.get((code, location), D(0))

    def add(self, code, location, quantity: D):
        """One movement of `quantity` for the lot at the location."""
        self.movements += 1
        with exact():
            self.stock[(code, location)] = self.on_hand(code, location) + quantity
        assert self.stock[(code, location)] >= 0

    def expect_refusal(self, error, action):
        before = snapshot()
        with pytest.raises(error) as refused:
            action()
        self.seen[f"refused {type(refused.value).__name__}"] += 1
        db.session.rollback()
        assert snapshot() == before, "a refused operation changed the database"

    def draw_line(self, data, *, api=False):
        sku = data.draw(st.sampled_from(sorted(ITEMS)))
        _, units, requires_qc = ITEMS[sku]
        unit = data.draw(st.sampled_from(sorted(units, key=str)))
        quantity = data.draw(quantities)
        cost = data.draw(unit_costs)
        expiry = data.draw(st.sampled_from(EXPIRIES))
        line = {"item": sku, "quantity": shown(quantity, data.draw(styles), api=api),
                "unit_cost": shown(cost, data.draw(styles), api=api)}
        if unit:
            line["unit"] = unit
        if expiry:
            line["expiry"] = expiry.isoformat()
        with exact():
            base_quantity = quantity * units[unit]
        with decimal.localcontext(decimal.Context(prec=80)):
            # a price per entered unit -> per base unit, kept to 8 places (six at the very least)
            base_cost = (cost / units[unit]).quantize(D("0.00000001")) if unit and cost \
                else cost
        expected = {"item": sku, "quantity": base_quantity, "cost": base_cost,
                    "status": "quarantine" if requires_qc else "released", "expiry": expiry}
        return line, expected

    def record_receipt(self, location, lots, expected):
        """Lots as the service (ReceivedLot) or the API (JSON) answers them, in line order."""
        lots = [(lot["code"], lot["item"], D(lot["quantity"])) if isinstance(lot, dict)
                else (lot.code, lot.item, lot.quantity) for lot in lots]
        assert [item for _, item, _ in lots] == [e["item"] for e in expected]
        for (code, _, quantity), facts in zip(lots, expected, strict=True):
            assert quantity == facts["quantity"]
            assert code not in self.lots, f"lot code {code} given twice"
            self.lots[code] = dict(facts)
            self.add(code, location, facts["quantity"])

    def lot_codes(self):
        return st.sampled_from(sorted(self.lots))

    def place(self, data, *, stocked: bool) -> tuple[str, str]:
        """A (lot, location) that has stock, or any pair (mostly one with nothing there)."""
        pairs = sorted(key for key, qty in self.stock.items() if qty > 0)
        if stocked and pairs:
            return data.draw(st.sampled_from(pairs))
        return data.draw(self.lot_codes()), data.draw(st.sampled_from(LOCATIONS))

    def take_quantity(self, data, available: D, *, enough: bool):
        """A quantity that fits in `available`, or one that does not."""
        if enough:
            return D(data.draw(st.integers(1, int(available / micro)))) * micro
        over = data.draw(st.sampled_from([micro, D("0.001"), D(1), D(1000)]))
        return available + over

    # ---- rules through the services --------------------------------------------------

    @rule(data=st.data(), location=st.sampled_from(LOCATIONS), lines=st.integers(1, 3),
          supplier=st.sampled_from(["Cires du Sud", "cires du sud", "Aroma SA", None]))
    def receive(self, data, location, lines, supplier):
        drawn = [self.draw_line(data) for _ in range(lines)]
        result = stock.receive_goods(supplier=supplier, location=location,
                                     lines=[line for line, _ in drawn])
        assert result.number.startswith(f"RC-{TODAY.year}-")
        self.record_receipt(location, result.lots, [facts for _, facts in drawn])
        self.seen["receipt accepted"] += 1

    @rule(data=st.data(), location=st.sampled_from(LOCATIONS + ("MARS",)),
          bad=st.sampled_from(["unknown_item", "negative", "zero", "text", "dimension",
                               "date", "cost"]))
    def receive_with_a_bad_line(self, data, location, bad):
        good, _ = self.draw_line(data)
        wrong = {
            "unknown_item": {"item": "NOPE", "quantity": 1},
            "negative": {"item": "WAX", "quantity": "-1"},
            "zero": {"item": "WAX", "quantity": "0,0"},
            "text": {"item": "WAX", "quantity": "a lot"},
            "dimension": {"item": "WICK", "quantity": 1, "unit": "kg"},
            "date": {"item": "WAX", "quantity": 1, "expiry": "31/12/2030"},
            "cost": {"item": "WAX", "quantity": 1, "unit_cost": "-0,5"},
        }[bad]
        lines = data.draw(st.permutations([good, wrong]))
        self.expect_refusal((BadInput, NotFound), lambda: stock.receive_goods(
            supplier="New Supplier Ltd", location=location, lines=lines))

    @precondition(lambda self: self.lots)
    @rule(data=st.data(), enough=st.booleans(), style=styles)
    def transfer(self, data, enough, style):
        code, source = self.place(data, stocked=enough)
        destination = data.draw(st.sampled_from([x for x in LOCATIONS if x != source]))
        available = self.on_hand(code, source)
        enough = enough and available > 0
        quantity = self.take_quantity(data, available, enough=enough)
        do = lambda: stock.transfer_stock(  # noqa: E731
            lot=code, source=source, destination=destination, quantity=shown(quantity, style))
        if not enough:
            self.expect_refusal(InsufficientStock, do)
            return
        do()
        self.seen["transfer accepted"] += 1
        self.add(code, source, -quantity)
        self.add(code, destination, quantity)

    @precondition(lambda self: self.lots)
    @rule(data=st.data())
    def transfer_to_the_same_place_or_nowhere(self, data):
        code = data.draw(self.lot_codes())
        source, destination = data.draw(st.sampled_from([("STORE", "STORE"), ("STORE", "MARS"),
                                                         ("MARS", "SHELF")]))
        self.expect_refusal((BadInput, NotFound), lambda: stock.transfer_stock(
            lot=code, source=source, destination=destination, quantity="1"))

    @precondition(lambda self: self.lots)
    @rule(data=st.data(), direction=st.sampled_from(["add", "take", "take", "too_much", "zero"]),
          reason=st.sampled_from(["count", "spill", "damaged", "", None]), style=styles)
    def adjust(self, data, direction, reason, style):
        code, location = self.place(data, stocked=direction != "add")
        available = self.on_hand(code, location)
        if direction == "take" and available == 0:
            direction = "too_much"
        if direction == "add":
            quantity = data.draw(quantities)
        elif direction == "take":
            quantity = -self.take_quantity(data, available, enough=True)
        elif direction == "too_much":
            quantity = -self.take_quantity(data, available, enough=False)
        else:
            quantity = D(0)
        do = lambda: stock.adjust_stock(  # noqa: E731
            lot=code, location=location, quantity=shown(quantity, style), reason=reason)
        if not reason:
            self.expect_refusal(BadInput, do)
        elif direction == "zero":
            self.expect_refusal(BadInput, do)
        elif direction == "too_much":
            self.expect_refusal(InsufficientStock, do)
        else:
            do()
            self.seen["adjustment accepted"] += 1
            self.add(code, location, quantity)

    @precondition(lambda self: self.lots)
    @rule(data=st.data(), status=st.sampled_from(["released", "quarantine", "blocked",
                                                  "released", "blocked", "gone", "Released"]),
          reason=st.sampled_from(["QC passed", "recall", "smell", None]))
    def change_status(self, data, status, reason):
        code = data.draw(self.lot_codes())
        do = lambda: stock.change_lot_status(lot=code, status=status, reason=reason)  # noqa: E731
        if status not in ("released", "quarantine", "blocked") or not reason:
            self.expect_refusal(BadInput, do)
        elif self.lots[code]["status"] == status:
            self.expect_refusal(Conflict, do)
        else:
            do()
            self.seen["status change accepted"] += 1
            self.lots[code]["status"] = status

    # ---- idempotent API calls, replayed -------------------------------------------------

    def api_call(self, data):
        """A state-changing API call drawn from the model, and what it does if accepted."""
        kinds = ["receipt"] + (["transfer", "adjustment", "status"] if self.lots else [])
        kind = data.draw(st.sampled_from(kinds))
        if kind == "receipt":
            drawn = [self.draw_line(data, api=True) for _ in range(data.draw(st.integers(1, 2)))]
            location = data.draw(st.sampled_from(LOCATIONS))
            body = {"supplier": "Phone Supplies", "location": location,
                    "lines": [line for line, _ in drawn]}

            def apply(answer):
                self.record_receipt(location, answer["lots"], [facts for _, facts in drawn])

            return "/api/v1/receipts", body, apply
        enough = data.draw(st.booleans())
        code, source = self.place(data, stocked=enough)
        if kind == "status":
            status = data.draw(st.sampled_from(["released", "quarantine", "blocked"]))

            def apply(answer):
                assert answer["status"] == status
                self.lots[code]["status"] = status

            return f"/api/v1/lots/{code}/status", {"status": status, "reason": "phone"}, apply
        available = self.on_hand(code, source)
        enough = enough and available > 0
        quantity = self.take_quantity(data, available, enough=enough)
        style = data.draw(st.sampled_from(["text", "comma", "number"]))
        if kind == "transfer":
            destination = data.draw(st.sampled_from([x for x in LOCATIONS if x != source]))
            body = {"lot": code, "from": source, "to": destination,
                    "quantity": shown(quantity, style, api=True)}

            def apply(answer):
                self.add(code, source, -quantity)
                self.add(code, destination, quantity)

            return "/api/v1/transfers", body, apply
        sign = data.draw(st.sampled_from([-1, 1]))
        body = {"lot": code, "location": source, "quantity": shown(sign * quantity, style,
                                                                   api=True),
                "reason": "offline count"}

        def apply(answer):
            self.add(code, source, sign * quantity)

        return "/api/v1/adjustments", body, apply

    def send(self, path, body, key):
        return self.client.post(path, json=body, headers={**self.auth, "Idempotency-Key": key})

    @rule(data=st.data(), replays=st.integers(1, 2))
    def api_call_then_replay(self, data, replays):
        path, body, apply = self.api_call(data)
        key = f"phone-{next(self.keys)}"
        before = snapshot()
        first = self.send(path, body, key)
        assert first.is_json and first.status_code < 500, first.get_data(as_text=True)
        self.seen[f"API {path.rsplit('/', 1)[-1]} {first.status_code}"] += 1
        if first.status_code < 300:
            apply(first.json)
            self.answered.append((path, body, key, first.status_code, first.json))
        else:
            assert first.json["error"]["code"] in ("insufficient_stock", "no_change"), first.json
            assert snapshot() == before, "a refused API call changed the database"
        after_first = snapshot()
        for _ in range(replays):
            again = self.send(path, body, key)
            assert (again.status_code, again.json) == (first.status_code, first.json)
            if first.status_code < 300:
                assert again.headers.get("Idempotent-Replayed") == "true"
            assert snapshot() == after_first, "a replay changed the database"

    @precondition(lambda self: self.answered)
    @rule(data=st.data(), same_body=st.booleans())
    def replay_an_earlier_call(self, data, same_body):
        """A phone that comes back online later sends an old request again."""
        path, body, key, status, answer = data.draw(st.sampled_from(self.answered))
        before = snapshot()
        if same_body:
            again = self.send(path, body, key)
            assert (again.status_code, again.json) == (status, answer)
            assert again.headers.get("Idempotent-Replayed") == "true"
        else:
            again = self.send(path, {**body, "extra": "changed"}, key)
            assert again.status_code == 409
            assert again.json["error"]["code"] == "idempotency_key_reused"
        self.seen["later replay"] += 1
        assert snapshot() == before, "a replay changed the database"

    # ---- invariants ------------------------------------------------------------------

    @invariant()
    def ledger_agrees_with_balances_and_model(self):
        if not hasattr(self, "lots"):
            return
        session = db.session
        session.expire_all()
        balances = {(lot, loc): qty for lot, loc, qty in session.execute(
            select(Balance.lot_id, Balance.location_id, Balance.quantity))}
        sums = {(lot, loc): qty for lot, loc, qty in session.execute(
            select(Movement.lot_id, Movement.location_id, func.sum(Movement.quantity))
            .group_by(Movement.lot_id, Movement.location_id))}
        assert set(sums) <= set(balances), "movements without a balance row"
        assert session.execute(select(func.count(Movement.id))).scalar_one() == self.movements
        strays = session.execute(
            select(func.count(Movement.id)).join(Lot, Lot.id == Movement.lot_id)
            .where((Movement.unit_cost != Lot.unit_cost) | (Movement.item_id != Lot.item_id))
        ).scalar_one()
        assert strays == 0, "a movement does not carry its lot's item and unit cost"
        for key, quantity in balances.items():
            assert quantity == sums.get(key, D(0)), f"balance {key} is not its ledger sum"
            assert quantity >= 0, f"balance {key} is negative"
        lots = {lot.id: lot for lot in session.execute(select(Lot)).scalars()}
        places = dict(session.execute(select(Location.id, Location.code)).all())
        in_db = {(lots[lot].code, places[loc]): qty for (lot, loc), qty in balances.items()
                 if qty != 0}
        assert in_db == {key: qty for key, qty in self.stock.items() if qty != 0}
        assert {lot.code: (lot.status, lot.unit_cost, lot.expiry) for lot in lots.values()} == {
            code: (f["status"], f["cost"], f["expiry"]) for code, f in self.lots.items()}
        with exact():
            value = sum((qty * lots[lot].unit_cost for (lot, _), qty in balances.items()), D(0))
            expected = sum((qty * self.lots[code]["cost"]
                            for (code, _), qty in self.stock.items()), D(0))
        assert value == expected, "stock value is not Σ quantity × unit cost"
        for sku in ITEMS:
            figures = queries.item_stock(queries.item_by_sku(sku))
            mine = [(self.lots[code], qty) for (code, _), qty in self.stock.items()
                    if self.lots[code]["item"] == sku]
            with exact():
                assert figures.on_hand == sum((q for _, q in mine), D(0))
                assert figures.usable == sum((q for f, q in mine if f["status"] == "released"
                                              and (f["expiry"] is None
                                                   or f["expiry"] >= TODAY)), D(0))
        session.rollback()

    def teardown(self):
        db.session.remove()


def test_random_operations_keep_the_ledger_exact_and_never_negative(app):
    seen = Counter()

    class Machine(LedgerMachine):
        flask_app = app

    Machine.seen = seen
    run_state_machine_as_test(Machine, settings=SETTINGS)
    for outcome in ("receipt accepted", "transfer accepted", "adjustment accepted",
                    "status change accepted", "refused InsufficientStock", "refused BadInput",
                    "refused Conflict", "API receipts 201", "later replay"):
        assert seen[outcome], f"the machine never reached '{outcome}': {dict(seen)}"
    print(dict(sorted(seen.items())))
