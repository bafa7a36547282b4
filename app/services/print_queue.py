"""The persistent print queue's use cases: enqueue, claim, mark printed or failed, move, reprint, cancel, list.

Jobs are written in the transaction that finalizes an item (or opens or closes a tote), so a crash loses none.
Every change is an ORM change of the job, so the sync outbox sees it (print history reaches the central
database). Moving a job to another printer, reprinting and cancelling are audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, and_, func, or_, select, update

from app.db.models import Container, PrintJob, Product, ReturnItem
from app.db.uow import UnitOfWork
from app.domain.status import JOB_FINISHED, JOB_PENDING, JOB_WAITING, JobStatus
from app.errors import InvalidState, NotFound
from app.printing.documents import LabelDoc, ManifestDoc, SlipDoc, dump
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.print_documents import label_doc, slip_doc
from app.services.views import OperatorView

BACKOFF_BASE = timedelta(seconds=5)
# A claimed job is the claiming loop's for this long (kept in next_attempt_at while it is 'printing'); a loop
# killed mid-batch leaves claims that any loop takes again once they expire, without waiting for a restart.
CLAIM_LEASE = timedelta(minutes=5)
BACKOFF_MAX = timedelta(minutes=5)


def backoff(attempts: int, base: timedelta = BACKOFF_BASE) -> timedelta:
    """5 s, 10 s, 20 s … at most 5 minutes: a printer that comes back is used within a few seconds."""
    return min(base * (2 ** max(0, attempts - 1)), BACKOFF_MAX)


@dataclass(frozen=True)
class PrintJobView:
    id: uuid.UUID
    kind: str
    subject: str  # the LPN or the tote code
    printer: str
    status: JobStatus
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    created_at: datetime
    printed_at: datetime | None
    reason: str | None
    item_id: uuid.UUID | None

    @property
    def title(self) -> str:
        return f"{self.kind.replace('_', ' ')} {self.subject}"


@dataclass(frozen=True)
class QueueStatus:
    waiting: int  # not printed yet: queued, waiting for a retry, or being sent
    failing: int  # of those, how many have failed at least once
    last_error: str | None
    next_attempt_at: datetime | None
    unsure: int = 0  # of those, how many a person must check at the printer

    @property
    def text(self) -> str:
        if self.waiting == 0:
            return "Printing: all printed"
        if self.unsure:
            return f"Printing: {self.unsure} to check at the printer (F9: did it print?)"
        if self.failing == 0:
            return f"Printing: {self.waiting} in progress"
        return f"Printing: {self.waiting} waiting — {self.last_error or 'printer problem'}"


@dataclass(frozen=True)
class ClaimedJob:
    id: uuid.UUID
    kind: str
    printer: str
    payload: bytes
    name: str  # file-name friendly: label-LP-D01-0000042-1a2b3c4d
    lease_until: datetime  # the claim's token: the job is this loop's while its next_attempt_at is this


def enqueue(uow: UnitOfWork, ctx: StationContext, kind: str, doc: LabelDoc | SlipDoc | ManifestDoc, printer: str,
            operator_id: int | None, item_id: uuid.UUID | None = None, container_id: int | None = None,
            reason: str | None = None) -> PrintJob:
    return _new_job(uow, ctx, kind, dump(doc), printer, operator_id, item_id, container_id, reason)


def _new_job(uow: UnitOfWork, ctx: StationContext, kind: str, payload: bytes, printer: str,
             operator_id: int | None, item_id: uuid.UUID | None, container_id: int | None,
             reason: str | None) -> PrintJob:
    spec = ctx.printing.printer(printer)
    now = ctx.clock.now()
    job = PrintJob(station_id=ctx.station_id, item_id=item_id, container_id=container_id, kind=kind, printer=printer,
                   format=spec.format, payload=payload, status=JobStatus.QUEUED, attempts=0, next_attempt_at=now,
                   reason=reason, created_by=operator_id, created_at=now)
    uow.session.add(job)
    return job


def enqueue_item_jobs(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, row: ReturnItem,
                      tote: Container | None) -> None:
    """Called inside finalize: the relabel on the label printer, the slip on the slip printer."""
    product = uow.session.get(Product, row.product_id) if row.product_id else None
    setup = ctx.printing
    enqueue(uow, ctx, "label", label_doc(row, product), setup.label_printer, operator.id, item_id=row.id)
    enqueue(uow, ctx, "slip", slip_doc(ctx, row, product, operator.name, tote), setup.slip_printer, operator.id,
            item_id=row.id)


UNSURE_WORDS = ("The app stopped while sending this to the printer, so it may or may not have printed. Look at "
                "the printer: choose 'It printed' or 'Print again'.")


def recover_interrupted(uow: UnitOfWork, station_id: str, now: datetime) -> int:
    """At the window's start-up. The window holds the station's exclusive lock, so no other print loop of this
    station is running and every claim left is a dead loop's, whatever its lease says:
    - a job claimed but never started ('printing') was not sent: it goes back to waiting, due now;
    - a job being sent ('sending') may have reached the printer: it becomes 'unsure' for a person to check, never
      sent again by itself (a label printed twice is as bad as one lost: two items with one LPN)."""
    jobs = uow.session.scalars(select(PrintJob).where(
        PrintJob.station_id == station_id, PrintJob.status.in_([JobStatus.PRINTING, JobStatus.SENDING]))).all()
    for job in jobs:
        if job.status == JobStatus.SENDING:
            job.status, job.last_error = JobStatus.UNSURE, UNSURE_WORDS
            continue
        job.status = JobStatus.WAITING
        job.next_attempt_at = now
        job.last_error = "Interrupted before it was sent (the app stopped); it prints now."
    return len(jobs)


def mark_abandoned_sends(uow: UnitOfWork, station_id: str, now: datetime) -> int:
    """A job whose send outlived its lease belongs to a loop that died mid-send: it becomes 'unsure'."""
    result = uow.session.execute(
        update(PrintJob).where(PrintJob.station_id == station_id, PrintJob.status == JobStatus.SENDING,
                               PrintJob.next_attempt_at <= now)
        .values(status=JobStatus.UNSURE, last_error=UNSURE_WORDS).execution_options(synchronize_session=False))
    return result.rowcount if isinstance(result, CursorResult) else 0


def claim_due(uow: UnitOfWork, station_id: str, now: datetime, limit: int = 20) -> list[ClaimedJob]:
    """Mark up to `limit` due jobs 'printing', oldest first, and return them. Each job is taken by one
    conditional UPDATE (only if it is still queued or waiting): when several print loops share the queue (the
    window and `print-queue --run`), a job another loop took first is skipped, so each job is sent by one loop.
    Claiming a batch in one transaction saves a commit per job; a job claimed but not sent when the app dies
    is only re-sent, never lost (recover_interrupted)."""
    mark_abandoned_sends(uow, station_id, now)
    taken: list[uuid.UUID] = []
    for _ in range(limit):  # bounded: each round either takes a job or finds the round's jobs taken by others
        candidates = uow.session.scalars(
            select(PrintJob.id).where(PrintJob.station_id == station_id, _claimable(now))
            .order_by(PrintJob.next_attempt_at, PrintJob.created_at).limit(limit - len(taken))
        ).all()
        if not candidates:
            break
        taken += [job_id for job_id in candidates if _take(uow, job_id, now)]
        if len(taken) >= limit:
            break
    jobs = uow.session.scalars(select(PrintJob).where(PrintJob.id.in_(taken))
                               .order_by(PrintJob.next_attempt_at, PrintJob.created_at)).all()
    return [ClaimedJob(job.id, job.kind, job.printer, job.payload, f"{job.kind}-{_subject(uow, job)}-{job.id.hex[:8]}",
                       now + CLAIM_LEASE) for job in jobs]


def _claimable(now: datetime) -> Any:
    """Due jobs, and jobs whose claim expired (the loop that took them died before it sent them)."""
    expired = and_(PrintJob.status == JobStatus.PRINTING, PrintJob.next_attempt_at <= now)
    return or_(and_(PrintJob.status.in_(JOB_WAITING), PrintJob.next_attempt_at <= now), expired)


def _take(uow: UnitOfWork, job_id: uuid.UUID, now: datetime) -> bool:
    """Through the session, so the outbox records the claim like any other change of the job. The claim is
    conditional on the job still being claimable, so of several loops exactly one takes it."""
    result = uow.session.execute(
        update(PrintJob).where(PrintJob.id == job_id, _claimable(now))
        .values(status=JobStatus.PRINTING, next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False))
    return isinstance(result, CursorResult) and result.rowcount == 1


def claim_next(uow: UnitOfWork, station_id: str, now: datetime) -> ClaimedJob | None:
    claimed = claim_due(uow, station_id, now, limit=1)
    return claimed[0] if claimed else None


def begin_send(uow: UnitOfWork, job: ClaimedJob, now: datetime) -> bool:
    """Just before the bytes go out, and committed first: a job 'sending' when the app dies is never sent again
    by itself (it becomes 'unsure'). Only if this loop's claim still holds (its lease token): a loop so slow that
    its claim expired and another loop took the job must not send it too."""
    result = uow.session.execute(
        update(PrintJob).where(PrintJob.id == job.id, PrintJob.status == JobStatus.PRINTING,
                               PrintJob.next_attempt_at == job.lease_until)
        .values(status=JobStatus.SENDING, next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False))
    return isinstance(result, CursorResult) and result.rowcount == 1


def mark_printed(uow: UnitOfWork, job_id: uuid.UUID, now: datetime) -> None:
    job = _job(uow, job_id)
    job.status, job.printed_at, job.last_error = JobStatus.DONE, now, None
    job.attempts += 1


def mark_failed(uow: UnitOfWork, job_id: uuid.UUID, error: str, now: datetime,
                base: timedelta = BACKOFF_BASE) -> datetime:
    job = _job(uow, job_id)
    job.attempts += 1
    job.status = JobStatus.WAITING
    job.last_error = error[:1000]
    job.next_attempt_at = now + backoff(job.attempts, base)
    return job.next_attempt_at


def send_to_printer(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, job_id: uuid.UUID,
                    printer: str) -> PrintJobView:
    job = _job(uow, job_id)
    if job.status not in JOB_WAITING:
        raise InvalidState(f"That job is {job.status}; only a waiting job can be sent to another printer. "
                           "Reprint it instead.")
    spec = ctx.printing.printer(printer)
    before = job.printer
    job.printer, job.format, job.next_attempt_at = printer, spec.format, ctx.clock.now()
    record_event(uow, ctx, operator.id, "print_moved", job.item_id, detail=f"{job.kind}: {before} → {printer}",
                 before={"printer": before}, after={"printer": printer})
    return _view(uow, job)


def settle_unsure(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, job_id: uuid.UUID,
                  printed: bool) -> PrintJobView:
    """A person looked at the printer: it printed (done), or it did not (due again now). Audited."""
    job = _job(uow, job_id)
    if job.status != JobStatus.UNSURE:
        raise InvalidState(f"That job is {job.status}; only a job the app is unsure about needs this answer.")
    now = ctx.clock.now()
    if printed:
        job.status, job.printed_at, job.last_error = JobStatus.DONE, now, None
    else:
        job.status, job.next_attempt_at = JobStatus.WAITING, now
        job.last_error = "Not printed (checked at the printer)."
    record_event(uow, ctx, operator.id, "print_checked", job.item_id,
                 detail=f"{job.kind}: {'printed' if printed else 'not printed, sent again'}")
    return _view(uow, job)


def retry_now(uow: UnitOfWork, ctx: StationContext, job_id: uuid.UUID) -> None:
    job = _job(uow, job_id)
    if job.status == JobStatus.UNSURE:
        raise InvalidState("The app is not sure this one printed: look at the printer, then choose 'It printed' "
                           "or 'Print again'.")
    if job.status in JOB_WAITING:
        job.next_attempt_at = ctx.clock.now()


def reprint(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, job_id: uuid.UUID, reason: str,
            printer: str | None = None) -> PrintJobView:
    """A new job with the same document (what was decided then), audited with the reason."""
    if not reason.strip():
        raise InvalidState("Say why it is reprinted (e.g. label torn, printer jammed).")
    old = _job(uow, job_id)
    target = printer or old.printer
    job = _new_job(uow, ctx, old.kind, old.payload, target, operator.id, old.item_id, old.container_id,
                   reason.strip()[:500])
    uow.session.flush()
    record_event(uow, ctx, operator.id, "reprinted", old.item_id, detail=f"{old.kind}: {reason.strip()[:400]}",
                 after={"job": str(job.id), "printer": target})
    return _view(uow, job)


def cancel(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, job_id: uuid.UUID) -> None:
    job = _job(uow, job_id)
    if job.status not in (*JOB_WAITING, JobStatus.UNSURE):
        raise InvalidState(f"That job is {job.status}; it cannot be cancelled.")
    job.status = JobStatus.CANCELLED
    record_event(uow, ctx, operator.id, "print_cancelled", job.item_id, detail=job.kind)


def cancel_for_item(uow: UnitOfWork, item_id: uuid.UUID) -> None:
    """A voided item's labels must not print later."""
    for job in uow.session.scalars(
            select(PrintJob).where(PrintJob.item_id == item_id, PrintJob.status.in_(JOB_WAITING))):
        job.status, job.last_error = JobStatus.CANCELLED, "Item voided"


