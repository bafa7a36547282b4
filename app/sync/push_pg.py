"""The PostgreSQL side of a push batch, done by the server: one COPY of the raw outbox payloads into a
temporary stage, then set-based SQL (json_populate_record) for replays, conflicts, updates and inserts.
The stage holds `json`, not `jsonb`: each payload is read about once, and building jsonb on the way in cost
more server CPU than parsing the text where it is read (0.97 + 0.62 s against 0.52 + 0.80 s for 143k rows).

Same rules as the portable path in push.py (which MariaDB uses); the integration tests run both. Python only
moves payload text: no per-column work, so a push costs about what a COPY of the same rows costs.
SQL here is built only from table and column names of our own metadata; all values are parameters or COPY data.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select, text

from app.sync.batch import (
    AUDIT,
    CONFLICT,
    CONTAINER,
    ITEM,
    JOB,
    KNOWN_ENTITIES,
    Change,
    Conflict,
    PushResult,
    conflict_row,
    refuse_unknown,
)
from app.sync.codec import is_binary, to_json

STAGE = "sync_stage"


def apply_batch_postgres(conn: Connection, station_id: str, changes: Sequence[Change]) -> PushResult:
    refuse_unknown([c.entity for c in changes])
    _stage(conn, changes)
    # Exactly once: a change id already applied is a replay; ON CONFLICT also covers two pushes at once. Only the
    # replays come back (usually none) and leave the stage: no id per row travels back to Python.
    replays = set(conn.execute(text(
        "WITH applied AS (INSERT INTO sync_applied (change_id, station_id, applied_at) "  # noqa: S608
        f"SELECT change_id, :station, :now FROM {STAGE} ON CONFLICT (change_id) DO NOTHING RETURNING change_id) "
        f"DELETE FROM {STAGE} s WHERE NOT EXISTS (SELECT 1 FROM applied a WHERE a.change_id = s.change_id) "
        "RETURNING s.change_id"), {"station": station_id, "now": datetime.now(UTC)}).scalars())
    q = conn.dialect.identifier_preparer.quote
    _upsert(conn, CONTAINER, "container", "code", q)
    columns = [c.name for c in ITEM.columns]
    # New records (the usual case) go straight in; the ones that exist centrally (their keys come back) are
    # checked afterwards.
    kept = set(conn.execute(text(
        f"WITH {_latest('return_item')}, inserted AS (INSERT INTO return_item ({', '.join(q(c) for c in columns)}) "  # noqa: S608
        f"SELECT {', '.join(_expr(ITEM, c, q) for c in columns)} FROM latest l "
        "CROSS JOIN LATERAL json_populate_record(NULL::return_item, l.payload) x ON CONFLICT (id) DO NOTHING "
        "RETURNING id) SELECT l.entity_key FROM latest l "
        "WHERE NOT EXISTS (SELECT 1 FROM inserted i WHERE i.id = l.entity_key::uuid)")).scalars())
    existing = [c for c in changes if c.entity == "return_item" and c.key in kept and c.change_id not in replays]
    conflicts, updated = _item_conflicts(conn, station_id, existing, ITEM)
    if updated:
        assignments = ", ".join(f"{q(c)} = {_expr(ITEM, c, q)}" for c in columns if c != "id")
        conn.execute(text(
            f"WITH {_latest('return_item')} UPDATE return_item r SET {assignments} FROM latest l "  # noqa: S608
            "CROSS JOIN LATERAL json_populate_record(NULL::return_item, l.payload) x "
            "WHERE r.id = x.id AND l.entity_key = ANY(:keys)"), {"keys": updated})
    _upsert(conn, JOB, "print_job", "id", q)
    audit_columns = [c.name for c in AUDIT.columns if c.name != "id"]
    conn.execute(text(
        f"INSERT INTO audit_event ({', '.join(q(c) for c in audit_columns)}) "  # noqa: S608
        f"SELECT {', '.join(_expr(AUDIT, c, q) for c in audit_columns)} FROM {STAGE} l "
        "CROSS JOIN LATERAL json_populate_record(NULL::audit_event, l.payload) x "
        "WHERE l.entity = 'audit_event' ORDER BY l.seq"))
    return PushResult(sent=len(changes), replayed=len(replays), conflicts=conflicts)


def _stage(conn: Connection, changes: Sequence[Change]) -> None:
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (seq int, change_id uuid, entity text, entity_key text, "
        "payload json) ON COMMIT DELETE ROWS")
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {STAGE} (seq, change_id, entity, entity_key, payload) FROM STDIN") as copy:
        for seq, change in enumerate(changes):
            copy.write_row((seq, change.change_id, change.entity, change.key, change.payload_text))


def _latest(entity: str) -> str:
    """CTE `latest`: the last change of each record in the batch (a statement may touch a row only once)."""
    assert entity in KNOWN_ENTITIES  # our own constant, never data
    return (f"latest AS (SELECT DISTINCT ON (entity_key) entity_key, payload FROM {STAGE} "  # noqa: S608
            f"WHERE entity = '{entity}' ORDER BY entity_key, seq DESC)")


def _expr(table: Table, column: str, q: Any) -> str:
    if column == "container_id" and table.name in ("return_item", "print_job"):
        # Tote ids are per database: the station sends the tote's barcode.
        return "(SELECT c.id FROM container c WHERE c.code = l.payload->>'container_code')"
    if is_binary(table, column):
        return f"decode(l.payload->>'{column}', 'base64')"
    return f"x.{q(column)}"


def _upsert(conn: Connection, table: Table, entity: str, key: str, q: Any) -> None:
    columns = [c.name for c in table.columns if not (c.name == "id" and key != "id")]
    updates = ", ".join(f"{q(c)} = EXCLUDED.{q(c)}" for c in columns if c != key)
    conn.execute(text(
        f"WITH {_latest(entity)} INSERT INTO {q(table.name)} ({', '.join(q(c) for c in columns)}) "  # noqa: S608
        f"SELECT {', '.join(_expr(table, c, q) for c in columns)} FROM latest l "
        f"CROSS JOIN LATERAL json_populate_record(NULL::{q(table.name)}, l.payload) x "
        f"ON CONFLICT ({q(key)}) DO UPDATE SET {updates}"))


def _item_conflicts(conn: Connection, station_id: str, changes: Sequence[Change], item: Table
                    ) -> tuple[list[Any], list[str]]:
    """Items of the batch that exist centrally: the ones still at the station's base version are updates;
    the others were changed centrally: central wins, the station's version is logged (conflicts)."""
    first: dict[str, Change] = {}
    last: dict[str, Change] = {}
    for change in changes:
        first.setdefault(change.key, change)
        last[change.key] = change
    if not last:
        return [], []
    versions: dict[uuid.UUID, int] = dict(conn.execute(
        text("SELECT id, version FROM return_item WHERE id = ANY(:ids)"), {"ids": [uuid.UUID(k) for k in last]}).all())
    keys = [str(i) for i, version in versions.items() if version != first[str(i)].payload.get("base_version")]
    updates = [str(i) for i in versions if str(i) not in keys]
    if not keys:
        return [], updates
    rows = conn.execute(select(item).where(item.c.id.in_([uuid.UUID(k) for k in keys]))).all()
    conflicts = [Conflict(last[str(row.id)], to_json(item, dict(row._mapping))) for row in rows]
    now = datetime.now(UTC)
    conn.execute(insert(CONFLICT), [conflict_row(station_id, c, now) for c in conflicts])
    return conflicts, updates
