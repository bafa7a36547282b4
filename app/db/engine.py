"""Engine and session factory. SQLite gets WAL, synchronous=FULL, foreign keys, a busy timeout, and
transactions that take the write lock when they begin (BEGIN IMMEDIATE)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.db.identity import FileIdentity
from app.errors import ConfigError

SQLITE_BUSY_TIMEOUT_MS = 5000
# WAL checkpoints are the print thread's job (checkpoint_wal, after every print pass), not a commit's: SQLite's own
# automatic checkpoint (every 1,000 pages) ran inside about one save in twenty and made it 15-17 ms (issue 12).
# This much larger automatic checkpoint stays as the bound when nothing else checkpoints (no print thread: the CLI,
# `demo load`, a print thread stopped): the WAL never grows past about this many pages (4 KB each, 64 MB) plus the
# last transaction's.
WAL_AUTOCHECKPOINT_PAGES = 16_000
# The print thread checkpoints once the WAL holds this many pages not yet copied (below it, a pass costs nothing).
WAL_CHECKPOINT_PAGES = 200
# Execution option of a unit of work that only reads: on SQLite it begins a plain (deferred) transaction,
# so a lookup never waits for the write lock (WAL readers see the last commit and never block).
READ_ONLY = "returns_desk_read_only"


def make_engine(url: str, identity: FileIdentity | None = None, **kwargs: Any) -> Engine:
    """`identity`: the SQLite file's identity, checked as every transaction begins (app/db/identity.py)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
            ensure_folder(Path(parsed.database))
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate(identity))
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def ensure_folder(database: Path) -> None:
    """The default location (the user data folder) is created on first run; any other folder must exist: a
    mistyped path or an unmounted share would otherwise become a new, empty database and look like lost work."""
    from app.config import data_dir

    folder = database.parent
    if folder.is_dir():
        return
    default = data_dir()
    if folder == default or default in folder.parents:
        folder.mkdir(parents=True, exist_ok=True)
        return
    raise ConfigError(
        f"The database folder {folder} does not exist (database {database}). Returns Desk does not create a new, "
        "empty database in a folder that is not there: check the db setting (or --db / RETURNS_DESK_DB) for a "
        "typing mistake or a disk that is not mounted, or create the folder if a new database is wanted there."
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver must not open transactions by itself (it would start them only at the first INSERT/UPDATE,
    # after the reads): SQLAlchemy's "begin" event below opens every one, so reads and DDL are inside it too.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    cursor.close()


def checkpoint_wal(engine: Engine, min_pages: int = WAL_CHECKPOINT_PAGES) -> int | None:
    """A PASSIVE checkpoint of an SQLite file's WAL, off the commit path (the print thread calls it after each
    pass): it copies what no reader still needs into the file without waiting for any lock or blocking a writer,
    so the commits that follow stay short. Skipped while fewer than `min_pages` pages wait. Returns the pages
    that were waiting (None: not an SQLite file)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or engine.url.query.get("uri"):
        return None
    waiting = wal_pages_waiting(Path(database))
    if waiting >= min_pages:
        raw = engine.raw_connection()  # the driver's own connection is in autocommit: no BEGIN, no write lock
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
        finally:
            raw.close()
    return waiting


def wal_pages_waiting(database: Path) -> int:
    """Pages in the WAL not yet copied into the file, read from the wal-index (the -shm file; its layout is part
    of SQLite's file format: mxFrame at byte 16, nBackfill at byte 96, native byte order). 0 without one."""
    try:
        with open(f"{database}-shm", "rb") as shm:
            header = shm.read(100)
    except FileNotFoundError:
        return 0
    if len(header) < 100:
        return 0
    frames = int.from_bytes(header[16:20], sys.byteorder)
    copied = int.from_bytes(header[96:100], sys.byteorder)
    return max(0, frames - copied)


def _begin_immediate(identity: FileIdentity | None) -> Any:
    """Every SQLite transaction takes the write lock first, then reads: two processes on one file can never
    both read the LPN counter (or a draft) and write from what they read. A second writer waits for the lock
    (busy_timeout, 5 s; a deferred transaction that read first would fail at once instead) and then reads the
    first one's committed rows. A unit of work opened `read_only` (READ_ONLY execution option) begins a plain
    transaction instead: a scan lookup or a status read never waits behind a sync batch or a print mark."""

    def begin(conn: Connection) -> None:
        if identity is not None:
            identity.check()  # before the lock: a deleted file is never written again
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

    return begin


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: services copy what they need into plain objects before the session ends.
    return sessionmaker(engine, expire_on_commit=False)


def describe_url(url: str) -> str:
    """The database as shown to people: never the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite {parsed.database}"
    return parsed.render_as_string(hide_password=True)
