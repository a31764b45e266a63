"""accounting: item standard cost, closed periods

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01 21:10:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standard_cost', sa.BigInteger(), nullable=True))
    op.create_table(
        'closed_period',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('end', sa.Date(), nullable=False),
        sa.Column('method', sa.String(length=12), nullable=False),
        sa.Column('journal', sa.Text(), nullable=False),
        sa.Column('balances', sa.Text(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_closed_period_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_closed_period')),
        sa.UniqueConstraint('start', name=op.f('uq_closed_period_start')),
    )


def downgrade():
    op.drop_table('closed_period')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('standard_cost')
