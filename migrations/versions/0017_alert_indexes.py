"""balance.expiry, the lot's, and an index of the balances with stock by expiry: the
expiry alerts read only the lots they list, whatever the history; receipt lines by lot
(whether an item has a purchase price, asked for the lots at a zero cost)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

IN_STOCK = "quantity > 0 AND expiry IS NOT NULL"


def upgrade():
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expiry', sa.Date(), nullable=True))
    op.execute("UPDATE balance SET expiry = (SELECT lot.expiry FROM lot "
               "WHERE lot.id = balance.lot_id)")
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.create_index('ix_balance_expiry_in_stock',
                              ['expiry', 'lot_id', 'location_id', 'item_id', 'quantity'], unique=False,
                              sqlite_where=sa.text(IN_STOCK),
                              postgresql_where=sa.text(IN_STOCK))
    with op.batch_alter_table('receipt_line', schema=None) as batch_op:
        batch_op.create_index('ix_receipt_line_lot_id', ['lot_id'], unique=False)


def downgrade():
    with op.batch_alter_table('receipt_line', schema=None) as batch_op:
        batch_op.drop_index('ix_receipt_line_lot_id')
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.drop_index('ix_balance_expiry_in_stock', sqlite_where=sa.text(IN_STOCK),
                            postgresql_where=sa.text(IN_STOCK))
        batch_op.drop_column('expiry')
