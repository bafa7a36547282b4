"""Schema migrations (Alembic), applied at start-up and by `returns-desk db upgrade`.

Start-up first asks the database for its revision with one query and only loads Alembic when an upgrade
is needed, so a station that is up to date starts fast.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from app.db.identity import sqlite_file
from app.db.uow import Database
from app.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
KEEP_BACKUPS = 5

# Bump with every new migration file (a test checks it equals Alembic's head).
HEAD_REVISION = "0007_station_report"


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "app.db:migrations")
    return cfg


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate; an SQLite file that has a schema is backed up next to itself first (`backup_before_migration`)."""
    from alembic import command

    backup_before_migration(db)
    cfg = _alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def backup_before_migration(db: Database) -> Path | None:
    """SQLite's online backup of the station's file, next to it, before its schema changes:
    `returns-desk.db.before-0007_x.20261201-143000.bak` (restore: docs/doctor-and-logs.md). A new file (no schema
    yet) has nothing to keep. The newest KEEP_BACKUPS are kept. A backup that cannot be made stops the
    migration: a schema change without a way back is what the backup is for."""
    path = sqlite_file(db.url)
    revision = current_revision(db) if path is not None and path.exists() else None
    if path is None or revision is None:
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.before-{revision}.{stamp}.bak")
    try:
        _online_backup(path, target)
    except (OSError, sqlite3.Error) as exc:
        target.unlink(missing_ok=True)
        raise DatabaseUnavailable(
            f"Before upgrading the database {path} a backup could not be made ({exc}); it was not upgraded. "
            f"Free space on its disk or make {path.parent} writable, then start again.") from exc
    log.info("database %s backed up to %s before migrating from %s", path, target, revision)
    for old in backups_of(path)[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    return target


def backups_of(path: Path) -> list[Path]:
    """The backups made before migrations of the file at `path`, oldest first."""
    return sorted(path.parent.glob(f"{path.name}.before-*.bak"), key=lambda p: p.name.rsplit(".", 2)[-2])


def _online_backup(source: Path, target: Path) -> None:
    # The backup API copies a consistent snapshot while other connections keep reading and writing (WAL).
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def ensure_current(db: Database) -> bool:
    """Upgrade if needed. Returns True when a migration ran."""
    if current_revision(db) == HEAD_REVISION:
        return False
    upgrade(db)
    return True


def alembic_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()
