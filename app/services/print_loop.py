"""The print thread's side of the queue: claim due jobs, render and send them, record the outcome.

`PrintQueue` binds the queue use cases (app/services/print_queue.py) to the station's database, one unit of work
per call. It uses the station's own `Database` (the same engine and outbox as every other write), so each job's
progress reaches the central database like any other change.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from app.db.uow import Database
from app.errors import PrintError, PrinterUnavailable
from app.printing.render import render_job
from app.printing.transports import transport_for
from app.services import print_queue as queue
from app.services.context import StationContext
from app.services.print_queue import BACKOFF_BASE, ClaimedJob, QueueStatus

Sender = Callable[[str, bytes, str], None]  # (printer name, payload, job name)


class PrintQueue:
    """The queue bound to a database. `process_due` is the print thread's loop body (never the DB thread)."""

    def __init__(self, db: Database, ctx: StationContext, backoff_base: timedelta = BACKOFF_BASE) -> None:
        self.db, self.ctx, self.backoff_base = db, ctx, backoff_base

    def close(self) -> None:
        """Nothing to release: the database belongs to the station (kept for the print worker's shutdown)."""

    def send(self, printer: str, payload: bytes, name: str) -> None:
        transport_for(self.ctx.printing.printer(printer)).send(payload, name)

    def render(self, job: ClaimedJob) -> bytes:
        setup = self.ctx.printing
        return render_job(job.kind, job.payload, setup.printer(job.printer).format, setup.label, setup.slip)

    def process_batch(self, sender: Sender | None = None, batch: int = 20) -> int:
        """Claim a batch of due jobs; render, send and record each. Returns how many were processed."""
        with self.db.unit_of_work() as uow:
            jobs = queue.claim_due(uow, self.ctx.station_id, self.ctx.clock.now(), batch)
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
                    queue.mark_printed(uow, job.id, self.ctx.clock.now())
        return len(jobs)

    def process_due(self, limit: int = 1000, sender: Sender | None = None) -> int:
        done = 0
        while done < limit and (count := self.process_batch(sender, min(20, limit - done))):
            done += count
        return done

    def _failed(self, job_id: uuid.UUID, error: str) -> None:
        with self.db.unit_of_work() as uow:
            queue.mark_failed(uow, job_id, error, self.ctx.clock.now(), self.backoff_base)

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
        setup = self.ctx.printing
        return render_job("label", payload, "png", setup.label, setup.slip)
