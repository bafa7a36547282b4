"""The same Alembic migrations give exactly the models on PostgreSQL and MariaDB (SQLite: tests/unit/db)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from app.cli import main
from app.db import migrate
from app.db.models import Base, Operator, PrintJob, SyncState
from app.db.uow import Database


def test_migrations_produce_exactly_the_models(central):
    with central.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert migrate.current_revision(central) == migrate.HEAD_REVISION


def test_cli_upgrade_on_the_server(central_url, capsys):
    assert main(["--db", central_url, "db", "upgrade"]) == 0
    assert migrate.HEAD_REVISION in capsys.readouterr().out
    db = Database(central_url)
    try:
        assert migrate.current_revision(db) == migrate.HEAD_REVISION
    finally:
        db.dispose()


def test_types_round_trip(central):
    """Microseconds and zones survive, a 1 MB PDF fits, JSON and UUIDs come back as they went in."""
    at = datetime(2026, 11, 20, 9, 0, 0, 123456, tzinfo=UTC)
    job_id = uuid.uuid4()
    big = bytes(range(256)) * 4096  # 1 MB: past MariaDB's 64 KB BLOB
    with central.unit_of_work() as uow:
        op = Operator(badge="B1001", name="Dana", role="worker", updated_at=at)
        uow.session.add(op)
        uow.session.flush()
        uow.session.add(PrintJob(id=job_id, station_id="D01", kind="slip", printer="p", format="pdf",
                                 payload=big, created_by=op.id, created_at=at, next_attempt_at=at))
        uow.session.add(SyncState(key="k", value="v", updated_at=at))
    with central.unit_of_work() as uow:
        job = uow.session.get(PrintJob, job_id)
        assert job is not None and job.payload == big and job.created_at == at
        assert uow.session.scalars(select(Operator.updated_at)).one() == at
