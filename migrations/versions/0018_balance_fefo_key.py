"""balance.lot_date, the lot's, backfilled from the lot: with balance.expiry the FEFO key
of the row; and the index FEFO reads an item's rows with stock from, in that order

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot_date', sa.Date(), nullable=True))
    op.execute("UPDATE balance SET lot_date = "
               "(SELECT lot.lot_date FROM lot WHERE lot.id = balance.lot_id)")
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.create_index('ix_balance_item_fefo',
                              ['item_id', 'expiry', 'lot_date', 'lot_id', 'location_id',
                               'quantity'], unique=False,
                              sqlite_where=sa.text('quantity > 0'),
                              postgresql_where=sa.text('quantity > 0'))


def downgrade():
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.drop_index('ix_balance_item_fefo', sqlite_where=sa.text('quantity > 0'),
                            postgresql_where=sa.text('quantity > 0'))
        batch_op.drop_column('lot_date')
