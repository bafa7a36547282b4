"""Printing off the GUI thread: its own thread (never the DB thread, so a slow printer never queues behind a
DB write, nor a DB write behind a printer). A timer wakes it to retry waiting jobs; each pass reports the
queue's status back to the GUI thread."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app.services.print_loop import PrintQueue
from app.services.print_queue import QueueStatus
from ui.background import ErrorHandler, Lane
from ui.errors import describe_error, log_failure

log = logging.getLogger("returns_desk.print")


class PrintWorker(QObject):
    status_changed = Signal(object)  # QueueStatus
    pass_failed = Signal(str)  # a print pass could not read or update the queue: words for the status bar

    def __init__(self, queue: PrintQueue, parent: QObject | None = None, poll_ms: int = 1000,
                 on_error: ErrorHandler | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        report = on_error or self._log_failure
        # One lane sends (jobs go out in order, one at a time); one renders previews so the screen never
        # waits behind a printer that is timing out.
        self._printer = Lane("print", report, self)
        self._preview = Lane("preview", report, self)
        self._draining = False
        self._again = False
        self._closed = False
        self.last_status: QueueStatus | None = None
        self.passes = 0  # finished drain passes, for tests
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.kick)

    @staticmethod
    def _log_failure(error: BaseException) -> None:
        log_failure(log, "print worker step failed", error)

    def start(self) -> None:
        self._printer.run(self.queue.recover)
        self._timer.start()
        self.kick()

    def kick(self) -> None:
        """Print whatever is due now (called after a finalize, a queue change, and by the retry timer)."""
        if self._closed:
            return
        if self._draining:
            self._again = True
            return
        self._draining = True
        self._printer.run(self._drain, self._drained, self._drain_failed)

    @property
    def idle(self) -> bool:
        return not self._draining

    def _drain(self) -> QueueStatus:
        self.queue.process_due()
        return self.queue.status()

    def _drain_failed(self, error: BaseException) -> None:
        # The database may be busy or gone: logged, and tried again at the next tick.
        self.pass_failed.emit(describe_error(error, "print pass failed", log))
        self._drained(None)

    def _drained(self, status: QueueStatus | None) -> None:
        self._draining = False
        self.passes += 1
        if status is not None:
            self.last_status = status
            self.status_changed.emit(status)
        if self._again:
            self._again = False
            self.kick()

    def render_preview(self, item_id: uuid.UUID, on_ready: Callable[[bytes | None], None]) -> None:
        def failed(error: BaseException) -> None:
            log_failure(log, "label preview failed", error)
            on_ready(None)

        self._preview.run(lambda: self.queue.preview_png(item_id), on_ready, failed)

    def shutdown(self) -> None:
        self._closed = True
        self._timer.stop()
        for lane in (self._printer, self._preview):
            lane.shutdown()
