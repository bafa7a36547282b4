"""Push: outbox rows go to the central database in batches, each batch in one central transaction.

Exactly once: every change carries a client-generated change id; the central `sync_applied` table records the
ids it has applied in the same transaction as the rows, so a batch replayed after a dropped connection (sent,
applied, but the station never heard back) is recognised and skipped. Records keep their client UUIDs.
One row the central database refuses for good (a duplicate LPN, a missing reference) is found by halving the
batch it is in and is set aside with its reason (outbox.set_aside_at, last_error); the rest keeps flowing.
Any other failure (unreachable, not answering, rights) keeps the whole batch waiting and is retried; every
failed attempt is counted on the batch's outbox rows.
Conflict rule (return items): a station's change applies only if the central record still has the version the
station last sent; otherwise someone changed it centrally (a supervisor) and the central version wins: the
station's version is kept in `sync_conflict` on both sides and the station takes the central version.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Table,
    any_,
    bindparam,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from app.db.models import OutboxEntry
from app.db.uow import Database
from app.errors import ChangeRefused
from app.sync.batch import (
    APPLIED,
    AUDIT,
    CONFLICT,
    CONTAINER,
    ITEM,
    JOB,
    Change,
    Conflict,
    PushResult,
    conflict_row,
    refuse_unknown,
)
from app.sync.central import is_postgres, plain_errors
from app.sync.codec import from_json, is_binary, to_json
from app.sync.push_mysql import apply_batch_mysql
from app.sync.push_pg import apply_batch_postgres
from app.sync.state import retry_locked

BATCH_SIZE = 5000
MAX_BATCH_BYTES = 16 * 1024 * 1024
OUTBOX: Table = OutboxEntry.__table__  # type: ignore[assignment]
# Payload keys that are not columns: how the central side resolves the tote and checks the version.
EXTRA_KEYS = ("container_code", "base_version")


# Waiting: not sent and not set aside (a set-aside row waits for IT, not for the network).
UNSENT = (OUTBOX.c.sent_at.is_(None), OUTBOX.c.set_aside_at.is_(None))


def count_waiting(local: Database) -> int:
    with local.engine.connect() as conn:
        return waiting_in(conn)


def waiting_in(conn: Connection) -> int:
    """On the caller's connection: every SQLite transaction takes the write lock, so a second connection opened
    while this one is in a transaction would wait for it (and fail after the busy timeout)."""
    return int(conn.execute(select(func.count()).select_from(OUTBOX).where(*UNSENT)).scalar_one())


def push_once(
    local: Database,
    central: Database,
    station_id: str,
    batch_size: int = BATCH_SIZE,
    should_stop: Callable[[], bool] = lambda: False,
) -> PushResult:
    """Send everything waiting, batch by batch, until the outbox is empty (or `should_stop()`).

    Local reads and writes run on a helper thread, overlapping with the central database's work on the
    batch before: the next batch is read while one is applied, and a batch is marked sent only after its
    central commit (marks stay in order: one helper thread)."""
    total = PushResult()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-local") as local_io:
        upcoming = local_io.submit(next_batch, local, batch_size, 0)
        marked: Future[None] | None = None
        while not should_stop():
            changes = upcoming.result()
            if not changes:
                break
            upcoming = local_io.submit(next_batch, local, batch_size, changes[-1].outbox_id)
            result = send_isolating(local, central, station_id, changes)
            if marked is not None:
                marked.result()  # a failed mark stops the push (the batch is replayed harmlessly later)
            marked = local_io.submit(mark_sent, local, changes, result.conflicts)
            total.add(result)
        if marked is not None:
            marked.result()
    return total


@dataclass(frozen=True)
class SetAside:
    """The changes the central database refused for good: how many, and the first in words for IT."""

    count: int
    first: str  # what it is: an LPN, a tote code, an audit event
    reason: str  # a few words: "duplicate LPN"
    error: str  # the central database's words in full

    def line(self) -> str:
        return (f"{self.count:,} change{'s' if self.count > 1 else ''} set aside: {self.first} refused "
                f"({self.reason}) — tell IT")


def set_aside_summary(conn: Connection) -> SetAside | None:
    aside = OUTBOX.c.set_aside_at.is_not(None)
    count = int(conn.execute(select(func.count()).select_from(OUTBOX).where(aside)).scalar_one())
    if not count:
        return None
    first = conn.execute(select(OUTBOX.c.entity, OUTBOX.c.entity_key, OUTBOX.c.payload, OUTBOX.c.last_error)
                         .where(aside).order_by(OUTBOX.c.id).limit(1)).one()
    reason, _, error = (first.last_error or "").partition(" | ")
    what = first.payload.get("lpn") if first.entity == "return_item" else None
    return SetAside(count, what or f"{first.entity.replace('_', ' ')} {first.entity_key}", reason or "refused", error)


def next_batch(local: Database, batch_size: int, after_id: int = 0) -> list[Change]:
    """The first unsent outbox rows after `after_id` (a keyset: each batch starts where the last ended),
    at most `batch_size` of them and about MAX_BATCH_BYTES of payload (print jobs carry whole PDFs)."""
    changes: list[Change] = []
    size = 0
    with local.engine.connect() as conn:
        # The station file's own driver (no SQLAlchemy row processing: 714k rows for 100k items); the change id is
        # stored as SQLAlchemy's Uuid stores it on SQLite (32 hex digits).
        raw = conn.connection.driver_connection
        assert raw is not None
        rows = raw.execute(
            "SELECT id, change_id, entity, entity_key, payload FROM outbox "
            "WHERE id > ? AND sent_at IS NULL AND set_aside_at IS NULL ORDER BY id LIMIT ?", (after_id, batch_size))
        for r in rows:
            changes.append(Change(r[0], uuid.UUID(hex=r[1]), r[2], r[3], r[4]))
            size += len(r[4])
            if size >= MAX_BATCH_BYTES:
                break
    return changes


def send_isolating(local: Database, central: Database, station_id: str, changes: Sequence[Change]) -> PushResult:
    """Apply the batch in one central transaction; if the central database refuses a row of it for good, halve
    it until that row is alone and set it aside (each half in its own transaction: exactly once still holds)."""
    try:
        with plain_errors(central, waiting=lambda: count_waiting(local)) as deadline, \
                central.engine.begin() as conn:
            # The round-trip bound is per statement (each one bounded in size), not for the whole batch: a slow
            # server under a 100k backlog is not taken for one that stopped answering.
            event.listen(conn, "before_cursor_execute", lambda *_: deadline.progress())
            return apply_batch(conn, station_id, changes)
    except ChangeRefused as exc:
        if len(changes) == 1:
            retry_locked(set_aside, local, changes[0], exc)
            return PushResult()
        half = len(changes) // 2
        result = send_isolating(local, central, station_id, changes[:half])
        result.add(send_isolating(local, central, station_id, changes[half:]))
        return result


def set_aside(local: Database, change: Change, refusal: ChangeRefused) -> None:
    """Keep a change the central database will never take out of the push, with its reason for IT."""
    with local.engine.begin() as conn:
        conn.execute(update(OUTBOX).where(OUTBOX.c.id == change.outbox_id).values(
            set_aside_at=datetime.now(UTC), attempts=OUTBOX.c.attempts + 1,
            last_error=f"{refusal.reason} | {refusal}"[:2000]))


def apply_batch(conn: Connection, station_id: str, changes: Sequence[Change]) -> PushResult:
    """Apply one batch inside the caller's central transaction: set-based on the server for PostgreSQL and
    MariaDB (push_pg.py, push_mysql.py), row by row through SQLAlchemy elsewhere (a SQLite central in tests)."""
    if is_postgres(conn):
        return apply_batch_postgres(conn, station_id, changes)
    if conn.dialect.name in ("mysql", "mariadb"):
        return apply_batch_mysql(conn, station_id, changes)
    refuse_unknown([c.entity for c in changes])
    seen = set(conn.scalars(select(APPLIED.c.change_id).where(
        one_of(conn, APPLIED.c.change_id, [c.change_id for c in changes]))))
    fresh = [c for c in changes if c.change_id not in seen]
    by_entity: dict[str, list[Change]] = {}
    for change in fresh:
        by_entity.setdefault(change.entity, []).append(change)
    _upsert_containers(conn, by_entity.get("container", []))
    codes = _container_ids(conn, by_entity.get("return_item", []) + by_entity.get("print_job", []))
    conflicts = _apply_items(conn, station_id, by_entity.get("return_item", []), codes)
    _upsert(conn, JOB, _latest(by_entity.get("print_job", [])), "id", codes)
    _insert(conn, AUDIT, [c.payload for c in by_entity.get("audit_event", [])])
    now = datetime.now(UTC)
    if fresh:
        conn.execute(insert(APPLIED), [{"change_id": c.change_id, "station_id": station_id, "applied_at": now}
                                       for c in fresh])
    return PushResult(sent=len(changes), replayed=len(changes) - len(fresh), conflicts=conflicts)


def one_of(conn: Connection, column: ColumnElement[Any], values: list[Any]) -> ColumnElement[bool]:
    """`column IN (...)`; on PostgreSQL one array parameter instead of thousands of placeholders."""
    if is_postgres(conn):
        return column == any_(bindparam("one_of_values", values, type_=ARRAY(column.type)))
    return column.in_(values)


def _latest(changes: Iterable[Change]) -> list[dict[str, Any]]:
    """The last change of each record in the batch (one statement may touch a row only once)."""
    latest: dict[str, dict[str, Any]] = {}
    for change in changes:
        latest[change.key] = change.payload
    return list(latest.values())


def _upsert_containers(conn: Connection, changes: list[Change]) -> None:
    _upsert(conn, CONTAINER, _latest(changes), "code", {})


def _container_ids(conn: Connection, changes: list[Change]) -> dict[str, int]:
    codes = {c.payload["container_code"] for c in changes if c.payload.get("container_code")}
    if not codes:
        return {}
    return {code: cid for code, cid in conn.execute(select(CONTAINER.c.code, CONTAINER.c.id)
                                                    .where(CONTAINER.c.code.in_(codes)))}


def _apply_items(conn: Connection, station_id: str, changes: list[Change], codes: dict[str, int]) -> list[Conflict]:
    first_base: dict[str, int | None] = {}
    latest: dict[str, Change] = {}
    for change in changes:
        first_base.setdefault(change.key, change.payload.get("base_version"))
        latest[change.key] = change
    if not latest:
        return []
    central = {str(row.id): row for row in conn.execute(
        select(ITEM).where(one_of(conn, ITEM.c.id, [uuid.UUID(k) for k in latest])))}
    fresh: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    conflicts: list[Conflict] = []
    for key, change in latest.items():
        row = central.get(key)
        if row is None:
            fresh.append(change.payload)
        elif row.version == first_base[key]:
            updates.append(change.payload)
        else:
            conflicts.append(Conflict(change, to_json(ITEM, dict(row._mapping))))
    _insert(conn, ITEM, fresh, codes)
    _update(conn, ITEM, updates, "id", codes)
    if conflicts:
        now = datetime.now(UTC)
        conn.execute(insert(CONFLICT), [conflict_row(station_id, c, now) for c in conflicts])
    return conflicts


def _columns_of(table: Table, payload: dict[str, Any], codes: dict[str, int]) -> dict[str, Any]:
    values = {k: v for k, v in payload.items() if k not in EXTRA_KEYS}
    if "container_code" in payload and "container_id" in table.columns:
        code = payload["container_code"]
        values["container_id"] = codes.get(code) if code else None
    return values


def _upsert(conn: Connection, table: Table, payloads: list[dict[str, Any]], key: str, codes: dict[str, int]) -> None:
    if not payloads:
        return
    column = table.columns[key]
    wanted = [from_json(table, {key: p[key]})[key] for p in payloads]
    existing = {str(v) for v in conn.scalars(select(column).where(one_of(conn, column, wanted)))}
    _insert(conn, table, [p for p in payloads if str(p[key]) not in existing], codes)
    _update(conn, table, [p for p in payloads if str(p[key]) in existing], key, codes)


def _insert(conn: Connection, table: Table, payloads: list[dict[str, Any]], codes: dict[str, int] | None = None
            ) -> None:
    if not payloads:
        return
    rows = [_columns_of(table, p, codes or {}) for p in payloads]
    if is_postgres(conn):
        copy_json_rows(conn, table, rows)
    else:
        conn.execute(insert(table), [from_json(table, r) for r in rows])


def _update(conn: Connection, table: Table, payloads: list[dict[str, Any]], key: str, codes: dict[str, int]) -> None:
    if not payloads:
        return
    rows = []
    for payload in payloads:
        values = from_json(table, _columns_of(table, payload, codes))
        values["match_key"] = values.pop(key)
        values.pop("id", None)  # containers: the central id is the central database's own
        rows.append(values)
    conn.execute(update(table).where(table.columns[key] == bindparam("match_key")), rows)


def copy_json_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY of JSON payload rows: the server parses the ISO dates and UUID strings itself."""
    from psycopg import sql

    columns = [c.name for c in table.columns if c.name in rows[0]]
    as_json = {c.name for c in table.columns if isinstance(c.type, JSON)}
    binary = {name for name in columns if is_binary(table, name)}
    converters: list[Callable[[Any], Any]] = []
    for name in columns:
        if name in as_json:
            converters.append(lambda v: None if v is None else json.dumps(v))
        elif name in binary:
            converters.append(lambda v: None if v is None else base64.b64decode(v))
        else:
            converters.append(lambda v: v)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(n) for n in columns))
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([convert(row.get(name)) for name, convert in zip(columns, converters, strict=True)])


