"""Doctor checks on the station itself: database, folders, disk space, rules and checklists."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from app.config import Settings, data_dir
from app.doctor.findings import Finding, fail, ok, warn

MIN_FREE_MB = 500  # below this a station can fill its disk within a busy week of labels, backups and logs
LOW_FREE_MB = 2000


def check_database(settings: Settings) -> list[Finding]:
    """The station's own database: opens, passes integrity_check (SQLite), is at the current migration.
    Read only: doctor never migrates or creates a database."""
    if settings.mode == "direct":
        return [ok("database", "Direct mode: the station works on the central database (checked below).")]
    url = make_url(settings.db)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return [warn("database", f"The station database is not an SQLite file ({url.get_backend_name()}).",
                     "Only SQLite station files are checked here.")]
    return _check_sqlite_file(Path(url.database))


def _check_sqlite_file(path: Path) -> list[Finding]:
    if not path.exists():
        return [warn("database", f"There is no database file yet at {path}.",
                     "It is created at the first start (or run `returns-desk db upgrade`).", path=str(path))]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error as exc:
        return [fail("database", f"The database {path} cannot be opened: {exc}.",
                     "Check that the file and its folder can be read by this user.", path=str(path))]
    try:
        return [_integrity(conn, path), _revision(conn, path)]
    finally:
        conn.close()


def _integrity(conn: sqlite3.Connection, path: Path) -> Finding:
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.Error as exc:
        return fail("database", f"The database {path} cannot be read: {exc}.",
                    "Restore the latest backup next to it (docs/doctor-and-logs.md) or call IT.", path=str(path))
    if rows == ["ok"]:
        return ok("database", f"The database {path} opens and passes its integrity check.", path=str(path))
    return fail("database", f"The database {path} is damaged: {'; '.join(rows[:3])}.",
                "Stop Returns Desk on this station and restore the latest backup (docs/doctor-and-logs.md).",
                path=str(path), problems=rows[:20])


def _revision(conn: sqlite3.Connection, path: Path) -> Finding:
    from app.db.migrate import HEAD_REVISION

    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        row = None
    revision = row[0] if row else None
    if revision == HEAD_REVISION:
        return ok("migration", f"The database schema is current ({revision}).", revision=revision)
    if revision is None:
        return warn("migration", "The database has no schema yet.", "It is migrated at the next start "
                    "(or run `returns-desk db upgrade`).", revision=None, expected=HEAD_REVISION)
    return warn("migration", f"The database schema is at {revision}; this version uses {HEAD_REVISION}.",
                "It is migrated at the next start (a backup is made first); or run `returns-desk db upgrade`. "
                "If the file is newer than this version, install the newer Returns Desk.",
                revision=revision, expected=HEAD_REVISION)


def database_folder(settings: Settings) -> Path | None:
    url = make_url(settings.db)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent
    return None


def check_disk_space(settings: Settings) -> Finding:
    folder = database_folder(settings) or data_dir()
    existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("/"))
    free_mb = shutil.disk_usage(existing).free // (1024 * 1024)
    if free_mb < MIN_FREE_MB:
        return fail("disk", f"Only {free_mb} MB free on the disk holding {folder}.",
                    f"Free at least {MIN_FREE_MB} MB on that disk (old files, downloads); work cannot be saved "
                    "on a full disk.", free_mb=free_mb)
    if free_mb < LOW_FREE_MB:
        return warn("disk", f"{free_mb} MB free on the disk holding {folder}.",
                    f"Plan to free space: below {MIN_FREE_MB} MB the station stops saving.", free_mb=free_mb)
    return ok("disk", f"{free_mb} MB free on the disk holding {folder}.", free_mb=free_mb)


def check_writable(name: str, folder: Path) -> Finding:
    """Writes and removes a small file: os.access says yes on a read-only mount."""
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not existing.is_dir():
        return fail(f"folder:{name}", f"The {name} folder {folder} does not exist and cannot be made.",
                    "Create it, or point the setting at a folder that exists.", path=str(folder))
    try:
        fd, probe = tempfile.mkstemp(prefix=".doctor-", dir=existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return fail(f"folder:{name}", f"The {name} folder {existing} cannot be written ({exc.strerror or exc}).",
                    f"Make {existing} writable for the user that runs Returns Desk (or remount the disk "
                    "read-write).", path=str(folder))
    where = "" if existing == folder else f" (it will be created inside {existing})"
    return ok(f"folder:{name}", f"The {name} folder {folder} can be written{where}.", path=str(folder))


def check_rules(settings: Settings) -> Finding:
    from app.domain.rules_check import check_all
    from app.sync.modes import rules_folders

    problems = check_all(*rules_folders(settings))
    if not problems:
        return ok("rules", "Rules and checklists are valid; every example gives its expected result.")
    return fail("rules", f"{len(problems)} problem(s) in the rules or checklists: {problems[0]}",
                "Fix the files named (`returns-desk rules check` lists every problem); the station does not "
                "start until they are fixed.", problems=problems)
