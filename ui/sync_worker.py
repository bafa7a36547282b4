"""Sync in the window: sync rounds on their own background lane (never the DB lane), the status in the bar.

The rounds and their backoff are the core's (`SyncLoop.run_round`, `next_delay`); the window runs each round
on a `Lane` like every other background job and schedules the next with a timer.

The label says when the last sync was, how many changes wait, and, in plain words, what is wrong if it fails;
the station keeps working either way. A finished item wakes the loop so it goes out within seconds.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from app.config import Settings
from app.db.uow import Database
from app.services.context import StationContext
from ui.background import ErrorHandler, Lane
from ui.errors import log_failure
from ui.theme import WARN

if TYPE_CHECKING:
    from app.sync.runner import SyncLoop, SyncStatus

log = logging.getLogger("returns_desk.sync")


class StationSync(QObject):
    status_changed = Signal(object)  # SyncStatus, after every round, on the GUI thread

    def __init__(self, local: Database, settings: Settings, parent: QWidget | None = None,
                 on_error: ErrorHandler | None = None, ctx: StationContext | None = None) -> None:
        super().__init__(parent)
        self.status_label = QLabel(_mode_text(settings))
        self.status_label.setObjectName("syncStatus")
        self.status_label.setContentsMargins(8, 0, 16, 0)
        self.loop: SyncLoop | None = None
        self._central: Database | None = None
        self._local = local
        self._lane = Lane("sync", on_error or (lambda error: log_failure(log, "sync round failed", error)), self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._round)
        self._running = self._again = self._stopped = False
        self._shown: tuple[str, str, str] | None = None  # text, tooltip, style sheet
        self.status_changed.connect(self.show_status)
        if settings.mode == "station":
            self.status_label.setText("Sync: starting…")
            # The sync machinery (push, pull, the central dialects: a fifth of the start-up imports) is imported
            # on the sync lane, so the window is scan-ready without waiting for it; the loop is built after.
            self._lane.run(_import_sync, lambda _none: self._build_loop(settings, ctx), self._round_failed)

    def _build_loop(self, settings: Settings, ctx: StationContext | None) -> None:
        from app.sync.central import open_central
        from app.sync.runner import SyncLoop

        if self._stopped:
            return
        self._central = open_central(settings)  # every round trip bounded: a silent link ends the round
        # The loop's status callback is not needed: each round's status comes back through the lane.
        # With the station's context the loop also takes this station's items changed centrally (a
        # supervisor's override elsewhere) and reprints them here (app/sync/pull_items.py).
        self.loop = SyncLoop(self._local, self._central, settings.station_id, settings.sync_interval_s,
                             on_status=lambda _status: None, ctx=ctx, min_version=settings.min_version)
        self._round()

    @property
    def running(self) -> bool:
        return self._running

    def _round(self) -> None:
        loop = self.loop
        if loop is None:
            return
        if self._running:
            self._again = True  # woken during a round: another one right after it
            return
        self._running = True
        self._timer.stop()

        def run() -> SyncStatus:
            from app.sync.runner import read_status

            loop.run_round()  # never raises: the outcome is recorded in the station's sync state
            return read_status(self._local)

        self._lane.run(run, self._round_done, self._round_failed)

    def _round_done(self, status: SyncStatus) -> None:
        self._running = False
        self.status_changed.emit(status)
        self._schedule()

    def _round_failed(self, error: BaseException) -> None:
        self._running = False
        log_failure(log, "could not read the sync status", error)  # a round records its own errors
        self._schedule()

    def _schedule(self) -> None:
        if self.loop is None:
            return
        if self._again:
            self._again = False
            self._round()
        else:
            self._timer.start(int(self.loop.next_delay() * 1000))

    def connect_station(self, saved_signal: object) -> None:
        """Send right after a save instead of waiting for the next interval."""
        if self.loop is not None:
            saved_signal.connect(lambda *_: self.wake())  # type: ignore[attr-defined]

    def wake(self) -> None:
        """Sync now (e.g. right after an item was finalized) instead of at the next interval."""
        self._round()

    def show_status(self, status: SyncStatus) -> None:
        if status.last_error or status.set_aside:
            # The short line depends on the kind of error (recorded from its type); the tooltip has it in full.
            shown = (problem_line(status), problem_details(status), f"color: {WARN}; font-weight: bold;")
        else:
            shown = (status.describe(), "Changes go to the central database in the background.", "")
        if shown == self._shown:  # a style sheet set again re-polishes the label and repaints the status bar
            return
        self._shown = shown
        self.status_label.setText(shown[0])
        self.status_label.setToolTip(shown[1])
        self.status_label.setStyleSheet(shown[2])

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        if self.loop is not None:
            self.loop.stop()  # a round in progress stops between batches
        self.loop = None
        self._lane.shutdown()
        if self._central is not None:
            self._central.dispose()


def _import_sync() -> None:
    import app.sync.central
    import app.sync.runner  # noqa: F401 - imported here, off the GUI thread


# Keyed by SyncErrorKind's values (a StrEnum: its members are these strings), so this module does not import
# the sync machinery at start-up.
_PROBLEM_LINES = {
    "timed_out": "Sync: central database not answering{since}, {waiting} waiting (work continues here)",
    "unreachable": "Sync: central database unreachable{since}, {waiting} waiting (work continues here)",
    "refused": "Sync refused by the central database: ask IT. {waiting} waiting (work continues here)",
    "schema": "Sync stopped: the central database is another version; ask IT to upgrade. "
              "{waiting} waiting",
}
FIRST_SENTENCE_CHARS = 100


def problem_line(status: SyncStatus) -> str:
    """The status bar's words: the cause first, short (the tooltip has the details). A change set aside is
    said too, also when the rounds themselves work."""
    parts = [_error_line(status)] if status.last_error else []
    if status.set_aside is not None:
        parts.append(status.set_aside.line())
    return " · ".join(parts)


def _error_line(status: SyncStatus) -> str:
    waiting = f"{status.waiting:,}"
    line = _PROBLEM_LINES.get(status.error_kind or "other")
    if line is not None:
        since = status.failing_for()
        return line.format(waiting=waiting, since=f" for {since}" if since else "")
    first = (status.last_error or "").split(". ")[0]
    if len(first) > FIRST_SENTENCE_CHARS:  # cut at a word, and say it was cut
        first = first[:FIRST_SENTENCE_CHARS].rsplit(" ", 1)[0] + "…"
    return f"Sync problem: {first}. {waiting} waiting"


def problem_details(status: SyncStatus) -> str:
    """The tooltip: every word of the error, and of the first change set aside."""
    details = [status.last_error] if status.last_error else []
    if status.set_aside is not None:
        details.append(f"{status.set_aside.line()}: {status.set_aside.error} "
                       "(`returns-desk sync status` lists it; it is kept on this station, not sent again)")
    return "\n\n".join(details)


def _mode_text(settings: Settings) -> str:
    if settings.mode == "direct":
        return "Central database (direct)"
    if settings.mode == "station":
        return "Sync: starting…"
    return "Standalone (no central database)"
