"""Find any item: the list (newest first) and the whole record of the selected one. Keyboard only: arrows move
in the list, Enter opens the record, Esc goes back to the list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.record_html import record_html
from ui.row_table import RowTable
from ui.widgets import label

COLUMNS = ("LPN", "Graded", "Station", "Operator", "Product", "Grade", "Disposition", "Status", "Held for")


class ItemsTab(QWidget):
    record_wanted = Signal(object)  # an ItemRow: load and show its record
    override_wanted = Signal(object)  # an ItemRow

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.caption = label(name="hint")
        layout.addWidget(self.caption)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.table = RowTable("itemsTable", COLUMNS)
        self.table.installEventFilter(self)  # Enter on a row opens its record (whatever the platform's default)
        self.record = QTextBrowser()
        self.record.setObjectName("record")
        split.addWidget(self.table)
        split.addWidget(self.record)
        split.setSizes([600, 500])
        layout.addWidget(split, 1)
        override = QPushButton("&Override the selected item…")
        override.clicked.connect(self._override)
        layout.addWidget(override)

    @property
    def rows(self) -> list[Any]:
        return self.table.rows

    def show_rows(self, rows: list[Any], caption: str) -> None:
        """The list, keeping the selected item selected when it is still there."""
        self.caption.setText(caption)
        self.table.fill(rows, _cells, key=lambda row: row.id)
        if not rows:
            self.record.setHtml("<p>No item matches. Scan an LPN or RMA, or change the search.</p>")

    def selected(self) -> Any | None:
        return self.table.selected()

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.record_wanted.emit(row)

    def _override(self) -> None:
        row = self.selected()
        if row is not None and row.status == "final":
            self.override_wanted.emit(row)

    def show_record(self, record: Any) -> None:
        self.record.setHtml(record_html(record))
        self.record.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_selected()
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape and self.record.hasFocus():
            self.table.setFocus()
            return
        super().keyPressEvent(event)


def _cells(row: Any) -> tuple[str, ...]:
    when = row.finalized_at.astimezone().strftime("%d %b %H:%M") if row.finalized_at else "—"
    return (row.lpn or "(draft)", when, row.station_id, row.operator_name, row.description, row.grade or "—",
            row.disposition or "—", row.status + (" · override" if row.overridden else ""), row.exception_cause or "")
