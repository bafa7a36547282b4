"""Append-only audit trail: every change to an item writes one event in the same transaction."""

from __future__ import annotations

import uuid
from typing import Any

from app.db.models import AuditEvent
from app.db.uow import UnitOfWork
from app.services.context import StationContext


def record_event(
    uow: UnitOfWork,
    ctx: StationContext,
    operator_id: int | None,
    action: str,
    item_id: uuid.UUID | None,
    detail: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    uow.session.add(
        AuditEvent(
            at=ctx.clock.now(),
            station_id=ctx.station_id,
            operator_id=operator_id,
            action=action,
            item_id=item_id,
            detail=detail,
            before=before,
            after=after,
        )
    )
