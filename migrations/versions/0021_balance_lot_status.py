"""balance.lot_status, the lot's, backfilled from the lot; the index an item's stock in
lots not released is read from; ix_balance_item_quantity dropped: every read of an item's
balances reads those with stock, from the partial indexes

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 09:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

HELD = "quantity > 0 AND lot_status <> 'released'"


def upgrade():
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot_status', sa.String(length=12),
                                      server_default='released', nullable=False))
    op.execute("UPDATE balance SET lot_status = "
               "(SELECT lot.status FROM lot WHERE lot.id = balance.lot_id) "
               "WHERE lot_id IN (SELECT id FROM lot WHERE status <> 'released')")
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.create_index('ix_balance_item_held',
                              ['item_id', 'lot_status', 'lot_id', 'location_id', 'quantity'],
                              unique=False,
                              sqlite_where=sa.text(HELD), postgresql_where=sa.text(HELD))
        batch_op.drop_index('ix_balance_item_quantity')


def downgrade():
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.create_index('ix_balance_item_quantity', ['item_id', 'quantity'], unique=False)
        batch_op.drop_index('ix_balance_item_held', sqlite_where=sa.text(HELD),
                            postgresql_where=sa.text(HELD))
        batch_op.drop_column('lot_status')
