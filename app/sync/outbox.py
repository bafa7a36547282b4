"""The outbox writer: every change worth pushing writes an outbox row in the same local transaction.

The outbox belongs to the station's database, not to one `Database` object: `enable_outbox(db)` marks the
database (its URL), and every session on it, from any `Database` opened on that URL before or after (the
window's DB thread, the print thread, the CLI), writes outbox rows. Two hooks on the Session class see every
write path:
- `after_flush`: every ORM object write (finalize, void, overrides, audit events, print jobs, totes);
- `do_orm_execute`: bulk `UPDATE`s through a session (`session.execute(update(PrintJob)...)`): the rows they
  match are found first, updated, read back and written to the outbox like a flushed object.
Bulk `INSERT`/`DELETE` on a pushed table, and deleting a pushed record, are refused on a station database:
the central database could not follow them (a record is voided, never deleted). Only sync itself
(APPLYING_SYNC, or its Core statements on a connection) writes those tables without the outbox.
So no service has to remember the outbox, and the outbox row commits or rolls back with the change itself.
Drafts are not pushed: only final and voided records are.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Result, Table, event, insert, inspect, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from app.db.models import AuditEvent, Container, OutboxEntry, PrintJob, ReturnItem
from app.db.uow import Database
from app.domain.status import PUSHED_ITEM_STATUSES, ItemStatus
from app.errors import InvalidState
from app.sync.codec import to_json

# Set on a session (session.info) while sync itself writes, so applying central data is not pushed back.
APPLYING_SYNC = "returns_desk_applying_sync"
WRITTEN = "returns_desk_outbox_written"
PUSHED_STATUSES = PUSHED_ITEM_STATUSES
OUTBOX: Table = OutboxEntry.__table__  # type: ignore[assignment]
# The tables whose rows go up, in push order: items and print jobs refer to totes by code centrally.
PUSH_ORDER: dict[type, int] = {Container: 0, ReturnItem: 1, PrintJob: 2, AuditEvent: 3}
PUSHED_TABLES: dict[Table, type] = {model.__table__: model for model in PUSH_ORDER}  # type: ignore[attr-defined]

_station_databases: set[str] = set()  # keys of the databases whose changes go to their outbox


def enable_outbox(db: Database) -> None:
    """Station mode: from now on every session on `db`'s database writes outbox rows with its changes."""
    _station_databases.add(_database_key(db.url))
    for name, hook in (("before_flush", _refuse_deletes), ("after_flush", _write_outbox),
                       ("do_orm_execute", _bulk_statement)):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def outbox_enabled(db: Database) -> bool:
    return _database_key(db.url) in _station_databases


@cache
def _database_key(url: str) -> str:
    """The same SQLite file under any spelling of its URL (relative path, symlink) is one database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return f"sqlite:{Path(parsed.database).resolve()}"
    return parsed.render_as_string(hide_password=True)


def _is_station_session(session: Session) -> bool:
    if session.info.get(APPLYING_SYNC) or not _station_databases:
        return False
    url = session.get_bind().engine.url
    return _database_key(url.render_as_string(hide_password=True)) in _station_databases


def _refuse_deletes(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if not session.deleted or not _is_station_session(session):
        return
    for obj in session.deleted:
        if type(obj) in PUSH_ORDER and (not isinstance(obj, ReturnItem) or obj.status in PUSHED_STATUSES):
            raise InvalidState(f"A {inspect(obj).mapper.local_table.name} record is never deleted: the central "
                               "database keeps it. Void the item instead.")


def _write_outbox(session: Session, _flush: UOWTransaction) -> None:
    if not _is_station_session(session):
        return
    changed = [obj for obj in session.new] + [obj for obj in session.dirty if session.is_modified(obj)]
    write_entries(session, changed)


def _bulk_statement(state: ORMExecuteState) -> Result[Any] | None:
    """A bulk write through a session on a pushed table: UPDATEs are captured, INSERT/DELETE refused."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return None
    table = getattr(state.statement, "table", None)
    model = PUSHED_TABLES.get(table) if isinstance(table, Table) else None
    if model is None or not _is_station_session(state.session):
        return None
    if not state.is_update:
        raise InvalidState(f"A bulk {'INSERT' if state.is_insert else 'DELETE'} on {table} would not reach the "
                           "central database: add the objects to the session (records are voided, never deleted).")
    keys = _matched_keys(state, model)
    result = state.invoke_statement()
    write_entries(state.session, _reloaded(state.session, model, keys))
    return result


def _primary_key(model: type) -> Column[Any]:
    column: Column[Any] = inspect(model).primary_key[0]  # every pushed table has a one-column key
    return column


def _matched_keys(state: ORMExecuteState, model: type) -> list[Any]:
    primary_key = _primary_key(model)
    parameters = state.parameters
    if isinstance(parameters, Sequence) and not isinstance(parameters, dict):  # bulk UPDATE by primary key
        return [p[primary_key.key] for p in parameters]
    where = state.statement.whereclause  # type: ignore[attr-defined]
    query = select(primary_key) if where is None else select(primary_key).where(where)
    return list(state.session.scalars(query))


def _reloaded(session: Session, model: type, keys: list[Any]) -> list[Any]:
    if not keys:
        return []
    return list(session.scalars(select(model).where(_primary_key(model).in_(keys))
                                .execution_options(populate_existing=True)))


def write_entries(session: Session, changed: Iterable[object]) -> None:
    entries = (entry_for(session, obj) for obj in sorted(changed, key=_push_order))
    write_built_entries(session, [entry for entry in entries if entry is not None])


