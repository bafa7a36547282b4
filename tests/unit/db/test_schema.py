"""The migrated schema equals the models, and SQLite runs with the durability settings we rely on."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from app.db import migrate
from app.db.models import Base


def test_migrations_produce_exactly_the_models(empty_db):
    with empty_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_head_constant_matches_alembic():
    assert migrate.HEAD_REVISION == migrate.alembic_head()


def test_ensure_current_upgrades_once(tmp_path):
    from app.db.uow import Database

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    assert migrate.current_revision(db) is None
    assert migrate.ensure_current(db) is True
    assert migrate.current_revision(db) == migrate.HEAD_REVISION
    assert migrate.ensure_current(db) is False


def test_sqlite_pragmas(empty_db):
    with empty_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
