"""The station's printing pieces in one place for the window: the queue and tote services, the print
worker, the status-bar line, and the print queue dialog (F9)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QWidget

from app.services.desk import Desk
from app.services.print_loop import PrintQueue
from app.services.print_queue import QueueStatus
from ui.background import BackgroundOps
from ui.print_queue_dialog import PrintQueueDialog
from ui.print_worker import PrintWorker
from ui.screens.station_controller import StationController
from ui.theme import BAD


class StationPrinting(QObject):
    def __init__(self, desk: Desk, ops: BackgroundOps, window: QWidget, poll_ms: int = 1000) -> None:
        super().__init__(window)
        self.window = window
        self.ops = ops
        self.desk = desk
        self.queue = PrintQueue(desk.db, desk.ctx)
        self.worker = PrintWorker(self.queue, self, poll_ms, on_error=ops.on_error)  # e.g. recovery at start
        self.status_label = QLabel("Printing: starting…")
        self.status_label.setContentsMargins(8, 0, 16, 0)
        self.worker.status_changed.connect(self._show_status)
        self.worker.pass_failed.connect(self._show_failure)
        self._shown: tuple[str, str, bool] | None = None
        self.dialog: PrintQueueDialog | None = None
        self._station: StationController | None = None

    def connect_station(self, station: StationController) -> None:
        self._station = station
        station.print_queue_requested.connect(self.open_queue)
        self.worker.start()

    def open_queue(self) -> PrintQueueDialog | None:
        station = self._station
        if station is None or station.operator is None:
            return None
        if self.dialog is None:
            self.dialog = PrintQueueDialog(self.desk, self.ops, self.worker, station.operator, self.window)
        else:
            self.dialog.operator = station.operator
            self.dialog.refresh()
        self.dialog.show()
        return self.dialog

    def _show_status(self, status: QueueStatus) -> None:
        self._show(status.text if len(status.text) < 110 else status.text[:107] + "…", status.last_error or "",
                   bool(status.failing))

    def _show_failure(self, text: str) -> None:
        self._show("Printing: cannot read the print queue; retrying", text, True)

    def _show(self, text: str, tooltip: str, failing: bool) -> None:
        """Touch the label only when what it says changed: every print pass (each second) reports, and a style
        sheet set again, even the same one, re-polishes the label and repaints the whole status bar."""
        shown = (text, tooltip, failing)
        if shown == self._shown:
            return
        self._shown = shown
        self.status_label.setText(text)
        self.status_label.setToolTip(tooltip)
        self.status_label.setStyleSheet(f"color: {BAD}; font-weight: 700;" if failing else "")

    def stop(self) -> None:
        self.worker.shutdown()
        self.queue.close()