def settle_as_history(uow: UnitOfWork, item_id: uuid.UUID) -> None:
    """Demo history: the item was graded on an earlier day, so its labels printed and it went into its tote."""
    row = uow.session.get(ReturnItem, item_id)
    if row is None:
        return
    tote_label = and_(PrintJob.container_id == row.container_id, PrintJob.kind == "tote_label",
                      PrintJob.status == JobStatus.QUEUED)
    jobs = uow.session.scalars(select(PrintJob).where(
        or_(PrintJob.item_id == item_id, tote_label) if row.container_id is not None else PrintJob.item_id == item_id))
    for job in jobs:
        job.status, job.attempts, job.printed_at = JobStatus.DONE, 1, row.finalized_at
    row.tote_confirmed_at = row.finalized_at


def latest_label_payload(uow: UnitOfWork, item_id: uuid.UUID) -> bytes | None:
    """The document of the item's newest relabel job (for the preview on screen)."""
    payload: bytes | None = uow.session.scalars(
        select(PrintJob.payload).where(PrintJob.item_id == item_id, PrintJob.kind == "label")
        .order_by(PrintJob.created_at.desc()).limit(1)).first()
    return payload


def list_jobs(uow: UnitOfWork, station_id: str, limit: int = 60) -> list[PrintJobView]:
    """Jobs not printed yet first (oldest first), then recent history (newest first)."""
    pending = uow.session.scalars(
        select(PrintJob).where(PrintJob.station_id == station_id, PrintJob.status.in_(JOB_PENDING))
        .order_by(PrintJob.created_at).limit(limit))
    history = uow.session.scalars(
        select(PrintJob).where(PrintJob.station_id == station_id, PrintJob.status.in_(JOB_FINISHED))
        .order_by(PrintJob.created_at.desc()).limit(limit))
    return [_view(uow, job) for job in (*pending, *history)]


