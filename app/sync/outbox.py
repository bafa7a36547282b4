"""The outbox writer: every change worth pushing writes an outbox row in the same local transaction.

One SQLAlchemy `after_flush` hook sees every ORM write of the station's services (finalize, void, overrides,
audit events, print jobs, totes), so no service has to remember to call it, and the outbox row commits or
rolls back with the change itself. Drafts are not pushed: only final and voided records are.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, event, insert, inspect, select, update
from sqlalchemy.orm import Session, UOWTransaction

from app.db.models import AuditEvent, Container, OutboxEntry, PrintJob, ReturnItem
from app.db.uow import Database
from app.sync.codec import to_json

# Set on a session (session.info) while sync itself writes, so applying central data is not pushed back.
APPLYING_SYNC = "returns_desk_applying_sync"
WRITTEN = "returns_desk_outbox_written"
PUSHED_STATUSES = frozenset({"final", "voided"})
OUTBOX: Table = OutboxEntry.__table__  # type: ignore[assignment]


def enable_outbox(db: Database) -> None:
    """Station mode: from now on every session of `db` writes outbox rows with its changes."""
    if not event.contains(db.sessions, "after_flush", _write_outbox):
        event.listen(db.sessions, "after_flush", _write_outbox)


def _write_outbox(session: Session, _flush: UOWTransaction) -> None:
    if session.info.get(APPLYING_SYNC):
        return
    changed = [obj for obj in session.new] + [obj for obj in session.dirty if session.is_modified(obj)]
    now = datetime.now(UTC)
    connection = session.connection()
    # One transaction may flush the same record several times: it stays one change, with the last values.
    written = _written_in_transaction(session)
    # Containers first: items and print jobs refer to them by code on the central side.
    for obj in sorted(changed, key=_push_order):
        entry = _entry_for(session, obj)
        if entry is None:
            continue
        mark = (entry["entity"], entry["entity_key"])
        if mark in written:
            outbox_id, base = written[mark]
            if "base_version" in entry["payload"]:
                entry["payload"]["base_version"] = base
            connection.execute(update(OUTBOX).where(OUTBOX.c.id == outbox_id).values(payload=entry["payload"]))
        else:
            outbox_id = connection.execute(
                insert(OUTBOX).values(change_id=uuid.uuid4(), created_at=now, attempts=0, **entry)
                .returning(OUTBOX.c.id)
            ).scalar_one()
            written[mark] = (outbox_id, entry["payload"].get("base_version"))


def _written_in_transaction(session: Session) -> dict[tuple[str, str], tuple[int, int | None]]:
    transaction = session.get_transaction()
    holder = session.info.get(WRITTEN)
    if holder is None or holder[0] is not transaction:
        holder = session.info[WRITTEN] = (transaction, {})
    written: dict[tuple[str, str], tuple[int, int | None]] = holder[1]
    return written


PUSH_ORDER: dict[type, int] = {Container: 0, ReturnItem: 1, PrintJob: 2, AuditEvent: 3}


def _push_order(obj: object) -> int:
    return PUSH_ORDER.get(type(obj), 9)


def _values(obj: object) -> dict[str, Any]:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}


def _entry_for(session: Session, obj: object) -> dict[str, Any] | None:
    if isinstance(obj, AuditEvent):
        payload = to_json(_table(AuditEvent), _values(obj), skip=frozenset({"id"}))
        return {"entity": "audit_event", "entity_key": f"{obj.station_id}:{obj.id}", "payload": payload}
    if isinstance(obj, ReturnItem):
        if obj.status not in PUSHED_STATUSES:
            return None
        payload = to_json(_table(ReturnItem), _values(obj))
        payload["container_code"] = _container_code(session, obj.container_id)
        payload["base_version"] = last_pushed_version(session, str(obj.id))
        return {"entity": "return_item", "entity_key": str(obj.id), "payload": payload}
    if isinstance(obj, PrintJob):
        payload = to_json(_table(PrintJob), _values(obj))
        payload["container_code"] = _container_code(session, obj.container_id)
        return {"entity": "print_job", "entity_key": str(obj.id), "payload": payload}
    if isinstance(obj, Container):
        payload = to_json(_table(Container), _values(obj), skip=frozenset({"id"}))
        return {"entity": "container", "entity_key": obj.code, "payload": payload}
    return None


def last_pushed_version(session: Session, item_key: str) -> int | None:
    """The version of the item that the central database has (or will have) from this station's outbox."""
    payload = session.connection().execute(
        select(OUTBOX.c.payload)
        .where(OUTBOX.c.entity == "return_item", OUTBOX.c.entity_key == item_key)
        .order_by(OUTBOX.c.id.desc())
        .limit(1)
    ).scalar()
    return None if payload is None else int(payload["version"])


def _container_code(session: Session, container_id: int | None) -> str | None:
    if container_id is None:
        return None
    return session.connection().execute(
        select(Container.code).where(Container.id == container_id)
    ).scalar()


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined]
