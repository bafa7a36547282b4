"""The fleet view (issue 11): every station's report and claim on its id; the app version the schema needs

Revision ID: 0007_station_report
Revises: 0006_review_indexes
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0007_station_report'
down_revision = '0006_review_indexes'
branch_labels = None
depends_on = None

DT = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), 'mysql', 'mariadb')
# The oldest Returns Desk that knows this schema. Every later migration sets its own (docs/fleet.md), so a
# station too old for the central schema can name the version it must be upgraded to.
SCHEMA_APP_VERSION = '0.1.0'


def upgrade() -> None:
    op.create_table(
        'station_report',
        sa.Column('station_id', sa.String(length=6), nullable=False),
        sa.Column('instance_key', sa.String(length=64), nullable=False),
        sa.Column('claimed_at', DT, nullable=False),
        sa.Column('host', sa.String(length=120), nullable=False),
        sa.Column('version', sa.String(length=40), nullable=False),
        sa.Column('build', sa.String(length=40), nullable=False),
        sa.Column('last_seen', DT, nullable=False),
        sa.Column('outbox_depth', sa.Integer(), nullable=False),
        sa.Column('oldest_outbox_at', DT, nullable=True),
        sa.Column('set_aside', sa.Integer(), nullable=False),
        sa.Column('print_queue_depth', sa.Integer(), nullable=False),
        sa.Column('oldest_print_at', DT, nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_error_kind', sa.String(length=20), nullable=True),
        sa.Column('failing_since', DT, nullable=True),
        sa.PrimaryKeyConstraint('station_id', name=op.f('pk_station_report')),
    )
    site_info = op.create_table(
        'site_info',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_site_info')),
    )
    op.bulk_insert(site_info, [{'key': 'schema_app_version', 'value': SCHEMA_APP_VERSION}])


def downgrade() -> None:
    op.drop_table('site_info')
    op.drop_table('station_report')
