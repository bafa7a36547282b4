"""The MariaDB/MySQL side of a push batch, done by the server: the raw outbox payloads go up as JSON documents
of a few MB, one kind of record each (one string parameter: the driver escapes one string, not every value of
every row), and set-based SQL over JSON_TABLE applies them: replays skipped, conflicts kept, updates, inserts.

Same rules as push_pg.py and the portable path in push.py; the integration tests run both engines.
SQL here is built only from table and column names of our own metadata; all values are parameters.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
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
    insert,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

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

# One statement's document stays well under max_allowed_packet (16 MB by default) after escaping, and one
# statement's work stays far below the round-trip bound on a busy server (a 4 MB audit document once took 30 s).
DOC_BYTES = 1024 * 1024


def apply_batch_mysql(conn: Connection, station_id: str, changes: Sequence[Change]) -> PushResult:
    refuse_unknown([c.entity for c in changes])
    with _quotes_only(conn):
        fresh = _claim(conn, station_id, changes)
        by_entity: dict[str, list[Change]] = {entity: [] for entity in KNOWN_ENTITIES}
        for change in fresh:
            by_entity[change.entity].append(change)
        _upsert(conn, CONTAINER, "code", _latest(by_entity["container"]))
        conflicts = _apply_items(conn, station_id, by_entity["return_item"])
        _upsert(conn, JOB, "id", _latest(by_entity["print_job"]))
        columns = [c.name for c in AUDIT.columns if c.name != "id"]
        for doc in _documents([c.payload_text for c in by_entity["audit_event"]]):  # in the order they happened
            conn.execute(text(f"INSERT INTO audit_event ({_names(columns)}) "  # noqa: S608
                              f"SELECT {_exprs(AUDIT, columns)} FROM {_json_table(AUDIT)}"), {"doc": doc})
    return PushResult(sent=len(changes), replayed=len(changes) - len(fresh), conflicts=conflicts)


def _claim(conn: Connection, station_id: str, changes: Sequence[Change]) -> list[Change]:
    """Record the batch's change ids as applied; the ones already there are replays, left out of what is returned.

    Exactly once: IGNORE skips only a change id already applied (the table's one key); a second push of the same
    batch at the same time waits on the key, then skips it too. Nearly always every id is new: a plain INSERT
    whose count says so (RETURNING every id cost 3-6x the insert); when the count is short, the insert is undone
    to its savepoint and redone with RETURNING to learn which ids were new."""
    fresh: list[Change] = []
    now = datetime.now(UTC).replace(tzinfo=None)
    claim = ("INSERT IGNORE INTO sync_applied (change_id, station_id, applied_at) "
             "SELECT j.change_id, :station, :now FROM JSON_TABLE(:doc, '$[*]' COLUMNS ("
             "change_id CHAR(36) PATH '$')) j")
    ids = [f'"{c.change_id}"' for c in changes]
    for start, end in _spans(ids):
        part = changes[start:end]
        params = {"doc": f"[{','.join(ids[start:end])}]", "station": station_id, "now": now}
        savepoint = conn.begin_nested()
        if conn.execute(text(claim), params).rowcount == len(part):
            savepoint.commit()
            fresh.extend(part)
            continue
        savepoint.rollback()
        new = {uuid.UUID(str(v)) for v in conn.execute(text(claim + " RETURNING change_id"), params).scalars()}
        fresh.extend(c for c in part if c.change_id in new)
    return fresh


@contextmanager
def _quotes_only(conn: Connection) -> Iterator[None]:
    """With NO_BACKSLASH_ESCAPES the driver escapes a string by doubling its quotes (one C replace) instead
    of its pure-Python escape of every character; the payload's JSON backslashes then pass as they are.
    The session's mode is put back afterwards (the connection returns to the pool); after a lost link there is
    no session left to put back, and the round's own error is the one that counts."""
    mode = conn.exec_driver_sql("SELECT @@SESSION.sql_mode").scalar_one()
    conn.exec_driver_sql("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')")
    try:
        yield
    except BaseException:
        if not conn.invalidated:
            with suppress(SQLAlchemyError):
                _set_mode(conn, mode)
        raise
    _set_mode(conn, mode)


def _set_mode(conn: Connection, mode: str) -> None:
    conn.execute(text("SET SESSION sql_mode = :mode"), {"mode": mode})


def _spans(items: Sequence[str]) -> Iterator[tuple[int, int]]:
    """Index ranges of `items` whose JSON texts make documents of about DOC_BYTES."""
    start, size = 0, 0
    for n, item in enumerate(items):
        size += len(item) + 1
        if size >= DOC_BYTES:
            yield start, n + 1
            start, size = n + 1, 0
    if start < len(items):
        yield start, len(items)


def _documents(items: Sequence[str]) -> Iterator[str]:
    """JSON arrays of the given JSON texts (the outbox's own payload text, as it is), about DOC_BYTES each."""
    for start, end in _spans(items):
        yield f"[{','.join(items[start:end])}]"


def _latest(changes: Sequence[Change]) -> list[Change]:
    """The last change of each record in the batch (one statement may touch a row only once)."""
    return list({c.key: c for c in changes}.values())


@cache
def _fields(table: Table) -> tuple[str, ...]:
    """The payload fields a JSON_TABLE of `table` reads, in a positional row's order: short values first, JSON and
    binary last (the server walks each column's path from the row's start, so fewer paths cross the long ones)."""
    names = [c.name for c in table.columns] + (["container_code"] if "container_id" in table.columns else [])
    return tuple(sorted(names, key=lambda n: n in table.columns and isinstance(
        table.columns[n].type, (JSON, LargeBinary))))


@cache
def _json_table(table: Table, positional: bool = False) -> str:
    """`JSON_TABLE(:doc, ...) x`: each payload's fields as typed columns of `x`, strings left long (the
    INSERT checks lengths, as it would a value sent by itself), dates as text converted in `_expr`.
    `positional`: the document's rows are arrays in `_fields` order (`_positional`), not the payload objects."""
    columns = []
    for n, name in enumerate(_fields(table)):
        kind = "VARCHAR(40)" if name == "container_code" else _path_type(table.columns[name].type)
        columns.append(f"`{name}` {kind} PATH '{f'$[{n}]' if positional else f'$.{name}'}'")
    return f"JSON_TABLE(:doc, '$[*]' COLUMNS ({', '.join(columns)})) x"


def _positional(table: Table, changes: Iterable[Change]) -> list[str]:
    """Payloads as JSON arrays in `_fields` order: a wide row's 40 paths, each walked from the row's start over
    every key before it, cost the server about twice what the client's C json round trip costs."""
    names = _fields(table)
    return [json.dumps([p.get(n) for n in names]) for p in (json.loads(c.payload_text) for c in changes)]


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


def _upsert(conn: Connection, table: Table, key: str, changes: Sequence[Change]) -> None:
    columns = [c.name for c in table.columns if not (c.name == "id" and key != "id")]
    updates = ", ".join(f"`{c}` = VALUES(`{c}`)" for c in columns if c != key)
    # Payload objects as they are: a print job's row is short of columns, and its PDF makes the client's json
    # round trip cost as much as the server saves.
    for doc in _documents([c.payload_text for c in changes]):
        conn.execute(text(
            f"INSERT INTO `{table.name}` ({_names(columns)}) SELECT {_exprs(table, columns)} "  # noqa: S608
            f"FROM {_json_table(table)} ON DUPLICATE KEY UPDATE {updates}"), {"doc": doc})


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
    for doc in _documents(_positional(ITEM, (c for k, c in last.items() if k not in versions))):
        conn.execute(text(f"INSERT INTO return_item ({_names(columns)}) "  # noqa: S608
                          f"SELECT {_exprs(ITEM, columns)} FROM {_json_table(ITEM, positional=True)}"), {"doc": doc})
    assignments = ", ".join(f"r.`{c}` = {_expr(ITEM, c)}" for c in columns if c != "id")
    for doc in _documents(_positional(ITEM, (last[k] for k in updated))):
        conn.execute(text(f"UPDATE return_item r JOIN {_json_table(ITEM, positional=True)} ON r.id = x.id "  # noqa: S608
                          f"SET {assignments}"), {"doc": doc})
    if not conflicting:
        return []
    rows = conn.execute(select(ITEM).where(ITEM.c.id.in_([uuid.UUID(k) for k in conflicting]))).all()
    conflicts = [Conflict(last[str(row.id)], to_json(ITEM, dict(row._mapping))) for row in rows]
    now = datetime.now(UTC)
    conn.execute(insert(CONFLICT), [conflict_row(station_id, c, now) for c in conflicts])
    return conflicts
