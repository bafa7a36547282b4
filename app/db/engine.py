"""Engine and session factory. SQLite gets WAL, synchronous=FULL, foreign keys, a busy timeout, and
transactions that take the write lock when they begin (BEGIN IMMEDIATE)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.db.identity import FileIdentity
from app.errors import ConfigError

SQLITE_BUSY_TIMEOUT_MS = 5000
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
    cursor.close()


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
