"""Printing off the GUI thread: its own thread (never the DB thread, so a slow printer never queues behind a
DB write, nor a DB write behind a printer). A timer wakes it to retry waiting jobs; each pass reports the
queue's status back to the GUI thread."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app.services.print_loop import PrintQueue
from app.services.print_queue import QueueStatus

log = logging.getLogger("returns_desk.print")


class PrintWorker(QObject):
    status_changed = Signal(object)  # QueueStatus
    _deliver = Signal(object)

    def __init__(self, queue: PrintQueue, parent: QObject | None = None, poll_ms: int = 1000) -> None:
        super().__init__(parent)
        self.queue = queue
        # One thread sends (jobs go out in order, one at a time); one renders previews so the screen never
        # waits behind a printer that is timing out.
        self._printer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="print")
        self._preview = ThreadPoolExecutor(max_workers=1, thread_name_prefix="preview")
        self._draining = False
        self._again = False
        self._closed = False
        self.last_status: QueueStatus | None = None
        self.passes = 0  # finished drain passes, for tests
        self._deliver.connect(self._on_gui, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.kick)

    def _on_gui(self, fn: Callable[[], None]) -> None:
        if not self._closed:  # results that arrive after shutdown have nobody left to tell
            fn()

    def start(self) -> None:
        self._printer.submit(self._safe(self.queue.recover))
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
        self._printer.submit(self._drain)

    @property
    def idle(self) -> bool:
        return not self._draining

    def _drain(self) -> None:
        status: QueueStatus | None = None
        try:
            self.queue.process_due()
            status = self.queue.status()
        except Exception:  # the database may be busy or gone: try again at the next tick
            log.exception("print pass failed")
        self._deliver.emit(lambda: self._drained(status))

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
        def job() -> None:
            try:
                png = self.queue.preview_png(item_id)
            except Exception:
                log.exception("label preview failed")
                png = None
            self._deliver.emit(lambda: on_ready(png))

        if not self._closed:
            self._preview.submit(job)

    def shutdown(self) -> None:
        self._closed = True
        self._timer.stop()
        for pool in (self._printer, self._preview):
            pool.shutdown(wait=True, cancel_futures=True)

    def _safe(self, fn: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
            except Exception:
                log.exception("print worker start-up step failed")

        return run
