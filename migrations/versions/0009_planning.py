"""planning: blind counts, count line reasons, counts submitted for a manager's confirm

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 22:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stock_count', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blind', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.drop_constraint(op.f('ck_stock_count_status'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_stock_count_status'),
            "status IN ('open', 'submitted', 'posted', 'cancelled')")
    with op.batch_alter_table('stock_count_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))


def downgrade():
    op.execute("UPDATE stock_count SET status = 'open' WHERE status = 'submitted'")
    with op.batch_alter_table('stock_count_line', schema=None) as batch_op:
        batch_op.drop_column('reason')
    with op.batch_alter_table('stock_count', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_stock_count_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_stock_count_status'),
                                         "status IN ('open', 'posted', 'cancelled')")
        batch_op.drop_column('blind')
