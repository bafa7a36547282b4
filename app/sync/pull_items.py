"""Pull a station's own items changed centrally (a supervisor's override, resolution or void made in the
central database) so the station shows the new decision and the floor follows: relabel + slip queued here,
the item moved to the open tote of its new disposition (app/review/overrides.py floor_follows).

Which items: those of this station with a central audit event of a supervisor change (CHANGED_CENTRALLY)
after the cursor, whose central version is newer than the local one. The cursor is the central audit event id
(assigned by the central database, so a writer's wrong clock cannot hide a change), re-read with a margin of
ID_MARGIN events so a transaction that committed late with a lower id is still seen; a station's first round
looks back a week by time. An item with changes still waiting in the outbox is left to the push's conflict
rule (docs/central-database.md: the central version wins, the station's is kept in sync_conflict); the
floor follows those too (`follow_conflicts`). The item row is written like the conflict rule writes it (Core,
not pushed back) with a sent outbox row holding the central version, so the next local change builds on it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from app.db.models import ReturnItem
from app.db.uow import Database, UnitOfWork
from app.domain.status import ItemStatus
from app.review.overrides import floor_follows
from app.services import print_queue
from app.services.context import StationContext
from app.sync import state
from app.sync.batch import AUDIT, ITEM, Conflict
from app.sync.central import plain_errors
from app.sync.codec import from_json, to_json
from app.sync.push import OUTBOX, UNSENT, count_waiting

CHANGED_CENTRALLY = ("overridden", "exception_resolved", "voided")
CURSOR_KEY = "pull.items.audit_id"
ID_MARGIN = 2000  # events re-read each round: concurrent central writers commit out of id order
FIRST_LOOK_BACK = timedelta(days=7)  # a station's first pull of items: changes of the last week


@dataclass
class ItemsPulled:
    taken: list[uuid.UUID] = field(default_factory=list)  # items that now show the central version
    left_to_push: int = 0  # items with local changes waiting: the push's conflict rule decides


def pull_items(local: Database, central: Database, station_id: str, ctx: StationContext | None = None
               ) -> ItemsPulled:
    """One round. With `ctx` (the station's printers and rules) the floor follows a changed decision; without
    it only the records are taken (tools and tests)."""
    with local.engine.connect() as conn:
        cursor = state.read(conn, CURSOR_KEY)
    recent = (AUDIT.c.id > int(cursor) - ID_MARGIN if cursor is not None
              else AUDIT.c.at > datetime.now(UTC) - FIRST_LOOK_BACK)
    changed = select(AUDIT.c.item_id).where(AUDIT.c.action.in_(CHANGED_CENTRALLY), recent)
    with plain_errors(central, waiting=lambda: count_waiting(local)), central.engine.connect() as source:
        top = source.execute(select(func.max(AUDIT.c.id))).scalar() or 0  # read first: nothing is skipped
        rows = [to_json(ITEM, dict(r._mapping)) for r in source.execute(
            select(ITEM).where(ITEM.c.station_id == station_id, ITEM.c.id.in_(changed)))]
    result = ItemsPulled()
    with local.unit_of_work() as uow:
        for central_row in rows:
            _take_if_newer(uow, ctx, central_row, result)
        state.write(uow.session.connection(), CURSOR_KEY, str(top))
    return result


def _take_if_newer(uow: UnitOfWork, ctx: StationContext | None, central_row: dict[str, Any],
                   result: ItemsPulled) -> None:
    conn = uow.session.connection()
    item_id = uuid.UUID(central_row["id"])
    mine = conn.execute(select(ITEM.c.version, ITEM.c.grade, ITEM.c.disposition, ITEM.c.status)
                        .where(ITEM.c.id == item_id)).first()
    if mine is None:
        return
    if conn.execute(select(OUTBOX.c.id).where(OUTBOX.c.entity == "return_item", OUTBOX.c.entity_key == str(item_id),
                                              *UNSENT).limit(1)).first() is not None:
        result.left_to_push += 1  # both changed it: the push's conflict rule decides (central wins)
        return
    if central_row["version"] <= mine.version:
        return
    take_central(conn, central_row)
    result.taken.append(item_id)
    if ctx is not None:
        follow(uow, ctx, item_id, (mine.grade, mine.disposition, mine.status))


def take_central(conn: Connection, central_row: dict[str, Any]) -> None:
    """The station's copy becomes the central version (not pushed back); its next change builds on it."""
    values = from_json(ITEM, central_row)
    values.pop("container_id", None)  # tote ids are per database; the floor moves it here (follow)
    item_id = values.pop("id")
    conn.execute(update(ITEM).where(ITEM.c.id == item_id).values(**values))
    conn.execute(insert(OUTBOX).values(
        change_id=uuid.uuid4(), entity="return_item", entity_key=str(item_id),
        payload={**central_row, "base_version": central_row["version"]}, created_at=datetime.now(UTC),
        sent_at=datetime.now(UTC), attempts=0))


def follow(uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID, before: tuple[Any, Any, Any]) -> None:
    """The floor follows a decision changed centrally: a void cancels unprinted labels; a new grade or
    disposition queues relabel + slip here and moves the item to its tote (these changes are pushed)."""
    row = uow.session.get(ReturnItem, item_id, populate_existing=True)
    if row is None:
        return
    if row.status == ItemStatus.VOIDED and before[2] != ItemStatus.VOIDED:
        print_queue.cancel_for_item(uow, row.id)
    elif (row.grade, row.disposition) != before[:2]:
        floor_follows(uow, ctx, None, row, "Changed centrally (a supervisor's decision)")
    uow.session.flush()


def follow_conflicts(local: Database, ctx: StationContext, conflicts: Sequence[Conflict]) -> int:
    """After a push that met central changes (the station took the central version): the floor follows
    those whose decision differs from what the station had sent. Returns how many."""
    count = 0
    with local.unit_of_work() as uow:
        for conflict in conflicts:
            sent = conflict.change.payload
            if sent.get("station_id") != ctx.station_id:
                continue
            follow(uow, ctx, uuid.UUID(conflict.change.key), (sent.get("grade"), sent.get("disposition"),
                                                             sent.get("status")))
            count += 1
    return count
