"""The persistent print queue. Jobs are written in the transaction that finalizes an item (or closes a tote),
so a crash loses none; a print thread claims due jobs, renders and sends them, and marks each printed or
waiting with a backoff. Moving a job to another printer and reprinting with a reason are audited."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select, update

from app.db.models import Container, PrintJob, Product, ReturnItem
from app.db.uow import Database, UnitOfWork
from app.domain import checklist as cl
from app.domain.vocab import GRADE_LABELS, Grade, disposition_label
from app.errors import InvalidState, NotFound, PrintError, PrinterUnavailable
from app.printing.documents import LabelDoc, ManifestDoc, SlipDoc, dump
from app.printing.render import render_job
from app.printing.transports import transport_for
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.views import OperatorView

BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_MAX = timedelta(minutes=5)
WAITING_STATES = ("queued", "waiting")


def backoff(attempts: int, base: timedelta = BACKOFF_BASE) -> timedelta:
    """5 s, 10 s, 20 s … at most 5 minutes: a printer that comes back is used within a few seconds."""
    return min(base * (2 ** max(0, attempts - 1)), BACKOFF_MAX)


@dataclass(frozen=True)
class PrintJobView:
    id: uuid.UUID
    kind: str
    subject: str  # the LPN or the tote code
    printer: str
    status: str
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

    @property
    def text(self) -> str:
        if self.waiting == 0:
            return "Printing: all printed"
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


# Documents -------------------------------------------------------------------------------------------------
def label_doc(row: ReturnItem, product: Product | None) -> LabelDoc:
    assert row.lpn is not None and row.grade is not None
    when = (row.finalized_at or row.created_at).astimezone()
    headline = disposition_label(row.disposition).split(" (")[0].upper()
    return LabelDoc(
        barcode=row.lpn,
        title=product.description if product else (row.unknown_description or "Unknown item"),
        headline=f"{row.grade} · {headline}",
        details=f"SKU {product.sku}" if product else f"Scanned {row.scanned_code}",
        footer=f"{when:%Y-%m-%d} · {row.station_id}",
    )


def slip_doc(ctx: StationContext, row: ReturnItem, product: Product | None, operator_name: str,
             tote: Container | None) -> SlipDoc:
    from app.domain.vocab import CLAIMED_REASONS, FOUND_REASONS
    from app.services.intake import template_of

    assert row.lpn is not None and row.grade is not None and row.disposition is not None
    route = ctx.printing.route(row.disposition)
    destination = route.where(product.vendor if product else "")
    details = cl.outcome(template_of(ctx, row), row.answers).details
    checklist = tuple(f"{q} {a}" + (f" (-{p})" if p else "") for q, a, p in details)
    reasons = [r["why"] for r in (*row.grade_rules, *row.disposition_rules)]
    if row.found_reasons:
        reasons.append("Found: " + ", ".join(FOUND_REASONS.get(r, r) for r in row.found_reasons))
    when = (row.finalized_at or row.created_at).astimezone()
    return SlipDoc(
        lpn=row.lpn,
        destination=destination,
        product=product.description if product else (row.unknown_description or "Unknown item"),
        sku=product.sku if product else row.scanned_code,
        grade=GRADE_LABELS[Grade(row.grade)].replace("—", "-"),
        disposition=disposition_label(row.disposition),
        reasons=tuple(reasons),
        checklist=checklist,
        claimed=CLAIMED_REASONS.get(row.claimed_reason, row.claimed_reason),
        rma=row.rma_number or "",
        operator=operator_name,
        finished_at=f"{when:%Y-%m-%d %H:%M}",
        station=row.station_id,
        tote=tote.code if tote is not None else "",
    )


# Queue -----------------------------------------------------------------------------------------------------
def enqueue(uow: UnitOfWork, ctx: StationContext, kind: str, doc: LabelDoc | SlipDoc | ManifestDoc, printer: str,
            operator_id: int | None, item_id: uuid.UUID | None = None, container_id: int | None = None,
            reason: str | None = None) -> PrintJob:
    spec = ctx.printing.printer(printer)
    now = ctx.clock.now()
    job = PrintJob(station_id=ctx.station_id, item_id=item_id, container_id=container_id, kind=kind, printer=printer,
                   format=spec.format, payload=dump(doc), status="queued", attempts=0, next_attempt_at=now,
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


def recover_interrupted(uow: UnitOfWork, station_id: str) -> int:
    """At start-up: a job left 'printing' by a crash goes back to waiting (it may print once more)."""
    result = uow.session.execute(
        update(PrintJob).where(PrintJob.station_id == station_id, PrintJob.status == "printing")
        .values(status="waiting", last_error="Interrupted while printing (the app stopped); sent again.")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def claim_due(uow: UnitOfWork, station_id: str, now: datetime, limit: int = 20) -> list[ClaimedJob]:
    """Mark up to `limit` due jobs 'printing', oldest first. Claiming a batch saves a commit per job; a job
    claimed but not sent when the app dies is only re-sent, never lost (recover_interrupted)."""
    jobs = uow.session.scalars(
        select(PrintJob).where(PrintJob.station_id == station_id, PrintJob.status.in_(WAITING_STATES),
                               PrintJob.next_attempt_at <= now)
        .order_by(PrintJob.next_attempt_at, PrintJob.created_at).limit(limit)
    ).all()
    claimed = []
    for job in jobs:
        job.status = "printing"
        claimed.append(ClaimedJob(job.id, job.kind, job.printer, job.payload,
                                  f"{job.kind}-{_subject(uow, job)}-{job.id.hex[:8]}"))
    return claimed


def claim_next(uow: UnitOfWork, station_id: str, now: datetime) -> ClaimedJob | None:
    claimed = claim_due(uow, station_id, now, limit=1)
    return claimed[0] if claimed else None


def mark_printed(uow: UnitOfWork, job_id: uuid.UUID, now: datetime) -> None:
    # One UPDATE, no load: this runs once per label, at printer speed.
    uow.session.execute(update(PrintJob).where(PrintJob.id == job_id)
                        .values(status="done", printed_at=now, attempts=PrintJob.attempts + 1, last_error=None))


def mark_failed(uow: UnitOfWork, job_id: uuid.UUID, error: str, now: datetime,
                base: timedelta = BACKOFF_BASE) -> datetime:
    job = _job(uow, job_id)
    job.attempts += 1
    job.status = "waiting"
    job.last_error = error[:1000]
    job.next_attempt_at = now + backoff(job.attempts, base)
    return job.next_attempt_at


def send_to_printer(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, job_id: uuid.UUID,
                    printer: str) -> PrintJobView:
    job = _job(uow, job_id)
    if job.status not in WAITING_STATES:
        raise InvalidState(f"That job is {job.status}; only a waiting job can be sent to another printer. "
                           "Reprint it instead.")
    spec = ctx.printing.printer(printer)
    before = job.printer
    job.printer, job.format, job.next_attempt_at = printer, spec.format, ctx.clock.now()
    record_event(uow, ctx, operator.id, "print_moved", job.item_id, detail=f"{job.kind}: {before} → {printer}",
                 before={"printer": before}, after={"printer": printer})
    return _view(uow, job)


def retry_now(uow: UnitOfWork, ctx: StationContext, job_id: uuid.UUID) -> None:
    job = _job(uow, job_id)
    if job.status in WAITING_STATES:
        job.next_attempt_at = ctx.clock.now()


def reprint(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, job_id: uuid.UUID, reason: str,
            printer: str | None = None) -> PrintJobView:
    """A new job with the same document (what was decided then), audited with the reason."""
    if not reason.strip():
        raise InvalidState("Say why it is reprinted (e.g. label torn, printer jammed).")
    old = _job(uow, job_id)
    target = printer or old.printer
    spec = ctx.printing.printer(target)
    now = ctx.clock.now()
    job = PrintJob(station_id=ctx.station_id, item_id=old.item_id, container_id=old.container_id, kind=old.kind,
                   printer=target, format=spec.format, payload=old.payload, status="queued", attempts=0,
                   next_attempt_at=now, reason=reason.strip()[:500], created_by=operator.id, created_at=now)
    uow.session.add(job)
    uow.session.flush()
    record_event(uow, ctx, operator.id, "reprinted", old.item_id, detail=f"{old.kind}: {reason.strip()[:400]}",
                 after={"job": str(job.id), "printer": target})
    return _view(uow, job)


def cancel(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, job_id: uuid.UUID) -> None:
    job = _job(uow, job_id)
    if job.status not in WAITING_STATES:
        raise InvalidState(f"That job is {job.status}; it cannot be cancelled.")
    job.status = "cancelled"
    record_event(uow, ctx, operator.id, "print_cancelled", job.item_id, detail=job.kind)


def cancel_for_item(uow: UnitOfWork, item_id: uuid.UUID) -> None:
    """A voided item's labels must not print later."""
    uow.session.execute(update(PrintJob).where(PrintJob.item_id == item_id, PrintJob.status.in_(WAITING_STATES))
                        .values(status="cancelled", last_error="Item voided"))


