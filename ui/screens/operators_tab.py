"""Operators: who may sign in here, their role, a lock-out after five wrong PINs. Supervisors add, deactivate,
reactivate, unlock and reset PINs; admins also change roles (the core refuses the rest)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.widgets import FlowLayout, label

COLUMNS = ("Badge", "Name", "Role", "State", "PIN")
ACTIONS = (("add", "&Add operator…"), ("deactivate", "&Deactivate"), ("reactivate", "Re&activate"),
           ("reset_pin", "Reset &PIN"), ("unlock", "&Unlock"), ("change_role", "Change &role…"))


class OperatorsTab(QWidget):
    action_wanted = Signal(str, object)  # (action, OperatorRow or None for "add")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []
        layout = QVBoxLayout(self)
        self.caption = label(name="hint")
        layout.addWidget(self.caption)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("operatorsTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        buttons = FlowLayout()
        for action, text in ACTIONS:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, a=action: self._emit(a))
            buttons.addWidget(button)
        holder = QWidget()
        holder.setLayout(buttons)
        layout.addWidget(holder)

    def show_rows(self, rows: list[Any], now: datetime) -> None:
        selected = self.selected()
        self.rows = rows
        self.caption.setText(f"{len(rows)} operators. A new operator chooses a PIN at the first sign-in.")
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            values = (row.badge, row.name, row.role, _state(row, now), "set" if row.has_pin else "chosen at sign-in")
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(value))
            if selected is not None and row.badge == selected.badge:
                self.table.selectRow(index)
        if self.selected() is None and rows:
            self.table.selectRow(0)

    def selected(self) -> Any | None:
        model = self.table.selectionModel()
        picked = model.selectedRows() if model is not None else []
        if not picked or picked[0].row() >= len(self.rows):
            return None
        return self.rows[picked[0].row()]

    def _emit(self, action: str) -> None:
        row = self.selected()
        if action == "add" or row is not None:
            self.action_wanted.emit(action, row)


def _state(row: Any, now: datetime) -> str:
    if not row.active:
        return "deactivated"
    if row.locked_until is not None and row.locked_until > now:
        return f"LOCKED until {row.locked_until.astimezone():%H:%M} (five wrong PINs)"
    return "active"