def mark_sent(local: Database, changes: Sequence[Change], conflicts: Sequence[Conflict]) -> None:
    """Mark the batch sent; for conflicts, take the central version and log the station's one."""
    now = datetime.now(UTC)
    # The batch is the first unsent rows by id, and new rows get higher ids: a range marks exactly the batch.
    first, last = changes[0].outbox_id, changes[-1].outbox_id
    with local.engine.begin() as conn:
        conn.execute(update(OUTBOX).where(OUTBOX.c.id.between(first, last), *UNSENT)
                     .values(sent_at=now, last_error=None))
        for conflict in conflicts:
            take_central_version(conn, conflict, now)


def take_central_version(conn: Connection, conflict: Conflict, now: datetime) -> None:
    central = from_json(ITEM, conflict.central)
    central.pop("container_id", None)  # tote ids are per database; the station keeps its own link
    item_id = central.pop("id")
    conn.execute(update(ITEM).where(ITEM.c.id == item_id).values(**central))
    conn.execute(insert(CONFLICT).values(
        entity="return_item", entity_key=conflict.change.key, station_id=conflict.change.payload["station_id"],
        local=conflict.change.payload, central=conflict.central, detected_at=now,
        resolution=f"Central version {conflict.central['version']} taken; this station's version kept here."))
    # The next local change of this item is based on the central version now.
    conn.execute(insert(OUTBOX).values(
        change_id=uuid.uuid4(), entity="return_item", entity_key=conflict.change.key,
        payload={**conflict.central, "base_version": conflict.central["version"]}, created_at=now, sent_at=now,
        attempts=0))


def record_attempt(conn: Connection, message: str, batch_size: int = BATCH_SIZE) -> None:
    """Count a failed round on the changes it was to send next (the first waiting batch: the batches before it
    are marked sent by then), with its error; written with the round's outcome, in its local transaction."""
    batch = select(OUTBOX.c.id).where(*UNSENT).order_by(OUTBOX.c.id).limit(batch_size)
    conn.execute(update(OUTBOX).where(OUTBOX.c.id.in_(batch))
                 .values(attempts=OUTBOX.c.attempts + 1, last_error=message[:2000]))
