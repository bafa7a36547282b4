"""An SQLite backup (online backup API) next to the database before every migration, restorable; an explicit
database URL whose folder does not exist is refused, the default location is created."""

from __future__ import annotations

import sqlite3

import pytest

from app.db import migrate
from app.db.uow import Database
from app.errors import ConfigError
from tests.helpers import copy_sqlite


def _at_revision(path, revision: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))


def test_a_migration_is_preceded_by_a_backup_that_restores(db_templates, tmp_path):
    path = copy_sqlite(db_templates.demo, tmp_path / "station.db")
    # Put the file one migration back: 0007's table removed, revision 0006 (a station before the upgrade).
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE IF EXISTS station_report")
        conn.execute("DROP TABLE IF EXISTS site_info")
        conn.execute("UPDATE alembic_version SET version_num = '0006_review_indexes'")
        products = conn.execute("SELECT count(*) FROM product").fetchone()[0]
    db = Database(f"sqlite:///{path}")
    try:
        assert migrate.ensure_current(db) is True
    finally:
        db.dispose()
    [backup] = migrate.backups_of(path)
    assert backup.parent == path.parent and ".before-0006_review_indexes." in backup.name
    with sqlite3.connect(backup) as conn:  # the backup is the file as it was: old revision, same rows
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0006_review_indexes"
        assert conn.execute("SELECT count(*) FROM product").fetchone()[0] == products
    # Restore as documented: the backup copied over the database file.
    restored = copy_sqlite(backup, tmp_path / "restored.db")
    with sqlite3.connect(restored) as conn:
        assert conn.execute("SELECT count(*) FROM product").fetchone()[0] == products


def test_a_new_database_and_a_current_one_make_no_backup(db_templates, tmp_path):
    fresh = tmp_path / "fresh.db"
    db = Database(f"sqlite:///{fresh}")
    try:
        migrate.ensure_current(db)
        assert migrate.ensure_current(db) is False
    finally:
        db.dispose()
    assert migrate.backups_of(fresh) == []


def test_only_the_newest_backups_are_kept(db_templates, tmp_path, monkeypatch):
    monkeypatch.setattr(migrate, "KEEP_BACKUPS", 2)
    path = copy_sqlite(db_templates.empty, tmp_path / "station.db")
    for n in range(3):
        (tmp_path / f"station.db.before-0001_initial.2026010{n}-000000.bak").write_bytes(b"old")
    db = Database(f"sqlite:///{path}")
    try:
        migrate.backup_before_migration(db)
    finally:
        db.dispose()
    kept = migrate.backups_of(path)
    assert len(kept) == 2 and ".20260102-" in kept[0].name and kept[1].stat().st_size > 3


def test_an_explicit_database_in_a_missing_folder_is_refused(tmp_path):
    target = tmp_path / "no-such-share" / "station.db"
    with pytest.raises(ConfigError, match="does not exist"):
        Database(f"sqlite:///{target}")
    assert not target.parent.exists()


def test_the_default_location_is_created(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from app.config import data_dir, default_db_url

    db = Database(default_db_url())
    try:
        assert data_dir().is_dir() and str(tmp_path / "data") in str(data_dir())
    finally:
        db.dispose()
