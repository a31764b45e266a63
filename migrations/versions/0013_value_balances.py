"""value balances: stock value per item and WIP now and its change per month, a covering
index of the movements by item and time; filled from the ledger

Revision ID: 0013
Revises: 0014
Create Date: 2026-12-01 23:55:00

"""
from datetime import date, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0014'
branch_labels = None
depends_on = None

LOW_BASE = 10 ** 18
NOW = date(9999, 12, 31)  # the period of the value now


def upgrade():
    op.create_table(
        'value_balance',
        sa.Column('period', sa.Date(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('wip', sa.Boolean(), nullable=False),
        sa.Column('value_high', sa.BigInteger(), nullable=False),
        sa.Column('value_low', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(f'value_low >= 0 AND value_low < {LOW_BASE}',
                           name=op.f('ck_value_balance_low')),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'],
                                name=op.f('fk_value_balance_item_id_item')),
        sa.PrimaryKeyConstraint('period', 'item_id', 'wip', name=op.f('pk_value_balance')),
    )
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.create_index('ix_movement_item_value',
                              ['item_id', 'created_at', 'location_id', 'kind', 'quantity',
                               'unit_cost', 'document', 'id'], unique=False)
    _backfill()


def _backfill():
    """Σ quantity × cost per item and WIP, over all time and per month: quantities summed
    per cost in SQL, multiplied in Python (exact; SQLite has no exact wide type)."""
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        month = "date_trunc('month', created_at)"
    else:
        month = "strftime('%Y-%m-01', created_at)"
    wip = {row[0] for row in bind.execute(sa.text("SELECT id FROM location WHERE kind = 'wip'"))}
    rows = bind.execute(sa.text(
        f"SELECT {month} AS month, item_id, location_id, unit_cost, SUM(quantity) "
        f"FROM movement GROUP BY {month}, item_id, location_id, unit_cost"))
    values = {}
    for moved_in, item_id, location_id, cost, quantity in rows:
        raw = int(cost) * int(quantity)  # both stored as scaled integers
        if isinstance(moved_in, str):
            moved_in = date.fromisoformat(moved_in[:10])
        elif isinstance(moved_in, datetime):
            moved_in = moved_in.date()
        for key in ((NOW, item_id, location_id in wip), (moved_in, item_id, location_id in wip)):
            values[key] = values.get(key, 0) + raw
    table = sa.table('value_balance', *(sa.column(k) for k in (
        'period', 'item_id', 'wip', 'value_high', 'value_low')))
    inserted = []
    for (period, item_id, in_wip), raw in sorted(values.items()):
        if raw:
            high, low = divmod(raw, LOW_BASE)
            inserted.append({'period': period, 'item_id': item_id, 'wip': in_wip,
                             'value_high': high, 'value_low': low})
    if inserted:
        bind.execute(table.insert(), inserted)


def downgrade():
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.drop_index('ix_movement_item_value')
    op.drop_table('value_balance')
