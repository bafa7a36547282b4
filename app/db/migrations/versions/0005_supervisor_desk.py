"""The supervisor's desk (issue 10): exceptions, overrides, badge lock-out, recall references, board indexes

Revision ID: 0005_supervisor_desk
Revises: 0004_outbox_set_aside
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0005_supervisor_desk'
down_revision = '0004_outbox_set_aside'
branch_labels = None
depends_on = None

DT = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), 'mysql', 'mariadb')


def upgrade() -> None:
    with op.batch_alter_table('operator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_pins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', DT, nullable=True))
    with op.batch_alter_table('return_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exception_cause', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('exception_resolved_at', DT, nullable=True))
        batch_op.add_column(sa.Column('exception_resolved_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('override', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('recall_ref', sa.String(length=60), nullable=True))
        batch_op.create_index('ix_return_item_exception', ['exception_cause', 'exception_resolved_at'])
        batch_op.create_index('ix_return_item_station_finalized', ['station_id', 'finalized_at'])
        batch_op.create_index('ix_return_item_operator_finalized', ['operator_id', 'finalized_at'])
    with op.batch_alter_table('recall', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_action_at', ['action', 'at'])


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_action_at')
    with op.batch_alter_table('recall', schema=None) as batch_op:
        batch_op.drop_column('active')
        batch_op.drop_column('reference')
    with op.batch_alter_table('return_item', schema=None) as batch_op:
        batch_op.drop_index('ix_return_item_operator_finalized')
        batch_op.drop_index('ix_return_item_station_finalized')
        batch_op.drop_index('ix_return_item_exception')
        for column in ('recall_ref', 'override', 'exception_resolved_by', 'exception_resolved_at',
                       'exception_cause'):
            batch_op.drop_column(column)
    with op.batch_alter_table('operator', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_pins')
