"""suborders: a production order may make an intermediate for another one (parent_id)

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-01 23:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('production_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_production_order_parent_id'), ['parent_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_production_order_parent_id_production_order'),
                                    'production_order', ['parent_id'], ['id'])


def downgrade():
    with op.batch_alter_table('production_order', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_production_order_parent_id_production_order'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_production_order_parent_id'))
        batch_op.drop_column('parent_id')
