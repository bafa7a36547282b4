"""The print queue (F9): what waits and why, send a job to another printer, reprint from history with a
reason, retry now, cancel. Every change is a DB write on the DB thread, then the print worker is woken."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.domain.status import JOB_WAITING, JobStatus
from app.services.desk import Desk
from app.services.print_queue import PrintJobView
from app.services.views import OperatorView
from ui.background import BackgroundOps
from ui.errors import describe_error
from ui.print_worker import PrintWorker
from ui.theme import BAD, GOOD
from ui.widgets import Banner

STATUS_WORDS = {JobStatus.QUEUED: "to print", JobStatus.PRINTING: "printing", JobStatus.SENDING: "printing",
                JobStatus.WAITING: "WAITING", JobStatus.UNSURE: "CHECK PRINTER", JobStatus.DONE: "printed",
                JobStatus.CANCELLED: "cancelled"}
# Jobs whose problem (not their reprint reason) the table shows.
SHOWS_PROBLEM = (*JOB_WAITING, JobStatus.UNSURE)


PROBLEM_COLUMN = 4


class PrintQueueDialog(QDialog):
    def __init__(self, desk: Desk, ops: BackgroundOps, worker: PrintWorker, operator: OperatorView,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print queue")
        self.desk, self.ops, self.worker, self.operator = desk, ops, worker, operator
        self.jobs: list[PrintJobView] = []
        layout = QVBoxLayout(self)
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("queueTable")
        self.table.setHorizontalHeaderLabels(["What", "Printer", "Status", "Tries", "Problem / reason", "Queued"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # The problem column takes the room that is left and wraps (long words too, never "…"), and every row
        # is as tall as its text at the current width, so the cause is never cut off.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PROBLEM_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        for text, slot in (("&Send to another printer…", self._ask_printer), ("&Reprint…", self._ask_reason),
                           ("Retry &now", self.retry_selected), ("It p&rinted", self.confirm_selected_printed),
                           ("Print &again", self.print_selected_again), ("&Cancel job", self.cancel_selected),
                           ("Close", self.accept)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        worker.status_changed.connect(lambda _status: self.refresh())
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self._fit_to_window()
        super().showEvent(event)

    def _fit_to_window(self) -> None:
        """Most of the station window and never more, whatever its size (1100 px wide was cut at 1024×768)."""
        window = self.parentWidget()
        room = window.size() if window is not None else self.screen().availableGeometry().size()
        self.resize(int(room.width() * 0.94), int(room.height() * 0.86))

    # Data ---------------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.ops.run_db(self.desk.print_jobs, self._show, self._failed, writes=False)

    def _failed(self, error: BaseException) -> None:
        self.banner.show_message(describe_error(error), BAD)

    def _show(self, jobs: list[PrintJobView]) -> None:
        selected = self.selected()
        self.jobs = jobs
        self.table.setRowCount(len(jobs))
        for row, job in enumerate(jobs):
            waiting = job.status in SHOWS_PROBLEM and bool(job.last_error)
            problem = (job.last_error or "") if waiting else (job.reason or "")
            values = [job.title, job.printer, STATUS_WORDS.get(job.status, job.status), str(job.attempts), problem,
                      job.created_at.astimezone().strftime("%H:%M:%S")]
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value)
                self.table.setItem(row, column, cell)
            if selected is not None and job.id == selected.id:
                self.table.selectRow(row)
        if self.selected() is None and jobs:
            self.table.selectRow(0)

    def selected(self) -> PrintJobView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.jobs):
            return None
        return self.jobs[rows[0].row()]

    def select_job(self, job_id: uuid.UUID) -> None:
        for row, job in enumerate(self.jobs):
            if job.id == job_id:
                self.table.selectRow(row)

    # Actions ------------------------------------------------------------------------------------------------
    def send_selected_to(self, printer: str) -> None:
        job = self.selected()
        if job is not None:
            self._write(lambda: self.desk.send_job_to(self.operator, job.id, printer), f"Sent to {printer}.")

    def reprint_selected(self, reason: str, printer: str | None = None) -> None:
        job = self.selected()
        if job is not None:
            self._write(lambda: self.desk.reprint_job(self.operator, job.id, reason, printer),
                        f"Reprinting {job.title}.")

    def retry_selected(self) -> None:
        job = self.selected()
        if job is not None:
            self._write(lambda: self.desk.retry_job_now(job.id), "Retrying now.")

    def confirm_selected_printed(self) -> None:
        self._settle_unsure(printed=True)

    def print_selected_again(self) -> None:
        self._settle_unsure(printed=False)

    def _settle_unsure(self, printed: bool) -> None:
        """For a job the app stopped while sending: the person looked at the printer."""
        job = self.selected()
        if job is not None:
            done = f"{job.title} marked printed." if printed else f"Printing {job.title} again."
            self._write(lambda: self.desk.settle_unsure_job(self.operator, job.id, printed), done)

    def cancel_selected(self) -> None:
        job = self.selected()
        if job is not None:
            self._write(lambda: self.desk.cancel_job(self.operator, job.id), f"{job.title} cancelled.")

    def _ask_printer(self) -> None:
        job = self.selected()
        if job is None:
            return
        names = [name for name in self.desk.ctx.printing.printers if name != job.printer]
        if not names:
            self.banner.show_message("There is no other printer in this station's settings.", BAD)
            return
        printer, ok = QInputDialog.getItem(self, "Send to another printer", f"Send {job.title} to:", names, 0, False)
        if ok:
            self.send_selected_to(printer)

    def _ask_reason(self) -> None:
        job = self.selected()
        if job is None:
            return
        reason, ok = QInputDialog.getText(self, "Reprint", f"Why reprint {job.title}? (e.g. label torn)")
        if ok:
            self.reprint_selected(reason)

    def _write(self, fn: Callable[[], Any], done: str) -> None:
        def success(_: Any) -> None:
            self.banner.show_message(done, GOOD)
            self.worker.kick()
            self.refresh()

        self.ops.run_db(fn, success, self._failed)
