"""The MariaDB/MySQL side of a push batch, done by the server: the raw outbox payloads go up as one JSON
document per few MB (one string parameter: the driver escapes one string, not every value of every row), are
split into a temporary stage by JSON_TABLE, then set-based SQL applies replays, conflicts, updates and inserts.

Same rules as push_pg.py and the portable path in push.py; the integration tests run both engines.
SQL here is built only from table and column names of our own metadata; all values are parameters.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    Integer,
    LargeBinary,
    Table,
    Uuid,
    bindparam,
    insert,
    select,
    text,
)

from app.db.models import UTCDateTime
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
from app.sync.codec import to_json

STAGE = "sync_stage"
# One statement's document stays well under max_allowed_packet (16 MB by default) after escaping.
DOC_BYTES = 4 * 1024 * 1024


def apply_batch_mysql(conn: Connection, station_id: str, changes: Sequence[Change]) -> PushResult:
    refuse_unknown([c.entity for c in changes])
    _stage(conn, changes)
    # Exactly once: a change id already applied is a replay. IGNORE skips only those (the one key of the
    # table); a second push of the same batch at the same time waits on the key and then skips it too.
    fresh = {uuid.UUID(str(v)) for v in conn.execute(text(
        f"INSERT IGNORE INTO sync_applied (change_id, station_id, applied_at) "  # noqa: S608
        f"SELECT change_id, :station, :now FROM {STAGE} RETURNING change_id"),
        {"station": station_id, "now": datetime.now(UTC).replace(tzinfo=None)}).scalars()}
    replays = [seq for seq, c in enumerate(changes) if c.change_id not in fresh]
    if replays:
        conn.execute(text(f"DELETE FROM {STAGE} WHERE seq IN :seqs")  # noqa: S608
                     .bindparams(bindparam("seqs", expanding=True)), {"seqs": replays})
    _upsert(conn, CONTAINER, "code")
    conflicts = _apply_items(conn, station_id, [c for c in changes if c.entity == "return_item"
                                                and c.change_id in fresh])
    _upsert(conn, JOB, "id")
    columns = [c.name for c in AUDIT.columns if c.name != "id"]
    conn.execute(text(
        f"INSERT INTO audit_event ({_names(columns)}) SELECT {_exprs(AUDIT, columns)} "  # noqa: S608
        f"FROM {STAGE} l, {_json_table(AUDIT)} WHERE l.entity = 'audit_event' ORDER BY l.seq"))
    return PushResult(sent=len(changes), replayed=len(replays), conflicts=conflicts)


def _stage(conn: Connection, changes: Sequence[Change]) -> None:
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (seq INT PRIMARY KEY, change_id UUID NOT NULL, "
        "entity VARCHAR(30) NOT NULL, entity_key VARCHAR(64) NOT NULL, payload LONGTEXT NOT NULL, "
        "KEY (entity, entity_key))")
    # A temporary table lives as long as the pooled connection: empty it of any earlier batch.
    conn.exec_driver_sql(f"DELETE FROM {STAGE}")  # noqa: S608
    parts: list[str] = []
    size = 0
    for seq, change in enumerate(changes):
        # The payload is the outbox's own JSON text, put in as it is (an object inside the document).
        parts.append(f'[{seq},"{change.change_id}",{json.dumps(change.entity)},{json.dumps(change.key)},'
                     f"{change.payload_text}]")
        size += len(parts[-1])
        if size >= DOC_BYTES:
            _stage_part(conn, parts)
            parts, size = [], 0
    if parts:
        _stage_part(conn, parts)


def _stage_part(conn: Connection, parts: list[str]) -> None:
    conn.execute(text(
        f"INSERT INTO {STAGE} (seq, change_id, entity, entity_key, payload) "  # noqa: S608
        "SELECT j.seq, j.change_id, j.entity, j.entity_key, j.payload FROM JSON_TABLE(:doc, '$[*]' COLUMNS ("
        "seq INT PATH '$[0]', change_id CHAR(36) PATH '$[1]', entity VARCHAR(30) PATH '$[2]', "
        "entity_key VARCHAR(64) PATH '$[3]', payload JSON PATH '$[4]')) j"), {"doc": f"[{','.join(parts)}]"})


@cache
def _json_table(table: Table) -> str:
    """`JSON_TABLE(l.payload, ...) x`: the payload's fields as typed columns of `x`, strings left long (the
    INSERT checks lengths, as it would a value sent by itself), dates as text converted in `_expr`."""
    columns = [f"`{c.name}` {_path_type(c.type)} PATH '$.{c.name}'" for c in table.columns]
    if "container_id" in table.columns:
        columns.append("container_code VARCHAR(40) PATH '$.container_code'")
    return f"JSON_TABLE(l.payload, '$' COLUMNS ({', '.join(columns)})) x"


def _path_type(kind: Any) -> str:
    if isinstance(kind, JSON):
        return "JSON"
    if isinstance(kind, Boolean):
        return "BOOLEAN"
    if isinstance(kind, Integer):
        return "BIGINT"
    if isinstance(kind, (UTCDateTime, Date, Uuid)):
        return "VARCHAR(40)"
    return "LONGTEXT"


def _expr(table: Table, column: str) -> str:
    kind = table.columns[column].type
    if column == "container_id" and table.name in ("return_item", "print_job"):
        # Tote ids are per database: the station sends the tote's barcode.
        return "(SELECT c.id FROM container c WHERE c.code = x.container_code)"
    if isinstance(kind, UTCDateTime):  # ISO text in UTC with its +00:00: DATETIME has no zone
        return f"CAST(REPLACE(SUBSTRING_INDEX(x.`{column}`, '+', 1), 'T', ' ') AS DATETIME(6))"
    if isinstance(kind, Date):
        return f"CAST(x.`{column}` AS DATE)"
    if isinstance(kind, LargeBinary):
        return f"FROM_BASE64(x.`{column}`)"
    return f"x.`{column}`"


def _names(columns: Sequence[str]) -> str:
    return ", ".join(f"`{c}`" for c in columns)


def _exprs(table: Table, columns: Sequence[str]) -> str:
    return ", ".join(_expr(table, c) for c in columns)


def _latest(entity: str) -> str:
    """`l`: the stage rows holding the last change of each record in the batch (a row is written once)."""
    assert entity in KNOWN_ENTITIES  # our own constant, never data
    return (f"(SELECT MAX(seq) AS seq FROM {STAGE} WHERE entity = '{entity}' GROUP BY entity_key) m "  # noqa: S608
            f"JOIN {STAGE} l ON l.seq = m.seq")


def _upsert(conn: Connection, table: Table, key: str) -> None:
    columns = [c.name for c in table.columns if not (c.name == "id" and key != "id")]
    entity = "container" if table is CONTAINER else table.name
    updates = ", ".join(f"`{c}` = VALUES(`{c}`)" for c in columns if c != key)
    conn.execute(text(
        f"INSERT INTO `{table.name}` ({_names(columns)}) SELECT {_exprs(table, columns)} "  # noqa: S608
        f"FROM {_latest(entity)}, {_json_table(table)} ON DUPLICATE KEY UPDATE {updates}"))


def _apply_items(conn: Connection, station_id: str, changes: Sequence[Change]) -> list[Conflict]:
    """New records go in; the ones that exist centrally are updates when still at the station's base version,
    otherwise they were changed centrally: central wins, the station's version is logged (conflicts)."""
    first: dict[str, Change] = {}
    last: dict[str, Change] = {}
    for change in changes:
        first.setdefault(change.key, change)
        last[change.key] = change
    if not last:
        return []
    versions = {str(i): v for i, v in conn.execute(
        select(ITEM.c.id, ITEM.c.version).where(ITEM.c.id.in_([uuid.UUID(k) for k in last])))}
    conflicting = [k for k, v in versions.items() if v != first[k].payload.get("base_version")]
    updated = [k for k in versions if k not in conflicting]
    columns = [c.name for c in ITEM.columns]
    # The records found above are left out by key, not by a NOT EXISTS on return_item: in an INSERT ... SELECT
    # that read takes shared gap locks, and two stations pushing at once would deadlock on them.
    inserting = f"INSERT INTO return_item ({_names(columns)}) SELECT {_exprs(ITEM, columns)} " \
                f"FROM {_latest('return_item')}, {_json_table(ITEM)}"  # noqa: S608
    if versions:
        conn.execute(text(f"{inserting} WHERE l.entity_key NOT IN :keys")
                     .bindparams(bindparam("keys", expanding=True)), {"keys": list(versions)})
    else:
        conn.execute(text(inserting))
    if updated:
        assignments = ", ".join(f"r.`{c}` = {_expr(ITEM, c)}" for c in columns if c != "id")
        conn.execute(text(
            f"UPDATE return_item r JOIN {_latest('return_item')} JOIN {_json_table(ITEM)} "  # noqa: S608
            f"ON r.id = x.id SET {assignments} WHERE l.entity_key IN :keys")
            .bindparams(bindparam("keys", expanding=True)), {"keys": updated})
    if not conflicting:
        return []
    rows = conn.execute(select(ITEM).where(ITEM.c.id.in_([uuid.UUID(k) for k in conflicting]))).all()
    conflicts = [Conflict(last[str(row.id)], to_json(ITEM, dict(row._mapping))) for row in rows]
    now = datetime.now(UTC)
    conn.execute(insert(CONFLICT), [conflict_row(station_id, c, now) for c in conflicts])
    return conflicts
