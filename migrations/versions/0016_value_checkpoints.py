"""the movements' time index covers the columns the stock journal reads (a month of
movements is read from the index alone, in time order, with no visit to the table)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 03:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

COVERED = ['created_at', 'item_id', 'kind', 'location_id', 'quantity', 'unit_cost',
           'document', 'id']


def upgrade():
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.drop_index('ix_movement_created')
        batch_op.create_index('ix_movement_created', COVERED, unique=False)


def downgrade():
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.drop_index('ix_movement_created')
        batch_op.create_index('ix_movement_created', ['created_at'], unique=False)
