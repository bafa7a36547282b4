"""Operators: who may sign in here, their role, a lock-out after five wrong PINs. Supervisors add, deactivate,
reactivate, unlock and reset PINs; admins also change roles (the core refuses the rest)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.row_table import RowTable
from ui.widgets import FlowLayout, label

COLUMNS = ("Badge", "Name", "Role", "State", "PIN")
ACTIONS = (("add", "&Add operator…"), ("deactivate", "&Deactivate"), ("reactivate", "Re&activate"),
           ("reset_pin", "Reset &PIN"), ("unlock", "&Unlock"), ("change_role", "Change &role…"))


class OperatorsTab(QWidget):
    action_wanted = Signal(str, object)  # (action, OperatorRow or None for "add")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.caption = label(name="hint")
        layout.addWidget(self.caption)
        self.table = RowTable("operatorsTable", COLUMNS)
        layout.addWidget(self.table, 1)
        buttons = FlowLayout()
        for action, text in ACTIONS:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, a=action: self._emit(a))
            buttons.addWidget(button)
        holder = QWidget()
        holder.setLayout(buttons)
        layout.addWidget(holder)

    @property
    def rows(self) -> list[Any]:
        return self.table.rows

    def show_rows(self, rows: list[Any], now: datetime) -> None:
        self.caption.setText(f"{len(rows)} operators. A new operator chooses a PIN at the first sign-in.")
        self.table.fill(rows, lambda row: (row.badge, row.name, row.role, _state(row, now),
                                           "set" if row.has_pin else "chosen at sign-in"), key=lambda row: row.badge)

    def selected(self) -> Any | None:
        return self.table.selected()

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
