"""The index a location's page reads its lots with stock from, item by item, a page at a
time

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.create_index('ix_balance_location_in_stock',
                              ['location_id', 'item_id', 'lot_id', 'quantity'], unique=False,
                              sqlite_where=sa.text('quantity > 0'),
                              postgresql_where=sa.text('quantity > 0'))


def downgrade():
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.drop_index('ix_balance_location_in_stock',
                            sqlite_where=sa.text('quantity > 0'),
                            postgresql_where=sa.text('quantity > 0'))
