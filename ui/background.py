"""Run work off the GUI thread; get the result back on it (like Anki's CollectionOp/QueryOp).

One helper for every background thread: a `Lane` is one worker thread whose results and failures come back
on the GUI thread. The database has one lane (writes are ordered and never block the screen); printing has
its own lanes, so a slow printer never queues behind a DB write nor a DB write behind a printer. A failure
that has no handler of its own goes to the window's one error handler (logged, shown in words).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

T = TypeVar("T")
ErrorHandler = Callable[[BaseException], None]


class Lane(QObject):
    """One background thread. `run(fn, on_success, on_failure)`: fn there, a callback here, in order."""

    busy_changed = Signal(bool)
    _deliver = Signal(object)

    def __init__(self, name: str, on_error: ErrorHandler, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._on_error = on_error
        self._pending = 0
        self._closed = False
        self._deliver.connect(self._run_on_gui, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def run(self, fn: Callable[[], T], on_success: Callable[[T], Any] | None = None,
            on_failure: ErrorHandler | None = None) -> None:
        if self._closed:
            return
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        failure = on_failure or self._on_error

        def job() -> None:
            try:
                result = fn()
            except Exception as exc:  # every error reaches a handler on the GUI thread
                error = exc  # `exc` is unbound after the except block; the callback runs later
                self._deliver.emit(lambda: failure(error))
                return
            self._deliver.emit(lambda: on_success(result) if on_success is not None else None)

        self._pool.submit(job)

    def _run_on_gui(self, callback: Callable[[], Any]) -> None:
        self._pending -= 1
        try:
            if not self._closed:  # results that arrive after shutdown have nobody left to tell
                callback()
        except Exception as exc:  # a callback's bug must not escape into the Qt event loop
            self._on_error(exc)
        finally:
            if self._pending == 0:
                self.busy_changed.emit(False)

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)


class BackgroundOps(QObject):
    """The database lane, plus one `changes_applied` signal after every write (each screen refreshes itself)."""

    busy_changed = Signal(bool)
    changes_applied = Signal()

    def __init__(self, on_error: ErrorHandler, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.on_error = on_error
        self.db = Lane("db", self._report, self)
        self.db.busy_changed.connect(self.busy_changed)

    def _report(self, error: BaseException) -> None:
        self.on_error(error)

    @property
    def busy(self) -> bool:
        return self.db.busy

    def lane(self, name: str, parent: QObject | None = None) -> Lane:
        """Another background thread with the same error handling (printing, previews)."""
        return Lane(name, self._report, parent or self)

    def run_db(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], Any],
        on_failure: ErrorHandler | None = None,
        writes: bool = True,
    ) -> None:
        """Run `fn` on the DB thread; then `on_success(result)` or `on_failure(error)` on the GUI thread."""

        def success(result: T) -> None:
            try:
                on_success(result)
            finally:
                if writes:
                    self.changes_applied.emit()

        self.db.run(fn, success, on_failure)

    def shutdown(self) -> None:
        self.db.shutdown()
