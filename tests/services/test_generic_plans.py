"""PostgreSQL: the reads that plan, start and complete run every time are planned once per
connection, not at every run. psycopg prepares a statement a connection runs often; the
server then keeps one plan for any parameters (a generic plan) only if it costs no more
than the plans made for the values, which a partial index (`quantity > 0`) or a LIMIT
sent as a parameter prevents."""

from datetime import date

from sqlalchemy import select, text

from krafte_pwa.extensions import db
from krafte_pwa.models import Item
from krafte_pwa.services import availability as avail
from tests.factories import candle_workshop, in_days, receive

RUNS = 12  # psycopg prepares at the 6th run, the server weighs a generic plan after 5 more


def test_fefo_and_first_rows_checks_keep_one_generic_plan(pg_app):
    candle_workshop()
    for days in (30, 60, 90):
        receive("WAX", "1000", cost="0.01", expiry=in_days(days))
        receive("WICK", "50", cost="0.1", expiry=in_days(days))
    ids = dict(db.session.execute(select(Item.sku, Item.id)).all())
    needs = {ids["WAX"]: 1500, ids["WICK"]: 20}
    db.session.remove()
    for _ in range(RUNS):  # one session, one connection: nothing ends its prepared statements
        avail.fefo_plan(needs, date.today())
        avail.available_up_to(needs, date.today())
    plans = db.session.execute(text(
        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "
        "WHERE statement LIKE '%first_rows%'")).all()
    db.session.rollback()
    assert len(plans) == 2, plans  # FEFO's first rows, and the first rows' sums
    for statement, generic, custom in plans:
        assert generic > 0 and custom <= 5, (generic, custom, statement)
