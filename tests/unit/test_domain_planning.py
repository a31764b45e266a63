"""Planning as pure rules: low-level codes over a whole recipe book, netting each item
once after every level above it, reorder points and whole pieces."""

from decimal import Decimal as D

import pytest

from krafte_pwa.domain.planning import Demand, Stock, levels, plan
from krafte_pwa.domain.recipes import Formula, Line, RecipeError

# A cream (pcs) is 50 g of base and 1 pot; a lotion (pcs) is 100 g of base and 20 g of
# oil; the base (g, batches of 1 000) is 800 g of oil and 200 g of butter. Oil is used at
# two levels.
BOOK = {
    "CREAM": Formula("CREAM", D(1), (Line("BASE", D(50)), Line("POT", D(1), whole=True))),
    "LOTION": Formula("LOTION", D(1), (Line("BASE", D(100)), Line("OIL", D(20)))),
    "BASE": Formula("BASE", D(1000), (Line("OIL", D(800)), Line("BUTTER", D(200)))),
}


def test_levels_put_an_item_below_every_recipe_that_uses_it():
    assert levels(BOOK, ["WAX"]) == {"CREAM": 0, "LOTION": 0, "WAX": 0, "BASE": 1, "POT": 1,
                                     "OIL": 2, "BUTTER": 2}


def test_a_cycle_is_refused():
    book = {**BOOK, "BUTTER": Formula("BUTTER", D(1), (Line("CREAM", D(1)),))}
    with pytest.raises(RecipeError, match="cycle"):
        levels(book)


def test_an_item_used_at_two_levels_is_netted_once_with_all_its_demand():
    """40 creams and 10 lotions ordered: 3 000 g of base (500 in stock: make 2 500), which
    needs 2 000 g of oil and 500 g of butter; the lotions need 200 g of oil directly. Oil:
    2 200 needed, 1 000 in stock, 300 on order → buy 900. Pots: 40, 25 in stock, counted
    in pieces with a reorder point of 10 and a minimum order of 100 → 25 short → 100."""
    stock = {"BASE": Stock(available=D(500)), "OIL": Stock(available=D(1000), on_order=D(300)),
             "BUTTER": Stock(available=D(800)),
             "POT": Stock(available=D(25), reorder_point=D(10), reorder_quantity=D(100),
                          whole=True)}
    found = plan(BOOK, stock, [Demand("CREAM", D(40), "production_order", "MO-1"),
                               Demand("LOTION", D(10), "sales_order", "SO-1")])
    got = {s.item: (s.quantity, s.make) for s in found}
    assert got == {"CREAM": (D(40), True), "LOTION": (D(10), True), "BASE": (D(2500), True),
                   "OIL": (D(900), False), "POT": (D(100), False)}
    oil = next(s for s in found if s.item == "OIL")
    assert (oil.demand, oil.supply) == (D(2200), D(1300))
    assert sorted(d.reference for d in oil.reasons) == ["BASE", "LOTION"]


def test_a_reorder_point_alone_and_fractions_rounded_up():
    stock = {"OIL": Stock(available=D("99.5"), reorder_point=D("100.25")),
             "POT": Stock(available=D(3), reorder_point=D("4.5"), whole=True)}
    found = {s.item: s.quantity for s in plan(BOOK, stock, [])}
    assert found == {"OIL": D("0.75"), "POT": D(2)}
