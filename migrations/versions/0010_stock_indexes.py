"""index of the balances with stock per item (availability and FEFO read only those)

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


def downgrade():
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.drop_index('ix_balance_item_in_stock',
                            sqlite_where=sa.text('quantity > 0'),
                            postgresql_where=sa.text('quantity > 0'))
