"""value balances keep the quantity beside the value: an item's stock in storage (or in
WIP) now, and its change in each month, filled from the ledger already there

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 08:40:00

"""
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

NOW = date(9999, 12, 31)


def upgrade():
    with op.batch_alter_table('value_balance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quantity', sa.BigInteger(), server_default='0',
                                      nullable=False))
    _backfill()


def _backfill():
    """Σ quantity per item and WIP, over all time and per month, as 0013 summed the values;
    rows the values left out (items whose stock is worth nothing) are added."""
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        month = "date_trunc('month', created_at)"
    else:
        month = "strftime('%Y-%m-01', created_at)"
    wip = {row[0] for row in bind.execute(sa.text("SELECT id FROM location WHERE kind = 'wip'"))}
    rows = bind.execute(sa.text(
        f"SELECT {month} AS month, item_id, location_id, SUM(quantity) "
        f"FROM movement GROUP BY {month}, item_id, location_id"))
    quantities = {}
    for moved_in, item_id, location_id, quantity in rows:
        moved_in = _day(moved_in)
        for key in ((NOW, item_id, location_id in wip), (moved_in, item_id, location_id in wip)):
            quantities[key] = quantities.get(key, 0) + int(quantity)  # stored, scaled
    table = sa.table('value_balance', *(sa.column(k) for k in (
        'period', 'item_id', 'wip', 'value_high', 'value_low', 'quantity')))
    kept = {(_day(p), i, bool(w)) for p, i, w in bind.execute(
        sa.select(table.c.period, table.c.item_id, table.c.wip))}
    changed = [{'p': k[0], 'i': k[1], 'w': k[2], 'q': q}
               for k, q in sorted(quantities.items()) if q and k in kept]
    added = [{'period': k[0], 'item_id': k[1], 'wip': k[2], 'value_high': 0, 'value_low': 0,
              'quantity': q} for k, q in sorted(quantities.items()) if q and k not in kept]
    if changed:
        bind.execute(table.update().where(
            table.c.period == sa.bindparam('p'), table.c.item_id == sa.bindparam('i'),
            table.c.wip == sa.bindparam('w')).values(quantity=sa.bindparam('q')), changed)
    if added:
        bind.execute(table.insert(), added)


def _day(value):
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value


def downgrade():
    with op.batch_alter_table('value_balance', schema=None) as batch_op:
        batch_op.drop_column('quantity')