def write_built_entries(session: Session, entries: Iterable[dict[str, Any]]) -> None:
    """Outbox rows in the session's transaction for entries from `entry_for` (also app/sync/backfill.py)."""
    now = datetime.now(UTC)
    connection = session.connection()
    # One transaction may flush the same record several times: it stays one change, with the last values.
    written = _written_in_transaction(session)
    fresh: list[dict[str, Any]] = []
    for entry in entries:
        mark = (entry["entity"], entry["entity_key"])
        if any((e["entity"], e["entity_key"]) == mark for e in fresh):  # twice in one call: the first goes in
            _insert(connection, fresh, written, now)
            fresh = []
        if mark not in written:
            fresh.append(entry)
            continue
        outbox_id, base = written[mark]
        if "base_version" in entry["payload"]:
            entry["payload"]["base_version"] = base
        connection.execute(update(OUTBOX).where(OUTBOX.c.id == outbox_id).values(payload=entry["payload"]))
    _insert(connection, fresh, written, now)


def _insert(connection: Connection, entries: list[dict[str, Any]], written: dict[tuple[str, str], Any],
            now: datetime) -> None:
    """New outbox rows in one multi-row INSERT ... RETURNING (issue 12: one round trip, not one a row). The rows
    go in the order given (the push order); each id is matched back by the row's own change id."""
    if not entries:
        return
    rows = [dict(change_id=new_change_id(), created_at=now, attempts=0, **entry) for entry in entries]
    if len(rows) == 1 or not connection.dialect.insert_executemany_returning:
        returned = [connection.execute(insert(OUTBOX).values(**row).returning(OUTBOX.c.id, OUTBOX.c.change_id)).one()
                    for row in rows]
    else:
        returned = list(connection.execute(insert(OUTBOX).returning(OUTBOX.c.id, OUTBOX.c.change_id), rows))
    ids = {change_id: outbox_id for outbox_id, change_id in returned}
    for row in rows:
        written[(row["entity"], row["entity_key"])] = (ids[row["change_id"]], row["payload"].get("base_version"))


def new_change_id() -> uuid.UUID:
    """A time-ordered UUID (version 7, RFC 9562): as unique as a random one, but a new outbox row goes at the end
    of the change-id index, one page, instead of on a random page of an index of millions (issue 12)."""
    millis = time.time_ns() // 1_000_000 & (1 << 48) - 1
    rand = int.from_bytes(os.urandom(10), "big")
    value = millis << 80 | 0x7 << 76 | (rand >> 64 & 0xFFF) << 64 | 0b10 << 62 | rand & (1 << 62) - 1
    return uuid.UUID(int=value)


def _written_in_transaction(session: Session) -> dict[tuple[str, str], tuple[int, int | None]]:
    transaction = session.get_transaction()
    holder = session.info.get(WRITTEN)
    if holder is None or holder[0] is not transaction:
        holder = session.info[WRITTEN] = (transaction, {})
    written: dict[tuple[str, str], tuple[int, int | None]] = holder[1]
    return written


def _push_order(obj: object) -> int:
    return PUSH_ORDER.get(type(obj), 9)


def _values(obj: object) -> dict[str, Any]:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}


def entry_for(session: Session, obj: object) -> dict[str, Any] | None:
    """The outbox row (entity, key, payload) for a record, or None when the record is not pushed (a draft)."""
    if isinstance(obj, AuditEvent):
        payload = to_json(_table(AuditEvent), _values(obj), skip=frozenset({"id"}))
        return {"entity": "audit_event", "entity_key": f"{obj.station_id}:{obj.id}", "payload": payload}
    if isinstance(obj, ReturnItem):
        if obj.status not in PUSHED_STATUSES:
            return None
        payload = to_json(_table(ReturnItem), _values(obj))
        payload["container_code"] = _container_code(session, obj.container_id)
        payload["base_version"] = _base_version(session, obj)
        return {"entity": "return_item", "entity_key": str(obj.id), "payload": payload}
    if isinstance(obj, PrintJob):
        payload = to_json(_table(PrintJob), _values(obj))
        payload["container_code"] = _container_code(session, obj.container_id)
        return {"entity": "print_job", "entity_key": str(obj.id), "payload": payload}
    if isinstance(obj, Container):
        payload = to_json(_table(Container), _values(obj), skip=frozenset({"id"}))
        return {"entity": "container", "entity_key": obj.code, "payload": payload}
    return None


def _base_version(session: Session, item: ReturnItem) -> int | None:
    """The version the central database has of the item before this change: this transaction's, if it wrote
    the item already; none if the item was a draft until this flush (drafts are never pushed, and a record never
    goes back to draft: issue 12, no read of the outbox on every finalize); else the last one in the outbox."""
    known = _written_in_transaction(session).get(("return_item", str(item.id)))
    if known is not None:
        return known[1]
    if ItemStatus.DRAFT in inspect(item).attrs.status.history.deleted:
        return None
    return last_pushed_version(session, str(item.id))


def last_pushed_version(session: Session, item_key: str) -> int | None:
    """The version of the item that the central database has (or will have) from this station's outbox."""
    version = session.connection().execute(  # the version out of the JSON in the database, not the whole payload
        select(OUTBOX.c.payload["version"].as_integer())
        .where(OUTBOX.c.entity == "return_item", OUTBOX.c.entity_key == item_key)
        .order_by(OUTBOX.c.id.desc())
        .limit(1)
    ).scalar()
    return None if version is None else int(version)


def _container_code(session: Session, container_id: int | None) -> str | None:
    if container_id is None:
        return None
    tote = session.identity_map.get(Session.identity_key(Container, container_id))
    code = None if tote is None else inspect(tote).dict.get("code")  # a tote's code never changes
    if isinstance(code, str):
        return code
    return session.connection().execute(
        select(Container.code).where(Container.id == container_id)
    ).scalar()


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined]
