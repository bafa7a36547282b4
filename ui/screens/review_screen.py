"""The supervisor's desk: the board, find any item, the exceptions queue, operators. F6 (or the button) goes back
to the station. Every read and write runs on the review lane (central reads can take seconds; the station's own
database lane is never held up by them) and redraws when it returns; the open tab refreshes every 5 s, after a
local change and after a sync round, keeping its selection."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.errors import ReturnsDeskError
from app.review.desk import Reading, ReviewDesk
from app.review.query import describe_filter, parse_query
from app.review.search import ItemFilter
from app.services.views import OperatorView
from ui.background import BackgroundOps
from ui.errors import describe_error
from ui.review_actions import ReviewActions
from ui.screens.board_tab import BoardTab
from ui.screens.exceptions_tab import ExceptionsTab
from ui.screens.items_tab import ItemsTab
from ui.screens.operators_tab import OperatorsTab
from ui.theme import BAD, WARN
from ui.widgets import Banner, is_typing, label

REFRESH_MS = 5000




class ReviewScreen(QWidget):
    back_requested = Signal()
    sign_out_requested = Signal()  # F12, as on the station

    def __init__(self, desk: ReviewDesk, ops: BackgroundOps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review")
        self.desk = desk
        self.lane = ops.lane("review", self)
        self.operator: OperatorView | None = None
        self.item_filter = ItemFilter()
        self._focus_list = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(label("Supervisor's desk", "title"))
        self.scope_label = label(name="hint")
        top.addWidget(self.scope_label, 1)
        back = QPushButton("Back to station (F6)")
        back.clicked.connect(self.back_requested)
        top.addWidget(back)
        layout.addLayout(top)
        self.search = QLineEdit()
        self.search.setObjectName("reviewSearch")
        self.search.setPlaceholderText("Scan an LPN or RMA, or type a code, words or filters "
                                       "(grade:C station:D02 from:2026-11-28 …), then Enter")
        self.search.returnPressed.connect(self._search)
        layout.addWidget(self.search)
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.board, self.items = BoardTab(), ItemsTab()
        self.exceptions, self.operators = ExceptionsTab(), OperatorsTab()
        for widget, title in ((self.board, "&Board"), (self.items, "&Items"), (self.exceptions, "&Exceptions"),
                              (self.operators, "O&perators")):
            self.tabs.addTab(widget, title)
        self.tabs.currentChanged.connect(lambda _index: self.refresh())
        layout.addWidget(self.tabs, 1)
        self.flows = ReviewActions(self)
        self.board.tile_opened.connect(self._open_tile)
        self.items.record_wanted.connect(lambda row: self.open_record(row.id))
        self.exceptions.record_wanted.connect(lambda row: self.open_record(row.item_id))
        self.exceptions.resolve_wanted.connect(self.flows.resolve)
        self.exceptions.override_wanted.connect(self.flows.override)
        self.items.override_wanted.connect(self.flows.override)
        self.operators.action_wanted.connect(self.flows.operator_action)
        back_key = QShortcut(QKeySequence("F6"), self)
        back_key.activated.connect(self.back_requested)
        sign_out_key = QShortcut(QKeySequence("F12"), self)
        sign_out_key.activated.connect(self.sign_out_requested)
        find_key = QShortcut(QKeySequence("Ctrl+F"), self)
        find_key.activated.connect(self.search.setFocus)
        # A scan (or typing) while a tile, a list or a record has the focus goes to the search line, so
        # scanning an LPN anywhere on the desk opens it.
        for typed_into in (self.items.table, self.items.record, self.exceptions.table, self.operators.table):
            typed_into.installEventFilter(self)
        self.board.typed.connect(self._type_into_search)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    # Showing ---------------------------------------------------------------------------------------------
    def start(self, operator: OperatorView) -> None:
        self.operator = operator
        self.banner.clear()
        self.tabs.setCurrentWidget(self.board)
        self.run(lambda: self.desk.start(operator), lambda _started: self.refresh())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self.timer.start()
        self.board.focus_first()
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Reload the open tab (a refresh already running is not doubled)."""
        if not self.isVisible() or self.lane.busy:
            return
        current = self.tabs.currentWidget()
        if current is self.board:
            self.read(self.desk.board, self._show_board)
        elif current is self.items:
            self.read(lambda: self.desk.find_items(self.item_filter), self._show_items)
        elif current is self.exceptions:
            self.read(self.desk.exceptions, self._show_exceptions)
        elif current is self.operators:
            self.read(self.desk.operators, self._show_operators)

    def read(self, fn: Callable[[], Reading], show: Callable[[Any], None]) -> None:
        def shown(reading: Reading) -> None:
            self._show_scope(reading)
            show(reading.value)

        self.lane.run(fn, shown, self.failed)

    def run(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.lane.run(fn, done, self.failed)

    def failed(self, error: BaseException) -> None:
        self.banner.show_message(describe_error(error, "review step failed"), BAD)

    def _show_scope(self, reading: Reading) -> None:
        scope = reading.scope
        self.scope_label.setText(f"Reading: {scope.source}")
        if scope.banner:
            self.banner.show_message(scope.banner, WARN)
        elif self.banner.text().startswith("Central database unreachable"):
            self.banner.clear()

    def _show_board(self, figures: Any) -> None:
        self.board.show_figures(figures)

    def _show_items(self, rows: list[Any]) -> None:
        words = describe_filter(self.item_filter)
        self.items.show_rows(rows, f"{len(rows)} item(s){': ' + words if words else ''}, newest first.")
        if self._focus_list:  # after a search or a tile: arrows move in the list, Enter opens a record
            self._focus_list = False
            self.items.table.setFocus()

    def _show_exceptions(self, rows: list[Any]) -> None:
        self.exceptions.show_rows(rows, self.desk.ctx.clock.now())

    def _show_operators(self, rows: list[Any]) -> None:
        self.operators.show_rows(rows, self.desk.ctx.clock.now())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and is_typing(event):
            self._type_into_search(event.text())
            return True
        return False

    def _type_into_search(self, text: str) -> None:
        self.search.setFocus()
        self.search.insert(text)

    # Finding ----------------------------------------------------------------------------------------------
    def _open_tile(self, tile: Any) -> None:
        if tile is None or tile.filter is None:
            self.banner.show_message(f"{tile.title if tile else 'This tile'}: {tile.definition if tile else ''}",
                                     WARN)
            return
        self.show_items(tile.filter)

    def show_items(self, item_filter: ItemFilter) -> None:
        self.item_filter = item_filter
        self._focus_list = True
        self.tabs.setCurrentWidget(self.items)  # its refresh loads the list
        self.refresh()

    def _search(self) -> None:
        text = self.search.text().strip()
        if not text:
            return
        try:
            wanted = parse_query(text, self.desk.ctx.local_today())
        except ReturnsDeskError as exc:
            self.banner.show_message(str(exc), BAD)
            return
        self.search.clear()
        if wanted != ItemFilter(text=wanted.text):  # filters typed: the list, no single record
            self.show_items(wanted)
            return

        def found(item_id: uuid.UUID | None) -> None:
            self.show_items(wanted)
            if item_id is not None:
                self.open_record(item_id)

        self.run(lambda: self.desk.find_by_code(text), found)

    def open_record(self, item_id: uuid.UUID) -> None:
        self.tabs.setCurrentWidget(self.items)
        self.run(lambda: self.desk.record(item_id), self.items.show_record)
