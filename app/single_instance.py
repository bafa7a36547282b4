"""One station, one process: the window holds an exclusive OS file lock for its station and database; the
command line's writing commands take it shared, so they refuse to run while the window is open.

An OS lock (flock on Linux/macOS, a byte-range lock on Windows) rather than a lock file with a PID in it: the
kernel releases it when the process ends however it ends (kill -9, a power cut), so a stale lock never
keeps a station from starting. The lock file sits next to an SQLite database (every process that opens
that file sees the same lock, whoever runs it), else in the user data folder.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import IO

from app.config import Settings, data_dir
from app.db.engine import describe_url, ensure_folder
from app.db.identity import sqlite_file
from app.errors import StationAlreadyRunning

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl


def instance_key(settings: Settings) -> str:
    """A short name for "this station on this database": the same for every process that would clash."""
    path = _station_file(settings)
    where = str(path.resolve()) if path is not None else describe_url(settings.central_db or settings.db)
    return hashlib.sha256(f"{where}|{settings.station_id}".encode()).hexdigest()[:16]


def lock_path(settings: Settings) -> Path:
    path = _station_file(settings)
    if path is not None:
        return path.with_name(f"{path.name}.{settings.station_id}.lock")
    return data_dir() / "instances" / f"{instance_key(settings)}.lock"


def _station_file(settings: Settings) -> Path | None:
    """The SQLite file the station works on (None in direct mode: it works on the central database)."""
    return sqlite_file(settings.db) if settings.mode != "direct" else None


class InstanceLock:
    """A non-blocking OS lock on one file: exclusive for the window, shared for writing commands."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def acquire(self, exclusive: bool) -> bool:
        """Take the lock now, or return False when another process holds it (exclusively, or at all)."""
        ensure_folder(self.path)  # never creates a missing database folder (only the default data folder)
        file = self.path.open("a+b")
        try:
            _lock(file, exclusive)
        except OSError:
            file.close()
            return False
        self._file = file
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file releases the lock
            self._file = None

    @property
    def held(self) -> bool:
        return self._file is not None


def _lock(file: IO[bytes], exclusive: bool) -> None:
    if sys.platform == "win32":
        # Windows byte-range locks are exclusive only: two writing commands at once wait for each other.
        file.seek(0)
        msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        fcntl.flock(file.fileno(), (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)


def refuse_if_window_open(settings: Settings, what: str) -> InstanceLock:
    """For a command that writes (`what`, e.g. "demo load"): hold the station's lock shared while it runs, or
    raise StationAlreadyRunning when the station's window holds it. Release the returned lock when done."""
    lock = InstanceLock(lock_path(settings))
    if not lock.acquire(exclusive=False):
        raise StationAlreadyRunning(
            f"Returns Desk is open on station {settings.station_id} with this database ({describe_url(settings.db)}), "
            f"so `{what}` was not run: two programs writing one station's database at once could mix up its "
            "work. Close the window (sign out, then Alt+F4) and run the command again, or use another station id."
        )
    return lock

