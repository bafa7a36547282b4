"""Indexes the supervisor's screens need: items by RMA number, and each station's last push

Revision ID: 0006_review_indexes
Revises: 0005_supervisor_desk
"""
from alembic import op

revision = '0006_review_indexes'
down_revision = '0005_supervisor_desk'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('return_item', schema=None) as batch_op:
        batch_op.create_index('ix_return_item_rma_number', ['rma_number'])
    with op.batch_alter_table('sync_applied', schema=None) as batch_op:
        batch_op.create_index('ix_sync_applied_station_applied', ['station_id', 'applied_at'])


def downgrade() -> None:
    with op.batch_alter_table('sync_applied', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_applied_station_applied')
    with op.batch_alter_table('return_item', schema=None) as batch_op:
        batch_op.drop_index('ix_return_item_rma_number')
