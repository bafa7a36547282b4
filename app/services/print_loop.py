"""The print thread's side of the queue: claim due jobs, render and send them, record the outcome.

`PrintQueue` binds the queue use cases (app/services/print_queue.py) to the station's database, one unit of work
per call. It uses the station's own `Database` (the same engine and outbox as every other write), so each job's
progress reaches the central database like any other change.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError

from app.db.engine import checkpoint_wal
from app.db.uow import Database
from app.errors import PrintError, PrinterUnavailable
from app.gc_policy import collect_if_due
from app.printing.transports import transport_for
from app.services import print_queue as queue
from app.services.context import StationContext
from app.services.print_queue import BACKOFF_BASE, ClaimedJob, QueueStatus

Sender = Callable[[str, bytes, str], None]  # (printer name, payload, job name)
Outcome = tuple[uuid.UUID, str | None]  # a job and its problem (None: printed)
log = logging.getLogger(__name__)


class PrintQueue:
    """The queue bound to a database. `process_due` is the print thread's loop body (never the DB thread)."""

    def __init__(self, db: Database, ctx: StationContext, backoff_base: timedelta = BACKOFF_BASE) -> None:
        self.db, self.ctx, self.backoff_base = db, ctx, backoff_base

    def close(self) -> None:
        """Nothing to release: the database belongs to the station (kept for the print worker's shutdown)."""

    def send(self, printer: str, payload: bytes, name: str) -> None:
        transport_for(self.ctx.printing.printer(printer)).send(payload, name)

    def render(self, job: ClaimedJob) -> bytes:
        from app.printing.render import render_job  # reportlab and python-barcode: not on the start path

        setup = self.ctx.printing
        return render_job(job.kind, job.payload, setup.printer(job.printer).format, setup.label, setup.slip)

    def process_batch(self, sender: Sender | None = None, batch: int = 20) -> int:
        """Claim a batch of due jobs; render, send and record each. Returns how many were processed.

        Each job is marked 'sending' in a commit of its own just before its bytes go out, so a job the app dies
        while sending is never sent again by itself (it becomes 'unsure'). That commit also records the previous
        job's outcome, so the queue still costs about one commit per job."""
        with self.db.unit_of_work() as uow:
            jobs = queue.claim_due(uow, self.ctx.station_id, self.ctx.clock.now(), batch)
        down: dict[str, str] = {}  # printers that failed in this batch: their other jobs wait without a try
        outcomes: list[Outcome] = []
        for job in jobs:
            document, error = self._render(job)
            if job.printer in down or document is None:
                outcomes.append((job.id, down.get(job.printer, error)))
                continue
            started = self._record(outcomes, job)
            outcomes = []
            if started:
                outcomes.append((job.id, self._send(job, document, sender, down)))
        self._record(outcomes, None)
        return len(jobs)

    def _render(self, job: ClaimedJob) -> tuple[bytes | None, str | None]:
        try:
            return self.render(job), None
        except Exception as exc:  # a bug in rendering must not stop the queue; the job waits with the reason
            return None, f"Could not print ({type(exc).__name__}: {exc}). Tell IT."

    def _send(self, job: ClaimedJob, document: bytes, sender: Sender | None, down: dict[str, str]) -> str | None:
        """None when the printer took all of it, else the problem in words."""
        try:
            (sender or self.send)(job.printer, document, job.name)
        except PrintError as exc:
            if isinstance(exc, PrinterUnavailable):
                down[job.printer] = str(exc)
            return str(exc)
        except Exception as exc:  # the same: a bug must not stop the queue
            return f"Could not print ({type(exc).__name__}: {exc}). Tell IT."
        return None

    def _record(self, outcomes: list[Outcome], starting: ClaimedJob | None) -> bool:
        """One commit: the outcomes so far, and `starting` marked 'sending'. False when its claim was lost."""
        if not outcomes and starting is None:
            return False
        with self.db.unit_of_work() as uow:
            now = self.ctx.clock.now()
            for job_id, error in outcomes:
                if error is None:
                    queue.mark_printed(uow, job_id, now)
                else:
                    queue.mark_failed(uow, job_id, error, now, self.backoff_base)
            return starting is not None and queue.begin_send(uow, starting, now)

    def process_due(self, limit: int = 1000, sender: Sender | None = None) -> int:
        done = 0
        while done < limit and (count := self.process_batch(sender, min(20, limit - done))):
            done += count
        self.housekeeping()
        return done

    def housekeeping(self) -> None:
        """What must not happen inside a save, done here on the print thread between passes (issue 12): the
        station file's WAL checkpoint (app/db/engine.checkpoint_wal) and Python's full garbage collection when
        due (app/gc_policy.collect_if_due). The print thread runs a pass at every poll, even with nothing to
        print, so this bounds the WAL while the app runs; SQLite's own (rare) checkpoint bounds it otherwise."""
        try:
            checkpoint_wal(self.db.engine)
        except (sqlite3.Error, SQLAlchemyError) as exc:  # the next pass tries again: printing must go on
            log.warning("WAL checkpoint skipped: %s", exc)
        collect_if_due()

    def recover(self) -> int:
        with self.db.unit_of_work() as uow:
            return queue.recover_interrupted(uow, self.ctx.station_id, self.ctx.clock.now())

    def status(self) -> QueueStatus:
        with self.db.unit_of_work(read_only=True) as uow:
            return queue.queue_status(uow, self.ctx.station_id)

    def preview_png(self, item_id: uuid.UUID) -> bytes | None:
        """The item's relabel as PNG, exactly as queued (for the screen)."""
        with self.db.unit_of_work(read_only=True) as uow:
            payload = queue.latest_label_payload(uow, item_id)
        if payload is None:
            return None
        from app.printing.render import render_job

        setup = self.ctx.printing
        return render_job("label", payload, "png", setup.label, setup.slip)
