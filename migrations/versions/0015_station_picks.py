"""station picks: lots scanned at the station before an order starts, kept on the server

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-02 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'station_pick',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('lot_id', sa.Integer(), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.BigInteger(), nullable=False),
        sa.Column('suggested', sa.Boolean(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_station_pick_positive')),
        sa.ForeignKeyConstraint(['location_id'], ['location.id'],
                                name=op.f('fk_station_pick_location_id_location')),
        sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_station_pick_lot_id_lot')),
        sa.ForeignKeyConstraint(['order_id'], ['production_order.id'],
                                name=op.f('fk_station_pick_order_id_production_order')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_station_pick_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_station_pick')),
        sa.UniqueConstraint('order_id', 'lot_id', name=op.f('uq_station_pick_order_id')),
    )
    with op.batch_alter_table('station_pick', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_station_pick_order_id'), ['order_id'], unique=False)


def downgrade():
    with op.batch_alter_table('station_pick', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_station_pick_order_id'))
    op.drop_table('station_pick')
