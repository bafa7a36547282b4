"""The exceptions queue: everything held for a person, oldest first, by cause; each row offers the resolutions
its cause allows, and any item can be overridden. The dialogs collect what the core requires (a note, a SKU,
a disposition, a reason code, a second supervisor above the value threshold); the core checks it again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.conditions import format_money
from app.domain.exceptions import RESOLUTION_LABELS, Resolution
from app.review.stations import duration
from ui.row_table import RowTable
from ui.widgets import FlowLayout, label

COLUMNS = ("Held since", "Cause", "LPN", "Product", "Station", "Now", "Value")


class ExceptionsTab(QWidget):
    resolve_wanted = Signal(object, str)  # (ExceptionRow, Resolution value)
    override_wanted = Signal(object)  # ExceptionRow
    record_wanted = Signal(object)  # ExceptionRow

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.caption = label(name="hint")
        layout.addWidget(self.caption)
        self.table = RowTable("exceptionsTable", COLUMNS)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemActivated.connect(lambda _cell: self._emit_record())
        layout.addWidget(self.table, 1)
        buttons = FlowLayout()  # wraps: six long labels never widen the window
        self.buttons: dict[str, QPushButton] = {}
        for resolution in Resolution:
            button = QPushButton(RESOLUTION_LABELS[resolution] + "…")
            button.clicked.connect(lambda _=False, r=resolution.value: self._emit_resolve(r))
            buttons.addWidget(button)
            self.buttons[resolution.value] = button
        self.override_button = QPushButton("&Override…")
        self.override_button.clicked.connect(self._emit_override)
        buttons.addWidget(self.override_button)
        holder = QWidget()
        holder.setLayout(buttons)
        layout.addWidget(holder)
        self._selection_changed()

    @property
    def rows(self) -> list[Any]:
        return self.table.rows

    def show_rows(self, rows: list[Any], now: datetime) -> None:
        self.caption.setText(f"{len(rows)} held for a person, oldest first." if rows
                             else "Nothing is held for a person. The queue is empty.")
        self.table.fill(rows, lambda row: (duration(max(0, int((now - row.since).total_seconds()))), row.cause_label,
                                           row.lpn, row.description, row.station_id, row.disposition or "—",
                                           format_money(row.unit_value_cents)),
                        key=lambda row: row.item_id, tooltip=lambda row: row.recall_ref or row.cause_label)
        self._selection_changed()

    def selected(self) -> Any | None:
        return self.table.selected()

    def _selection_changed(self) -> None:
        """Only the resolutions the selected item's cause allows can be pressed."""
        row = self.selected()
        allowed = set(row.resolutions) if row is not None else set()
        for value, button in self.buttons.items():
            button.setEnabled(value in allowed)
        self.override_button.setEnabled(row is not None)

    def _emit_resolve(self, resolution: str) -> None:
        row = self.selected()
        if row is not None:
            self.resolve_wanted.emit(row, resolution)

    def _emit_override(self) -> None:
        row = self.selected()
        if row is not None:
            self.override_wanted.emit(row)

    def _emit_record(self) -> None:
        row = self.selected()
        if row is not None:
            self.record_wanted.emit(row)

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
