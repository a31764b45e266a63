"""channels: shops and tills, their products, webhook deliveries, shop orders, outbox

Revision ID: 0012
Revises: 0013
Create Date: 2026-12-01 23:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'channel',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('secret', sa.Text(), nullable=False),
        sa.Column('api_base', sa.String(length=300), nullable=True),
        sa.Column('api_key', sa.Text(), nullable=True),
        sa.Column('api_secret', sa.Text(), nullable=True),
        sa.Column('location_id', sa.String(length=100), nullable=True),
        sa.Column('api_version', sa.String(length=20), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('shopify', 'woocommerce', 'generic')",
                           name=op.f('ck_channel_kind')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_channel')),
        sa.UniqueConstraint('name', name=op.f('uq_channel_name')),
    )
    op.create_table(
        'channel_product',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('external_id', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['channel_id'], ['channel.id'],
                                name=op.f('fk_channel_product_channel_id_channel')),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'],
                                name=op.f('fk_channel_product_item_id_item')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_product')),
        sa.UniqueConstraint('channel_id', 'item_id', name=op.f('uq_channel_product_channel_id')),
    )
    op.create_index('ix_channel_product_item', 'channel_product', ['item_id'], unique=False)
    op.create_table(
        'webhook_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.Column('delivery_id', sa.String(length=200), nullable=False),
        sa.Column('topic', sa.String(length=100), nullable=True),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('sales_order', sa.String(length=20), nullable=True),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('processed', 'ignored', 'failed')",
                           name=op.f('ck_webhook_delivery_status')),
        sa.ForeignKeyConstraint(['channel_id'], ['channel.id'],
                                name=op.f('fk_webhook_delivery_channel_id_channel')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_delivery')),
        sa.UniqueConstraint('channel_id', 'delivery_id',
                            name=op.f('uq_webhook_delivery_channel_id')),
    )
    op.create_table(
        'channel_order',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.Column('external_id', sa.String(length=100), nullable=False),
        sa.Column('sales_order_id', sa.Integer(), nullable=True),
        sa.Column('shop_updated_at', sa.DateTime(), nullable=True),
        sa.Column('cancelled', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['channel_id'], ['channel.id'],
                                name=op.f('fk_channel_order_channel_id_channel')),
        sa.ForeignKeyConstraint(['sales_order_id'], ['sales_order.id'],
                                name=op.f('fk_channel_order_sales_order_id_sales_order')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_order')),
        sa.UniqueConstraint('channel_id', 'external_id',
                            name=op.f('uq_channel_order_channel_id')),
    )
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('quantity', sa.BigInteger(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')",
                           name=op.f('ck_outbox_message_status')),
        sa.ForeignKeyConstraint(['channel_id'], ['channel.id'],
                                name=op.f('fk_outbox_message_channel_id_channel')),
        sa.ForeignKeyConstraint(['product_id'], ['channel_product.id'],
                                name=op.f('fk_outbox_message_product_id_channel_product')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    )
    op.create_index('ix_outbox_message_due', 'outbox_message', ['status', 'due_at'],
                    unique=False)
    op.create_index('ix_outbox_message_product', 'outbox_message', ['product_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_outbox_message_product', table_name='outbox_message')
    op.drop_index('ix_outbox_message_due', table_name='outbox_message')
    op.drop_table('outbox_message')
    op.drop_table('channel_order')
    op.drop_table('webhook_delivery')
    op.drop_index('ix_channel_product_item', table_name='channel_product')
    op.drop_table('channel_product')
    op.drop_table('channel')
