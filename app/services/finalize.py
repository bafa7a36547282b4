"""Deciding an item: grade and disposition with the rules that fired, the final record with its LPN, and
voiding. Finalizing is one transaction: record, LPN counter and audit event commit together or not at all."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.db import identity
from app.db.models import Product, ReturnItem, StationCounter
from app.db.uow import UnitOfWork
from app.domain import checklist as cl
from app.domain.codes import format_lpn
from app.domain.exceptions import exception_cause
from app.domain.status import ItemStatus
from app.domain.vocab import VOID_REASONS, Role
from app.errors import InvalidState, PermissionDenied
from app.services import print_queue, totes
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.decision import Decision, decide, settle_decision
from app.services.items import load_draft, load_item, template_of, view_of
from app.services.views import ItemView, OperatorView

__all__ = ["Decision", "decide", "finalize", "heal_lpn_counter", "next_lpn", "void_item"]

# A worker may void only what they finished themselves, and only this soon after; supervisors any time.
WORKER_VOID_WINDOW = timedelta(minutes=15)
FINALIZED = "returns_desk_finalized"  # session.info: the records of the item just finalized (kept alive)


def preview_decision(uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID) -> Decision:
    """What finalizing would decide (for scripts and tests; the station reads the decision on the draft)."""
    return decide(ctx, uow, load_draft(uow, item_id))


def finalize(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, item_id: uuid.UUID) -> ItemView:
    row, product = load_draft_and_product(uow, item_id)
    if row.grade is None:  # a draft saved before decisions were kept on it: decide now, once
        settle_decision(uow, ctx, row)
    if row.grade is None:
        decide(ctx, uow, row)  # raises with what is missing (a question, the serial)
    outcome = cl.outcome(template_of(ctx, row), row.answers)  # the checklist's reasons and flags, not the grade
    now = ctx.clock.now()
    _claim_draft(uow, row)
    # Every read before the row changes, and no flush until the end (no_autoflush: the counter's change would
    # be flushed by the tote's read), so the record and counter are written (and put in the outbox) once, in
    # one flush at the end (issue 12). The product stays referenced: the jobs and the view reuse it.
    with uow.session.no_autoflush:
        lpn = next_lpn(uow, ctx.station_id)
        tote = totes.assign_tote(uow, ctx, row)
        row.lpn = lpn
        row.found_reasons = sorted(set(row.found_reasons) | set(outcome.reasons))
        row.flags = sorted(set(row.flags) | set(outcome.flags))
        row.exception_cause = held_for(ctx, row)
        row.status = ItemStatus.FINAL
        row.finalized_at = now
        row.operator_id = operator.id
        record_event(
            uow, ctx, operator.id, "finalized", row.id, detail=row.lpn,
            after={"lpn": row.lpn, "grade": row.grade, "disposition": row.disposition},
        )
        # Issue 4: the item's tote and its relabel + slip jobs commit with the record, so a crash loses none.
        print_queue.enqueue_item_jobs(uow, ctx, operator, row, tote)
    uow.session.flush()
    # The session holds its clean objects weakly: keep what the caller reads next (the view, the tote panel)
    # until the unit of work ends, so those reads come from memory, not from the database again.
    uow.session.info[FINALIZED] = (row, tote, product)
    return view_of(uow, row)


def tote_of_finalized(uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID) -> totes.ToteView | None:
    """The tote panel after `finalize` in the same unit of work: the tote it read, with the item counted in, so
    the save does not count the tote again (issue 12). Any other item: its tote as stored."""
    row, tote, _product = uow.session.info.get(FINALIZED, (None, None, None))
    counts = uow.session.info.get(totes.TOTE_COUNTS, {}).get(getattr(tote, "id", None))
    if row is None or row.id != item_id or counts is None:
        return totes.tote_of_item(uow, ctx, item_id)
    items, confirmed = counts  # read before the item was final, and it is not confirmed yet
    return totes.tote_view(uow, ctx, tote, (items + 1, confirmed))


def load_draft_and_product(uow: UnitOfWork, item_id: uuid.UUID) -> tuple[ReturnItem, Product | None]:
    """The draft and its product in one statement (one round trip less), unless the session has the draft."""
    if Session.identity_key(ReturnItem, item_id) in uow.session.identity_map:
        row = load_draft(uow, item_id)
        return row, uow.session.get(Product, row.product_id) if row.product_id is not None else None
    found = uow.session.execute(
        select(ReturnItem, Product).outerjoin(Product, Product.id == ReturnItem.product_id)
        .where(ReturnItem.id == item_id)
    ).first()
    kept = found  # the session holds objects weakly: keep both until load_draft has checked the row
    row = load_draft(uow, item_id)
    return row, kept[1] if kept is not None else None


def held_for(ctx: StationContext, row: ReturnItem) -> str | None:
    """The item's exceptions-queue cause (app/domain/exceptions.py), or None: stored at finalize."""
    cause = exception_cause(row.flags, row.found_reasons, [r["id"] for r in row.disposition_rules],
                            row.disposition, default_rule_id=ctx.configuration.disposition.rules[-1].id)
    return None if cause is None else cause.value


def _claim_draft(uow: UnitOfWork, row: ReturnItem) -> None:
    """Move the draft to its next version only if it is still the draft of the version read: a second writer
    (another process on this station's file, another connection centrally) finds it taken and stops here, so
    an item is never finalized twice. On SQLite the transaction holds the write lock already (BEGIN
    IMMEDIATE); on PostgreSQL/MariaDB this UPDATE locks the row and re-checks it after a concurrent commit."""
    claimed = uow.session.connection().execute(  # Core, not ORM: the outbox sees the final row at flush
        update(ReturnItem)
        .where(ReturnItem.id == row.id, ReturnItem.status == ItemStatus.DRAFT, ReturnItem.version == row.version)
        .values(version=ReturnItem.version + 1)
    )
    if claimed.rowcount != 1:
        raise InvalidState(
            "This item was saved or changed somewhere else at the same moment (is Returns Desk running twice "
            "on this station?), so it was not saved again. Scan its label or sign in again to see it."
        )
    set_committed_value(row, "version", row.version + 1)


