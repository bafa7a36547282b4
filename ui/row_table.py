"""A read-only list of records for the supervisor's tabs: one row per record, one row selected, the selection
kept (by the record's key) when the list is filled again by a refresh."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem


class RowTable(QTableWidget):
    def __init__(self, name: str, columns: Sequence[str]) -> None:
        super().__init__(0, len(columns))
        self.setObjectName(name)
        self.setHorizontalHeaderLabels(list(columns))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.rows: list[Any] = []

    def fill(self, rows: list[Any], cells: Callable[[Any], Sequence[str]], key: Callable[[Any], Any],
             tooltip: Callable[[Any], str] | None = None) -> None:
        chosen = self.selected()
        chosen_key = key(chosen) if chosen is not None else None
        self.rows = rows
        self.setRowCount(len(rows))
        for index, row in enumerate(rows):
            for column, value in enumerate(cells(row)):
                cell = QTableWidgetItem(str(value))
                if tooltip is not None:
                    cell.setToolTip(tooltip(row))
                self.setItem(index, column, cell)
            if chosen_key is not None and key(row) == chosen_key:
                self.selectRow(index)
        if self.selected() is None and rows:
            self.selectRow(0)

    def selected(self) -> Any | None:
        model = self.selectionModel()
        picked = model.selectedRows() if model is not None else []
        if not picked or picked[0].row() >= len(self.rows):
            return None
        return self.rows[picked[0].row()]
