"""Sync in the window: the sync loop on its own thread (never the DB thread), its status in the status bar.

The label says when the last sync was, how many changes wait, and, in plain words, what is wrong if it fails;
the station keeps working either way. A finished item wakes the loop so it goes out within seconds.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget

from app.config import Settings
from app.db.uow import Database
from app.sync.central import central_url
from app.sync.runner import SyncErrorKind, SyncLoop, SyncStatus
from ui.theme import WARN


class StationSync(QObject):
    status_changed = Signal(object)  # SyncStatus, emitted from the sync thread, delivered on the GUI thread

    def __init__(self, local: Database, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_label = QLabel(_mode_text(settings))
        self.status_label.setObjectName("syncStatus")
        self.status_label.setContentsMargins(8, 0, 16, 0)
        self.loop: SyncLoop | None = None
        self._central: Database | None = None
        self.status_changed.connect(self.show_status)
        if settings.mode == "station":
            self._central = Database(central_url(settings))
            self.loop = SyncLoop(local, self._central, settings.station_id, settings.sync_interval_s,
                                 on_status=self.status_changed.emit)
            self.status_label.setText("Sync: starting…")
            self.loop.start()

    def connect_station(self, saved_signal: object) -> None:
        """Send right after a save instead of waiting for the next interval."""
        if self.loop is not None:
            saved_signal.connect(lambda *_: self.wake())  # type: ignore[attr-defined]

    def wake(self) -> None:
        if self.loop is not None:
            self.loop.wake()

    def show_status(self, status: SyncStatus) -> None:
        if status.last_error:
            # The short line depends on the kind of error (recorded from its type); the tooltip has it in full.
            self.status_label.setText(problem_line(status))
            self.status_label.setToolTip(status.last_error)
            self.status_label.setStyleSheet(f"color: {WARN}; font-weight: bold;")
        else:
            self.status_label.setText(status.describe())
            self.status_label.setToolTip("Changes go to the central database in the background.")
            self.status_label.setStyleSheet("")

    def stop(self) -> None:
        if self.loop is not None:
            self.loop.stop()
        if self._central is not None:
            self._central.dispose()


_PROBLEM_LINES = {
    SyncErrorKind.UNREACHABLE: "Sync: central database unreachable, {waiting} waiting (work continues here)",
    SyncErrorKind.REFUSED: "Sync refused by the central database: ask IT. {waiting} waiting (work continues here)",
    SyncErrorKind.SCHEMA: "Sync stopped: the central database is another version; ask IT to upgrade. "
                          "{waiting} waiting",
}


def problem_line(status: SyncStatus) -> str:
    """The status bar's words for a failed sync; any other kind shows the error's first sentence."""
    line = _PROBLEM_LINES.get(status.error_kind or SyncErrorKind.OTHER)
    if line is not None:
        return line.format(waiting=status.waiting)
    first = (status.last_error or "").split(". ")[0][:120]
    return f"Sync problem: {first}. {status.waiting} waiting"


def _mode_text(settings: Settings) -> str:
    if settings.mode == "direct":
        return "Central database (direct)"
    if settings.mode == "station":
        return "Sync: starting…"
    return "Standalone (no central database)"
