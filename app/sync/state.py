"""Small key/value sync state in the station's database (sync_state): pull cursors, last sync, last error."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.db.models import SyncState

STATE: Table = SyncState.__table__  # type: ignore[assignment]


def read(conn: Connection, key: str) -> str | None:
    return conn.execute(select(STATE.c.value).where(STATE.c.key == key)).scalar()


def write(conn: Connection, key: str, value: str) -> None:
    now = datetime.now(UTC)
    stmt = sqlite_insert(STATE).values(key=key, value=value, updated_at=now)
    conn.execute(stmt.on_conflict_do_update(index_elements=[STATE.c.key], set_={"value": value, "updated_at": now}))


def read_time(conn: Connection, key: str) -> datetime | None:
    value = read(conn, key)
    return datetime.fromisoformat(value) if value else None
