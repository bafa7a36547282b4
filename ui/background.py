"""Run work off the GUI thread; get the result back on it (like Anki's CollectionOp/QueryOp).

All database work goes through one worker thread, so writes are ordered and never block the screen.
Printing and sync will get their own pools so a slow printer never queues behind a DB write.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

T = TypeVar("T")


class BackgroundOps(QObject):
    busy_changed = Signal(bool)
    changes_applied = Signal()
    _deliver = Signal(object)

    def __init__(self, on_error: Callable[[BaseException], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")
        self._on_error = on_error
        self._pending = 0
        self._deliver.connect(self._run_on_gui, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def run_db(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None] | None = None,
        writes: bool = True,
    ) -> None:
        """Run `fn` on the DB thread; then `on_success(result)` or `on_failure(error)` on the GUI thread."""
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        failure = on_failure or self._on_error

        def job() -> None:
            try:
                result = fn()
            except Exception as exc:  # every error reaches the one place that shows errors
                error = exc  # `exc` is unbound after the except block; the callback runs later
                self._deliver.emit(lambda: self._finish(lambda: failure(error), False))
                return
            self._deliver.emit(lambda: self._finish(lambda: on_success(result), writes))

        self._db.submit(job)

    def _run_on_gui(self, callback: Callable[[], Any]) -> None:
        callback()

    def _finish(self, callback: Callable[[], Any], wrote: bool) -> None:
        self._pending -= 1
        try:
            callback()
        finally:
            if wrote:
                self.changes_applied.emit()
            if self._pending == 0:
                self.busy_changed.emit(False)

    def shutdown(self) -> None:
        self._db.shutdown(wait=True)