def list_jobs(uow: UnitOfWork, station_id: str, limit: int = 60) -> list[PrintJobView]:
    """Jobs not printed yet first (oldest first), then recent history (newest first)."""
    pending = uow.session.scalars(
        select(PrintJob).where(PrintJob.station_id == station_id, PrintJob.status.in_((*WAITING_STATES, "printing")))
        .order_by(PrintJob.created_at).limit(limit))
    history = uow.session.scalars(
        select(PrintJob).where(PrintJob.station_id == station_id, PrintJob.status.in_(("done", "cancelled")))
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
        .where(PrintJob.station_id == station_id, PrintJob.status.in_((*WAITING_STATES, "printing")))
    ).one()
    last_error = uow.session.scalars(
        select(PrintJob.last_error).where(PrintJob.station_id == station_id, PrintJob.status == "waiting",
                                          PrintJob.last_error.is_not(None))
        .order_by(PrintJob.next_attempt_at.desc()).limit(1)).first()
    return QueueStatus(int(waiting), int(failing), last_error, next_at)


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
    return PrintJobView(job.id, job.kind, _subject(uow, job), job.printer, job.status, job.attempts, job.last_error,
                        job.next_attempt_at, job.created_at, job.printed_at, job.reason, job.item_id)


# The print loop ----------------------------------------------------------------------------------------------
def _print_database(db: Database) -> Database:
    """The print thread's own connections to the station's SQLite file, committing with synchronous=NORMAL.

    In WAL mode that is still safe when the app crashes; only a power cut can lose the last "printed" marks,
    and then those labels print once more. With FULL, one fsync per label would cap a busy station's printing
    near the disk's fsync rate. The finalize transaction (item + jobs) keeps FULL on the DB thread's engine.
    """
    if db.engine.dialect.name != "sqlite":
        return db
    own = Database(db.url)
    event.listen(own.engine, "connect", _synchronous_normal)
    return own


