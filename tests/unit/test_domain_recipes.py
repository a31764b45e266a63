"""Recipe rules without an app: scaling, netting over levels, most makeable, costing,
expiry, the order state table."""

from datetime import date
from decimal import Decimal as D

import pytest

from krafte_pwa.domain.order_states import TransitionError, allowed_actions, next_status
from krafte_pwa.domain.recipes import (
    Formula,
    Line,
    RecipeError,
    batch_cost,
    explode,
    max_makeable,
    output_expiry,
    requirement,
    unit_cost,
)

BOOK = {
    # base cream: 10 kg from 2 kg shea and 0.5 kg emulsifier; cream: 0.05 kg base + a pot
    "BASE": Formula("BASE", D(10), (Line("SHEA", D(2)), Line("EMU", D("0.5")))),
    "CREAM": Formula("CREAM", D(1), (Line("BASE", D("0.05")), Line("POT", D(1), whole=True),
                                     Line("SHEA", D("0.01")))),
}


def test_requirement_scales_with_loss_and_rounds_up():
    assert requirement(D(200), D(100), D(1), D(2)) == D(20400)
    assert requirement(D(500), D(10), D(3), D("1.5")) == D("1691.666667")
    assert requirement(D(1), D(10), D(3), whole=True) == D(4)
    with pytest.raises(RecipeError):
        requirement(D(1), D(1), D(0))


def test_explode_nets_each_level_and_sums_a_shared_component_first():
    stock = {"SHEA": D(5), "EMU": D(1), "POT": D(500), "BASE": D(2)}
    result = explode(BOOK, "CREAM", D(100), stock)
    # cream needs 5 kg base (2 in stock: make 3) and 1 kg shea directly; base needs 0.6 kg
    # shea and 0.15 kg emulsifier; shea in all 1.6 of 5
    assert result.feasible and result.to_produce == [("BASE", D(3))]
    assert result.gross["SHEA"] == D("1.6")
    short = explode(BOOK, "CREAM", D(500), stock)
    assert not short.feasible
    assert [(s.item, s.required, s.available, s.missing) for s in short.shortages] == [
        ("EMU", D("1.15"), D(1), D("0.15")), ("SHEA", D("9.6"), D(5), D("4.6"))]


def test_max_makeable_is_the_exact_frontier():
    stock = {"SHEA": D(5), "EMU": D(1), "POT": D(500), "BASE": D(2)}
    best = max_makeable(BOOK, "CREAM", stock)
    assert explode(BOOK, "CREAM", best, stock).feasible
    assert not explode(BOOK, "CREAM", best + 1, stock).feasible
    # shea: 0.01 N direct + 0.2 × (0.05 N - 2 kg of base in stock) <= 5  ->  N <= 270
    assert best == 270
    assert max_makeable(BOOK, "BASE", stock, D("0.001")) == D(20)
    assert max_makeable(BOOK, "CREAM", {}) == 0


def test_a_cycle_is_an_error():
    book = {"A": Formula("A", D(1), (Line("B", D(1)),)),
            "B": Formula("B", D(1), (Line("A", D(1)),))}
    with pytest.raises(RecipeError, match="cycle"):
        explode(book, "A", D(1), {})


def test_costing_is_exact_and_unit_cost_kept_to_8_places():
    cost = batch_cost(D("360.40"), D(100), D(1), labour_minutes=D(3), labour_rate=D(24),
                      overhead_per_batch=D("0.5"), overhead_percent=D(5))
    assert (cost.labour, cost.overhead, cost.total) == (D(120), D("68.02"), D("548.42"))
    assert unit_cost(cost.total, D(98)) == D("5.59612245")
    third = batch_cost(D(0), D(1), D(3), labour_minutes=D(20), labour_rate=D(10))
    assert third.labour == D("1.11111111")


def test_output_expiry_is_capped_by_the_earliest_input():
    made = date(2026, 1, 10)
    assert output_expiry(made, 30, [date(2026, 3, 1), None]) == date(2026, 2, 9)
    assert output_expiry(made, 365, [date(2026, 3, 1), date(2026, 5, 1)]) == date(2026, 3, 1)
    assert output_expiry(made, 365, [date(2026, 3, 1)], cap_by_inputs=False) == \
        date(2027, 1, 10)
    assert output_expiry(made, None, [None]) is None


def test_order_state_table():
    assert next_status("planned", "start") == "in_progress"
    assert next_status("in_progress", "complete") == "completed"
    assert next_status("planned", "cancel") == next_status("in_progress", "cancel") == \
        "cancelled"
    for status, action in (("planned", "complete"), ("completed", "complete"),
                           ("completed", "cancel"), ("cancelled", "start"),
                           ("in_progress", "start")):
        with pytest.raises(TransitionError):
            next_status(status, action)
    assert allowed_actions("completed") == [] and allowed_actions("planned") == ["start",
                                                                                 "cancel"]
