"""outbox.set_aside_at: a change the central database refuses for good is set aside (sync, issue 9 part 3)

Revision ID: 0004_outbox_set_aside
Revises: 0003_auto_answered
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0004_outbox_set_aside'
down_revision = '0003_auto_answered'
branch_labels = None
depends_on = None

DT = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), 'mysql', 'mariadb')


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('set_aside_at', DT, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('set_aside_at')
