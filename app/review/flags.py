"""A dock worker flags a finished item for a supervisor with a short note (F7 at the station).

The item then waits in the exceptions queue under the cause `worker_flagged`, unless it is already held
for something else: then it stays under that cause (the stricter one) and the flag and the note are added
to the record. Flagging an item whose exception was resolved puts it back in the queue. Any active
operator may flag; only a final item of this station (the one in front of them), so nothing is held by
mistake on another dock.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.db.models import Operator, ReturnItem
from app.db.uow import UnitOfWork
from app.domain.exceptions import WORKER_FLAG, ExceptionCause
from app.domain.status import ItemStatus
from app.errors import InvalidState, PermissionDenied
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.items import load_item, view_of
from app.services.views import ItemView, OperatorView

NOTE_LIMIT = 300  # the audit detail and the screen's field are short; a note is a sentence


def flag_for_supervisor(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, item_id: uuid.UUID,
                        note: str) -> ItemView:
    _require_operator(uow, operator)
    words = note.strip()
    if not words:
        raise InvalidState("Say in a few words why a supervisor should look at this item, then press Enter.")
    row = load_item(uow, item_id)
    _check_flaggable(ctx, row)
    before = _snapshot(row)
    if WORKER_FLAG not in row.flags:
        row.flags = [*row.flags, WORKER_FLAG]  # a new list: the JSON column sees the change
    if not _open(row):
        row.exception_cause = ExceptionCause.WORKER_FLAGGED.value
        row.exception_resolved_at, row.exception_resolved_by = None, None
    row.version += 1
    record_event(uow, ctx, operator.id, "flagged", row.id, detail=words[:NOTE_LIMIT], before=before,
                 after={**_snapshot(row), "note": words[:NOTE_LIMIT]})
    uow.session.flush()
    return view_of(uow, row)


def _require_operator(uow: UnitOfWork, operator: OperatorView) -> None:
    """Any role may flag, but the badge must still be an active operator (read from the database)."""
    row = uow.session.get(Operator, operator.id)
    if row is None or not row.active or row.badge != operator.badge:
        raise PermissionDenied(f"Badge {operator.badge} is not an active operator here; sign in again.")


def _check_flaggable(ctx: StationContext, row: ReturnItem) -> None:
    name = row.lpn or "This item"
    if row.status != ItemStatus.FINAL:
        what = "voided: scan its LPN again to regrade it" if row.status == ItemStatus.VOIDED else \
            "not finished yet: save it first"
        raise InvalidState(f"{name} is {what}. Only a finished item can be flagged for a supervisor.")
    if row.station_id != ctx.station_id:
        raise InvalidState(f"{name} was graded at station {row.station_id}. Flag it there, or ask a supervisor "
                           "to look at it on the board.")


def _open(row: ReturnItem) -> bool:
    return bool(row.exception_cause) and row.exception_resolved_at is None


def _snapshot(row: ReturnItem) -> dict[str, Any]:
    return {"flags": list(row.flags), "exception_cause": row.exception_cause,
            "exception_resolved": row.exception_resolved_at is not None}
