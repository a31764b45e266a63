"""index of the balances with stock

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.create_index('ix_balance_in_stock',
                              ['lot_id', 'location_id', 'item_id', 'quantity'], unique=False,
                              sqlite_where=sa.text('quantity > 0'),
                              postgresql_where=sa.text('quantity > 0'))


def downgrade():
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.drop_index('ix_balance_in_stock',
                            sqlite_where=sa.text('quantity > 0'),
                            postgresql_where=sa.text('quantity > 0'))
