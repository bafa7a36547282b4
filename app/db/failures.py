"""A failed database step in words that name its real cause: a full disk, a read-only file, or an unreachable
or busy database (the default)."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from sqlalchemy.exc import OperationalError

from app.errors import DatabaseFull, DatabaseReadOnly, DatabaseUnavailable

# SQLite's primary result codes (https://www.sqlite.org/rescode.html); extended codes keep them in the low byte.
SQLITE_READONLY = 8
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14  # also what a WAL database on a read-only disk or folder gives (no -shm file can be made)
_FULL_WORDS = ("database or disk is full", "no space left on device")
_READ_ONLY_WORDS = ("readonly database", "read-only file system")


def database_failure(exc: OperationalError | OSError, description: str, path: Path | None = None
                     ) -> DatabaseUnavailable:
    """The typed error for a failed step on `description` (e.g. "SQLite /data/returns-desk.db"); `path`: the
    SQLite file, looked at when SQLite only says it cannot open it."""
    cause = exc.orig if isinstance(exc, OperationalError) else exc
    kind = _kind_of(cause)
    if kind == "cannot-open" and path is not None and not _writable(path):
        kind = "read-only"
    if kind == "full":
        return DatabaseFull(
            f"The disk holding the database ({description}) is full: this step was not saved. "
            "Nothing saved before is lost. Call IT to free space on that disk, then try again."
        )
    if kind == "read-only":
        return DatabaseReadOnly(
            f"The database ({description}) cannot be written: the file, its folder or the disk is read-only "
            f"({cause}). This step was not saved; nothing saved before is lost. Call IT to make the file and "
            "its folder writable for Returns Desk (or remount the disk read-write), then try again."
        )
    return DatabaseUnavailable(
        f"The database ({description}) could not be reached or is locked: {cause}. "
        "Nothing was lost; try again, and if it persists call IT."
    )


def _kind_of(cause: BaseException | None) -> str:
    if isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT):
        return "full"
    if isinstance(cause, OSError) and cause.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "read-only"
    code = getattr(cause, "sqlite_errorcode", None)  # Python 3.11+ on sqlite3 errors
    if isinstance(cause, sqlite3.Error) and isinstance(code, int):
        primary = code & 0xFF
        if primary == SQLITE_FULL:
            return "full"
        if primary == SQLITE_READONLY:
            return "read-only"
        if primary == SQLITE_CANTOPEN:
            return "cannot-open"
    text = str(cause).lower()
    if any(words in text for words in _FULL_WORDS):
        return "full"
    if any(words in text for words in _READ_ONLY_WORDS):
        return "read-only"
    return "other"


def _writable(path: Path) -> bool:
    """Whether the file (if it exists) and its folder can be written: False on a read-only disk too."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