def next_lpn(uow: UnitOfWork, station_id: str) -> str:
    """The station's next LPN. Never one already on a record: the counter is moved past the highest LPN of
    the station in the database if it was ever behind (a restored or copied file), and never goes back."""
    # The counter (locked) and the highest LPN on record in one statement (issue 12: one round trip less).
    found = uow.session.execute(
        select(StationCounter, _highest_lpn(station_id).scalar_subquery())
        .where(StationCounter.station_id == station_id).with_for_update()
    ).first()
    if found is None:
        identity.refuse_if_reset(uow.session, station_id)  # this station made LPNs into a file now gone
        counter = StationCounter(station_id=station_id, next_lpn=1)
        uow.session.add(counter)
        identity.note_first_lpn(uow.session, station_id)
        highest = highest_lpn_sequence(uow, station_id)
    else:
        counter, highest = found[0], _sequence_of(station_id, found[1])
    sequence = max(counter.next_lpn, highest + 1)
    counter.next_lpn = sequence + 1
    return format_lpn(station_id, sequence)


def _highest_lpn(station_id: str) -> Select[str | None]:
    """The station's highest LPN on record. LPNs are zero-padded, so the text order is the number order, and
    the unique index on `lpn` answers this with one seek."""
    prefix = format_lpn(station_id, 0)[:-7]  # "LP-D01-"
    return select(func.max(ReturnItem.lpn)).where(ReturnItem.lpn >= prefix, ReturnItem.lpn < prefix[:-1] + ".")


def _sequence_of(station_id: str, lpn: str | None) -> int:
    return int(lpn[len(format_lpn(station_id, 0)) - 7:]) if lpn else 0


def highest_lpn_sequence(uow: UnitOfWork, station_id: str) -> int:
    """The sequence number of the station's highest LPN on record (0: none)."""
    return _sequence_of(station_id, uow.session.scalar(_highest_lpn(station_id)))


def heal_lpn_counter(uow: UnitOfWork, station_id: str) -> int | None:
    """At start-up: refuse a file that lost this station's LPNs (see app/db/identity.py), remember a file that
    has them, and move a counter that is behind the station's records past them. Returns the new next
    sequence when it moved, else None."""
    highest = highest_lpn_sequence(uow, station_id)
    counter = uow.session.get(StationCounter, station_id, with_for_update=True)
    if counter is None and highest == 0:
        identity.refuse_if_reset(uow.session, station_id)
        return None
    identity.note_first_lpn(uow.session, station_id)  # a file made before the side file existed
    if counter is not None and counter.next_lpn > highest:
        return None
    if counter is None:
        counter = StationCounter(station_id=station_id, next_lpn=highest + 1)
        uow.session.add(counter)
    counter.next_lpn = highest + 1
    return highest + 1


def seed_lpn_counter(uow: UnitOfWork, station_id: str, next_sequence: int) -> str:
    """IT sets the next LPN (after a lost file: above the last one the station printed). Never lower than the
    counter or the station's records. Returns the next LPN."""
    if not 1 <= next_sequence <= 9_999_999:
        raise InvalidState(f"The next LPN number must be between 1 and 9999999, not {next_sequence}.")
    counter = uow.session.get(StationCounter, station_id, with_for_update=True)
    if counter is None:
        counter = StationCounter(station_id=station_id, next_lpn=1)
        uow.session.add(counter)
        identity.note_first_lpn(uow.session, station_id)
    counter.next_lpn = max(next_sequence, counter.next_lpn, highest_lpn_sequence(uow, station_id) + 1)
    return format_lpn(station_id, counter.next_lpn)


def void_item(
    uow: UnitOfWork,
    ctx: StationContext,
    operator: OperatorView,
    item_id: uuid.UUID,
    reason_code: str,
    note: str = "",
) -> ItemView:
    if reason_code not in VOID_REASONS:
        raise InvalidState(f"Pick a reason to void: {', '.join(VOID_REASONS.values())}.")
    if reason_code == "other" and not note.strip():
        raise InvalidState("Say in a few words why the item is voided.")
    row = load_item(uow, item_id)
    if row.status != ItemStatus.FINAL:
        raise InvalidState(f"Only a finished item can be voided; {row.lpn or 'this item'} is {row.status}.")
    now = ctx.clock.now()
    if operator.role == Role.WORKER:
        own = row.operator_id == operator.id and row.station_id == ctx.station_id
        recent = row.finalized_at is not None and now - row.finalized_at <= WORKER_VOID_WINDOW
        if not (own and recent):
            raise PermissionDenied(
                "A worker can void only an item they finished on this station in the last 15 minutes. "
                "Ask a supervisor."
            )
    reason = VOID_REASONS[reason_code] + (f": {note.strip()}" if note.strip() else "")
    before = {"status": row.status, "grade": row.grade, "disposition": row.disposition}
    row.status = ItemStatus.VOIDED
    row.voided_at = now
    row.void_reason = reason[:500]
    row.version += 1
    record_event(uow, ctx, operator.id, "voided", row.id, detail=reason[:500], before=before,
                 after={"status": ItemStatus.VOIDED.value})
    print_queue.cancel_for_item(uow, row.id)  # its labels must not print later
    return view_of(uow, row)