def jobs_for_lpn(uow: UnitOfWork, lpn: str) -> list[PrintJobView]:
    item = uow.session.scalars(select(ReturnItem).where(ReturnItem.lpn == lpn)).first()
    if item is None:
        raise NotFound(f"No item has the label {lpn}.")
    jobs = uow.session.scalars(select(PrintJob).where(PrintJob.item_id == item.id).order_by(PrintJob.created_at))
    return [_view(uow, job) for job in jobs]


def queue_status(uow: UnitOfWork, station_id: str) -> QueueStatus:
    waiting, failing, next_at = uow.session.execute(
        select(func.count(PrintJob.id), func.count(PrintJob.last_error), func.min(PrintJob.next_attempt_at))
        .where(PrintJob.station_id == station_id, PrintJob.status.in_(JOB_PENDING))
    ).one()
    last_error = uow.session.scalars(
        select(PrintJob.last_error).where(PrintJob.station_id == station_id, PrintJob.status == JobStatus.WAITING,
                                          PrintJob.last_error.is_not(None))
        .order_by(PrintJob.next_attempt_at.desc()).limit(1)).first()
    unsure = uow.session.scalar(select(func.count(PrintJob.id)).where(
        PrintJob.station_id == station_id, PrintJob.status == JobStatus.UNSURE))
    return QueueStatus(int(waiting), int(failing), last_error, next_at, int(unsure or 0))


def _job(uow: UnitOfWork, job_id: uuid.UUID) -> PrintJob:
    job = uow.session.get(PrintJob, job_id)
    if job is None:
        raise NotFound("That print job no longer exists.")
    return job


def _subject(uow: UnitOfWork, job: PrintJob) -> str:
    if job.item_id is not None:
        lpn = uow.session.scalar(select(ReturnItem.lpn).where(ReturnItem.id == job.item_id))
        return lpn or "item"
    if job.container_id is not None:
        code = uow.session.scalar(select(Container.code).where(Container.id == job.container_id))
        return code or "tote"
    return "job"


def _view(uow: UnitOfWork, job: PrintJob) -> PrintJobView:
    return PrintJobView(job.id, job.kind, _subject(uow, job), job.printer, JobStatus(job.status), job.attempts,
                        job.last_error, job.next_attempt_at, job.created_at, job.printed_at, job.reason, job.item_id)
