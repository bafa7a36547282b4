"""return_item.auto_answered: questions answered by "nothing else wrong"

Revision ID: 0003_auto_answered
Revises: 0002_print_sync
"""
from alembic import op
import sqlalchemy as sa

revision = '0003_auto_answered'
down_revision = '0002_print_sync'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('return_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auto_answered', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('return_item', schema=None) as batch_op:
        batch_op.drop_column('auto_answered')