def _synchronous_normal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


Sender = Callable[[str, bytes, str], None]  # (printer name, payload, job name)


class PrintQueue:
    """The queue bound to a database. `process_due` is the print thread's loop body (never the DB thread)."""

    def __init__(self, db: Database, ctx: StationContext, backoff_base: timedelta = BACKOFF_BASE) -> None:
        self.ctx, self.backoff_base = ctx, backoff_base
        self.db = _print_database(db)

    def close(self) -> None:
        if self.db.engine.dialect.name == "sqlite":
            self.db.dispose()

    def send(self, printer: str, payload: bytes, name: str) -> None:
        transport_for(self.ctx.printing.printer(printer)).send(payload, name)

    def render(self, job: ClaimedJob) -> bytes:
        setup = self.ctx.printing
        return render_job(job.kind, job.payload, setup.printer(job.printer).format, setup.label, setup.slip)

    def process_batch(self, sender: Sender | None = None, batch: int = 20) -> int:
        """Claim a batch of due jobs; render, send and record each. Returns how many were processed."""
        with self.db.unit_of_work() as uow:
            jobs = claim_due(uow, self.ctx.station_id, self.ctx.clock.now(), batch)
        down: dict[str, str] = {}  # printers that failed in this batch: their other jobs wait without a try
        for job in jobs:
            if job.printer in down:
                self._failed(job.id, down[job.printer])
                continue
            try:
                (sender or self.send)(job.printer, self.render(job), job.name)
            except PrintError as exc:
                self._failed(job.id, str(exc))
                if isinstance(exc, PrinterUnavailable):
                    down[job.printer] = str(exc)
            except Exception as exc:  # a bug in rendering must not stop the queue; the job waits with the reason
                self._failed(job.id, f"Could not print ({type(exc).__name__}: {exc}). Tell IT.")
            else:
                with self.db.unit_of_work() as uow:
                    mark_printed(uow, job.id, self.ctx.clock.now())
        return len(jobs)

    def process_due(self, limit: int = 1000, sender: Sender | None = None) -> int:
        done = 0
        while done < limit and (count := self.process_batch(sender, min(20, limit - done))):
            done += count
        return done

    def _failed(self, job_id: uuid.UUID, error: str) -> None:
        with self.db.unit_of_work() as uow:
            mark_failed(uow, job_id, error, self.ctx.clock.now(), self.backoff_base)

    def recover(self) -> int:
        with self.db.unit_of_work() as uow:
            return recover_interrupted(uow, self.ctx.station_id)

    def status(self) -> QueueStatus:
        with self.db.unit_of_work() as uow:
            return queue_status(uow, self.ctx.station_id)

    def jobs(self) -> list[PrintJobView]:
        with self.db.unit_of_work() as uow:
            return list_jobs(uow, self.ctx.station_id)

    def send_to(self, operator: OperatorView, job_id: uuid.UUID, printer: str) -> PrintJobView:
        with self.db.unit_of_work() as uow:
            return send_to_printer(uow, self.ctx, operator, job_id, printer)

    def reprint(self, operator: OperatorView, job_id: uuid.UUID, reason: str, printer: str | None = None
                ) -> PrintJobView:
        with self.db.unit_of_work() as uow:
            return reprint(uow, self.ctx, operator, job_id, reason, printer)

    def cancel(self, operator: OperatorView, job_id: uuid.UUID) -> None:
        with self.db.unit_of_work() as uow:
            cancel(uow, self.ctx, operator, job_id)

    def retry_now(self, job_id: uuid.UUID) -> None:
        with self.db.unit_of_work() as uow:
            retry_now(uow, self.ctx, job_id)

    def preview_png(self, item_id: uuid.UUID) -> bytes | None:
        """The item's relabel as PNG, exactly as queued (for the screen)."""
        with self.db.unit_of_work() as uow:
            payload = uow.session.scalars(
                select(PrintJob.payload).where(PrintJob.item_id == item_id, PrintJob.kind == "label")
                .order_by(PrintJob.created_at.desc()).limit(1)).first()
        if payload is None:
            return None
        setup = self.ctx.printing
        return render_job("label", payload, "png", setup.label, setup.slip)



def settle_as_history(uow: UnitOfWork, item_id: uuid.UUID) -> None:
    """Demo history: the item was graded on an earlier day, so its labels printed and it went into its tote."""
    row = uow.session.get(ReturnItem, item_id)
    if row is None:
        return
    uow.session.execute(update(PrintJob).where(PrintJob.item_id == item_id)
                        .values(status="done", attempts=1, printed_at=row.finalized_at))
    uow.session.execute(update(PrintJob).where(PrintJob.container_id == row.container_id,
                                               PrintJob.kind == "tote_label", PrintJob.status == "queued")
                        .values(status="done", attempts=1, printed_at=row.finalized_at))
    row.tote_confirmed_at = row.finalized_at
