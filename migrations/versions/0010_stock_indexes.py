"""indexes: the balances with stock per item (availability and FEFO read only those);
lots by expiry, not released and at a zero cost (the alert lists start from those)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.create_index('ix_balance_item_in_stock',
                              ['item_id', 'lot_id', 'location_id', 'quantity'], unique=False,
                              sqlite_where=sa.text('quantity > 0'),
                              postgresql_where=sa.text('quantity > 0'))
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.create_index('ix_lot_expiry', ['expiry'], unique=False)
        batch_op.create_index('ix_lot_not_released', ['status'], unique=False,
                              sqlite_where=sa.text("status <> 'released'"),
                              postgresql_where=sa.text("status <> 'released'"))
        batch_op.create_index('ix_lot_zero_cost', ['item_id'], unique=False,
                              sqlite_where=sa.text('unit_cost = 0'),
                              postgresql_where=sa.text('unit_cost = 0'))


def downgrade():
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.drop_index('ix_lot_zero_cost', sqlite_where=sa.text('unit_cost = 0'),
                            postgresql_where=sa.text('unit_cost = 0'))
        batch_op.drop_index('ix_lot_not_released',
                            sqlite_where=sa.text("status <> 'released'"),
                            postgresql_where=sa.text("status <> 'released'"))
        batch_op.drop_index('ix_lot_expiry')
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.drop_index('ix_balance_item_in_stock',
                            sqlite_where=sa.text('quantity > 0'),
                            postgresql_where=sa.text('quantity > 0'))
