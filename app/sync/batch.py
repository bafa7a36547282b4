"""What a push batch is made of, shared by the portable path (push.py) and the PostgreSQL one (push_pg.py):
the changes read from the outbox, the conflicts found, the result, and the central tables they touch."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table

from app.db.models import AuditEvent, Container, PrintJob, ReturnItem, SyncApplied, SyncConflict
from app.errors import CentralSchemaMismatch

ITEM: Table = ReturnItem.__table__  # type: ignore[assignment]
JOB: Table = PrintJob.__table__  # type: ignore[assignment]
CONTAINER: Table = Container.__table__  # type: ignore[assignment]
AUDIT: Table = AuditEvent.__table__  # type: ignore[assignment]
APPLIED: Table = SyncApplied.__table__  # type: ignore[assignment]
CONFLICT: Table = SyncConflict.__table__  # type: ignore[assignment]
# The kinds of change a station sends, in the order a batch applies them (items and jobs refer to totes).
KNOWN_ENTITIES = ("container", "return_item", "print_job", "audit_event")


class Change:
    """One outbox row on its way up. A plain class with slots: a 100k-item push builds 714k of them on the
    local I/O thread, and a frozen dataclass's __init__ cost three times as much."""

    __slots__ = ("_payload", "change_id", "entity", "key", "outbox_id", "payload_text")

    def __init__(self, outbox_id: int, change_id: uuid.UUID, entity: str, key: str, payload_text: str) -> None:
        self.outbox_id = outbox_id
        self.change_id = change_id
        self.entity = entity
        self.key = key
        self.payload_text = payload_text  # JSON as stored: PostgreSQL and MariaDB parse it themselves
        self._payload: dict[str, Any] | None = None

    @property
    def payload(self) -> dict[str, Any]:
        """Parsed on first use only (the set-based paths never need it for most rows)."""
        if self._payload is None:
            self._payload = json.loads(self.payload_text)
        return self._payload

    def __repr__(self) -> str:
        return f"Change({self.outbox_id}, {self.entity} {self.key})"


@dataclass(frozen=True)
class Conflict:
    change: Change
    central: dict[str, Any]  # the central record as JSON: what the station takes


@dataclass
class PushResult:
    sent: int = 0
    replayed: int = 0
    conflicts: list[Conflict] = field(default_factory=list)

    def add(self, other: PushResult) -> None:
        self.sent += other.sent
        self.replayed += other.replayed
        self.conflicts.extend(other.conflicts)


def refuse_unknown(entities: Sequence[str]) -> None:
    unknown = sorted(set(entities) - set(KNOWN_ENTITIES))
    if unknown:
        raise CentralSchemaMismatch(
            f"This station sends changes of a kind the central database does not know ({', '.join(unknown)}). "
            "Upgrade Returns Desk on the station or the server so both are the same version.")


def conflict_row(station_id: str, conflict: Conflict, now: datetime) -> dict[str, Any]:
    sent = conflict.change.payload
    return {
        "entity": "return_item", "entity_key": conflict.change.key, "station_id": station_id,
        "local": sent, "central": conflict.central, "detected_at": now,
        "resolution": (
            f"Central version {conflict.central['version']} kept (changed centrally, e.g. by a supervisor); "
            f"station {station_id} sent version {sent['version']} based on version {sent.get('base_version')}. "
            "The station's version is kept here and the station now shows the central one."
        ),
    }
