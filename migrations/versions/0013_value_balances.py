"""value balances: stock value per item and location now, its change per item and month,
a covering index of the movements by item and time; filled from the ledger

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-01 23:55:00

"""
from datetime import date, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0009'
branch_labels = None
depends_on = None

LOW_BASE = 10 ** 18
HELD = 'value_high <> 0 OR value_low <> 0'


def _value_columns():
    return [sa.Column('value_high', sa.BigInteger(), nullable=False),
            sa.Column('value_low', sa.BigInteger(), nullable=False)]


def upgrade():
    op.create_table(
        'value_balance',
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=False),
        *_value_columns(),
        sa.CheckConstraint(f'value_low >= 0 AND value_low < {LOW_BASE}',
                           name=op.f('ck_value_balance_low')),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'],
                                name=op.f('fk_value_balance_item_id_item')),
        sa.ForeignKeyConstraint(['location_id'], ['location.id'],
                                name=op.f('fk_value_balance_location_id_location')),
        sa.PrimaryKeyConstraint('item_id', 'location_id', name=op.f('pk_value_balance')),
    )
    with op.batch_alter_table('value_balance', schema=None) as batch_op:
        batch_op.create_index('ix_value_balance_held',
                              ['item_id', 'location_id', 'value_high', 'value_low'],
                              unique=False, sqlite_where=sa.text(HELD),
                              postgresql_where=sa.text(HELD))
    op.create_table(
        'value_change',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('wip', sa.Boolean(), nullable=False),
        *_value_columns(),
        sa.CheckConstraint(f'value_low >= 0 AND value_low < {LOW_BASE}',
                           name=op.f('ck_value_change_low')),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'],
                                name=op.f('fk_value_change_item_id_item')),
        sa.PrimaryKeyConstraint('month', 'item_id', 'wip', name=op.f('pk_value_change')),
    )
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.create_index('ix_movement_item_value',
                              ['item_id', 'created_at', 'location_id', 'kind', 'quantity',
                               'unit_cost', 'document', 'id'], unique=False)
    _backfill()


def _backfill():
    """Σ quantity × cost per item and location, and per month: quantities summed per
    cost in SQL, multiplied in Python (exact; SQLite has no exact wide type)."""
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        month = "date_trunc('month', created_at)"
    else:
        month = "strftime('%Y-%m-01', created_at)"
    wip = {row[0] for row in bind.execute(sa.text("SELECT id FROM location WHERE kind = 'wip'"))}
    rows = bind.execute(sa.text(
        f"SELECT {month} AS month, item_id, location_id, unit_cost, SUM(quantity) "
        f"FROM movement GROUP BY {month}, item_id, location_id, unit_cost"))
    now, months = {}, {}
    for moved_in, item_id, location_id, cost, quantity in rows:
        raw = int(cost) * int(quantity)  # both stored as scaled integers
        if isinstance(moved_in, str):
            moved_in = date.fromisoformat(moved_in[:10])
        elif isinstance(moved_in, datetime):
            moved_in = moved_in.date()
        now[(item_id, location_id)] = now.get((item_id, location_id), 0) + raw
        key = (moved_in, item_id, location_id in wip)
        months[key] = months.get(key, 0) + raw
    _insert(bind, 'value_balance', ('item_id', 'location_id'), now)
    _insert(bind, 'value_change', ('month', 'item_id', 'wip'), months)


def _insert(bind, name, keys, values):
    table = sa.table(name, *(sa.column(k) for k in (*keys, 'value_high', 'value_low')))
    rows = []
    for key in sorted(values):
        if values[key]:
            high, low = divmod(values[key], LOW_BASE)
            rows.append({**dict(zip(keys, key)), 'value_high': high, 'value_low': low})
    if rows:
        bind.execute(table.insert(), rows)


def downgrade():
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.drop_index('ix_movement_item_value')
    op.drop_table('value_change')
    with op.batch_alter_table('value_balance', schema=None) as batch_op:
        batch_op.drop_index('ix_value_balance_held', sqlite_where=sa.text(HELD),
                            postgresql_where=sa.text(HELD))
    op.drop_table('value_balance')
