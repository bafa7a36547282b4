"""Small key/value sync state in the station's database (sync_state): pull cursors, last sync, last error."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

from app.db.models import SyncState

STATE: Table = SyncState.__table__  # type: ignore[assignment]
LOCKED_RETRIES = 4
SQLITE_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED ("database is locked")
log = logging.getLogger("returns_desk.sync")
T = TypeVar("T")


def read(conn: Connection, key: str) -> str | None:
    return conn.execute(select(STATE.c.value).where(STATE.c.key == key)).scalar()


def write(conn: Connection, key: str, value: str) -> None:
    now = datetime.now(UTC)
    stmt = sqlite_insert(STATE).values(key=key, value=value, updated_at=now)
    conn.execute(stmt.on_conflict_do_update(index_elements=[STATE.c.key], set_={"value": value, "updated_at": now}))


def read_time(conn: Connection, key: str) -> datetime | None:
    value = read(conn, key)
    return datetime.fromisoformat(value) if value else None


def retry_locked(write_fn: Callable[..., T], *args: Any, retries: int = LOCKED_RETRIES, pause_s: float = 0.5) -> T:
    """Sync's own bookkeeping on the station's database, tried again while the station's work holds the write
    lock ("database is locked" after the busy timeout): under load it must not replace the real outcome."""
    for attempt in range(retries):
        try:
            return write_fn(*args)
        except OperationalError as exc:
            if getattr(exc.orig, "sqlite_errorcode", None) not in SQLITE_BUSY_CODES or attempt == retries - 1:
                raise
            log.info("sync bookkeeping waited for the station's database (attempt %d): %s", attempt + 1, exc.orig)
            time.sleep(pause_s * (attempt + 1))
    raise AssertionError("unreachable")  # the loop returns or raises
