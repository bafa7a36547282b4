"""Backfill: queue in the outbox every record of this station that the central database has not had from it.

Records written while the outbox was off (the station ran standalone, or a tool opened its file in standalone
mode) have no outbox row, so push would never send them. Backfill walks every pushed record (totes, final and
voided items, print jobs, audit events, in push order) and queues it with the outbox's own payload builder,
unless the outbox already has a row, sent or waiting, for its current state: for an item its version, for an
audit event that it is there at all, for totes and print jobs the same values. So a second run queues nothing,
and a record queued twice would still apply once centrally (change ids in `sync_applied`, the version rule).
It runs by itself on a station's first sync round (sync_state `backfilled_at`) and on
`returns-desk sync --backfill`. The local database is the station's SQLite file (JSON1 functions are used).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Select, Text, func, select, type_coerce
from sqlalchemy.orm import Session

from app.db.models import ReturnItem
from app.db.uow import Database
from app.sync import state
from app.sync.central import plain_errors
from app.sync.outbox import OUTBOX, PUSH_ORDER, PUSHED_STATUSES, entry_for, write_built_entries

BACKFILLED_AT = "backfilled_at"
PROGRESS = "backfill.progress"
# Records per local transaction: the write lock is held while their payloads are built (print jobs carry PDFs).
CHUNK = 500
# Keys left out when comparing a record with its last outbox row: the print job's document never changes,
# and base_version is about the central side, not the record.
NOT_COMPARED = frozenset({"payload", "base_version"})


def backfill(local: Database, chunk: int = CHUNK) -> dict[str, int]:
    """Queue every pushed record that has no outbox row for its current state. Returns how many, per table."""
    queued = {model.__tablename__: _backfill_table(local, model, chunk)  # type: ignore[attr-defined]
              for model in sorted(PUSH_ORDER, key=PUSH_ORDER.__getitem__)}
    with local.engine.begin() as conn:
        state.write(conn, BACKFILLED_AT, datetime.now(UTC).isoformat())
    return queued


def backfill_if_never_done(local: Database) -> dict[str, int] | None:
    """A station's first sync round: backfill once (an interrupted one starts again and skips what it queued)."""
    with local.engine.connect() as conn:
        if state.read(conn, BACKFILLED_AT):
            return None
    return backfill(local)


def _backfill_table(local: Database, model: type, chunk: int) -> int:
    key: Column[Any] = model.__mapper__.primary_key[0]  # type: ignore[attr-defined]
    query: Select[Any] = select(model).order_by(key).limit(chunk)
    if model is ReturnItem:
        query = query.where(ReturnItem.status.in_(sorted(PUSHED_STATUSES)))  # drafts are never pushed
    after: Any = None
    queued = 0
    while True:
        with local.unit_of_work() as uow:
            session = uow.session
            # A write first: the transaction holds the write lock before it reads, so no change made meanwhile
            # by the window or the print thread can slip between what is read here and what is queued.
            state.write(session.connection(), PROGRESS, f"{model.__tablename__}|{after}")  # type: ignore[attr-defined]
            rows = list(session.scalars(query if after is None else query.where(key > after)))
            if not rows:
                return queued
            missing = _missing(session, rows)
            write_built_entries(session, missing)
            queued += len(missing)
            after = getattr(rows[-1], key.key)


def _missing(session: Session, rows: Sequence[object]) -> list[dict[str, Any]]:
    """The outbox entries of the records whose current state the outbox has not got."""
    entries = [entry for row in rows if (entry := entry_for(session, row)) is not None]
    if not entries:
        return []
    latest = _latest_payloads(session, entries[0]["entity"], [entry["entity_key"] for entry in entries])
    return [entry for entry in entries if not _is_current(entry, latest.get(entry["entity_key"]))]


def _latest_payloads(session: Session, entity: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The last outbox payload of each record, without a print job's document (it can be megabytes)."""
    rows = session.connection().execute(
        select(OUTBOX.c.entity_key, func.json_remove(type_coerce(OUTBOX.c.payload, Text), "$.payload"))
        .where(OUTBOX.c.entity == entity, OUTBOX.c.entity_key.in_(keys))
        .order_by(OUTBOX.c.id)
    )
    return {key: json.loads(payload) for key, payload in rows}  # in id order: the last row of a record wins


def _is_current(entry: dict[str, Any], last: dict[str, Any] | None) -> bool:
    if last is None:
        return False
    if entry["entity"] == "audit_event":  # an event never changes
        return True
    payload = entry["payload"]
    if entry["entity"] == "return_item":  # every change of an item bumps its version
        return bool(last.get("version") == payload["version"])
    return _comparable(last) == _comparable(payload)


def _comparable(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in NOT_COMPARED}


def missing_centrally(local: Database, central: Database, station_id: str) -> int:
    """How many of this station's final and voided items the central database has not got (0 when it has more:
    another file with the same station id). Two counts: cheap enough for every `sync --once`."""
    count = (select(func.count()).select_from(ReturnItem)
             .where(ReturnItem.station_id == station_id, ReturnItem.status.in_(sorted(PUSHED_STATUSES))))
    with local.engine.connect() as conn:
        here = int(conn.execute(count).scalar_one())
    with plain_errors(central), central.engine.connect() as conn:
        there = int(conn.execute(count).scalar_one())
    return max(here - there, 0)
