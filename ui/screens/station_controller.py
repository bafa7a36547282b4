"""The station screen's adapter: forwards every input to the core flow (app/station), runs the service
calls it asks for on the database thread, feeds their results back, and renders the state it returns.

No rule of the dock lives here: what a scan or key means at each step is decided in app/station.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent

from app.domain import checklist as cl
from app.scanning.wedge import Line
from app.services.desk import Desk
from app.services.views import ItemView, OperatorView
from app.station.actions import Action, Beep, ItemSaved, LogError, Notice, Notify, Request, WakePrinter
from app.station.inputs import (
    DigitPressed,
    Done,
    Failed,
    FunctionKey,
    Input,
    Key,
    KeyPressed,
    LineEntered,
    ScannerProblem,
    SignedIn,
    TextEntered,
)
from app.station.lines import Patterns
from app.station.machine import StationFlow
from app.station.state import TEXT_STEPS, StationState, Step
from ui.background import BackgroundOps
from ui.errors import log_failure
from ui.feedback import Feedback
from ui.print_worker import PrintWorker
from ui.screens.station_view import StationView
from ui.wedge_input import WedgeInput

log = logging.getLogger("returns_desk.station")

__all__ = ["StationController", "Step"]

_TEXT_FIELD_KEYS = {Qt.Key.Key_Escape: Key.ESC}


class StationController(QObject):
    item_finalized = Signal(object)  # ItemView
    saved = Signal(object)  # datetime of the last successful write
    sign_out_requested = Signal()
    setup_requested = Signal()  # F2 or the CMD-SETUP barcode: the scanner setup wizard
    print_queue_requested = Signal()  # F9: the print queue
    board_requested = Signal()  # F6: the supervisor's board (supervisors and admins)

    def __init__(self, view: StationView, desk: Desk, ops: BackgroundOps, wedge: WedgeInput,
                 feedback: Feedback, printer: PrintWorker | None = None) -> None:
        super().__init__(view)
        self.view = view
        self.desk = desk
        self.ops = ops
        self.wedge = wedge
        self.feedback = feedback
        self.printer = printer
        self.flow = StationFlow(Patterns(desk.ctx.rma_pattern, desk.ctx.badge_pattern))
        self.state = StationState()
        self._today: Callable[[], date] = desk.ctx.local_today
        view.key_pressed.connect(self._on_key)
        view.text_field.returnPressed.connect(self._text_entered)
        view.text_field.installEventFilter(self)  # Esc and F-keys also work while typing free text
        wedge.line_entered.connect(lambda line: self.feed(LineEntered(line.text, line.is_burst)))
        wedge.single_key.connect(self._single_key)
        wedge.confirm.connect(lambda: self.feed(KeyPressed(Key.ENTER)))
        wedge.back.connect(lambda: self.feed(KeyPressed(Key.BACKSPACE)))
        wedge.cancel.connect(lambda: self.feed(KeyPressed(Key.ESC)))
        wedge.function_key.connect(lambda n: self.feed(FunctionKey(n)))
        wedge.buffer_changed.connect(view.show_buffer)
        wedge.attach(view)  # scans reach the station whatever widget of the window has focus

    # What tests and the window read --------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return self.state.step

    @property
    def item(self) -> ItemView | None:
        return self.state.item

    @property
    def operator(self) -> OperatorView | None:
        return self.state.operator

    @property
    def idle(self) -> bool:
        return self.state.idle

    def question(self) -> cl.Question | None:
        return self.state.question

    # Inputs ---------------------------------------------------------------------------------------------
    def start(self, operator: OperatorView) -> None:
        self.feed(SignedIn(operator))

    def report_problem(self, text: str) -> None:
        """A scanner problem found outside the input queue (a scan cut off by an unplug)."""
        self.feed(ScannerProblem(text))

    def feed_line(self, line: Line) -> None:
        self.feed(LineEntered(line.text, line.is_burst))

    def feed(self, event: Input) -> None:
        before = self.state
        self.state, actions = self.flow.feed(self.state, event)
        if self.state != before:
            self._render(before)
        for action in actions:
            self._run(action)

    def _on_key(self, event: QKeyEvent) -> None:
        if not self.view.text_field.hasFocus():
            self.wedge.handle_key(event)

    def _single_key(self, char: str) -> None:
        if char.isdigit():
            self.feed(DigitPressed(int(char)))

    def _text_entered(self) -> None:
        text = self.view.text_field.text()
        self.view.text_field.clear()
        self.feed(TextEntered(text))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.view.text_field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in _TEXT_FIELD_KEYS:
                self.feed(KeyPressed(_TEXT_FIELD_KEYS[Qt.Key(key)]))
                return True
            if Qt.Key.Key_F1 <= key <= Qt.Key.Key_F12:
                self.feed(FunctionKey(key - Qt.Key.Key_F1 + 1))
                return True
        return False

    # Actions --------------------------------------------------------------------------------------------
    def _run(self, action: Action) -> None:
        if isinstance(action, Request):
            self._call(action)
        elif isinstance(action, Beep):
            self.feedback.good() if action.good else self.feedback.bad()
        elif isinstance(action, Notify):
            self._notify(action.notice)
        elif isinstance(action, ItemSaved):
            self._item_saved(action.item)
        elif isinstance(action, WakePrinter) and self.printer is not None:
            self.printer.kick()
        elif isinstance(action, LogError):
            log_failure(log, "station error", action.error)

    def _call(self, request: Request) -> None:
        method: Callable[..., Any] = getattr(self.desk, request.op.value)

        def succeeded(value: Any) -> None:
            if request.writes:
                self.saved.emit(datetime.now())
            self.feed(Done(request, value))

        def failed(error: BaseException) -> None:
            log_failure(log, f"{request.op.value} failed", error)  # a bug here is logged with its traceback
            self.feed(Failed(request, error))

        self.ops.run_db(lambda: method(*request.args), succeeded, failed, writes=request.writes)

    def _notify(self, notice: Notice) -> None:
        signals = {Notice.SIGN_OUT: self.sign_out_requested, Notice.SETUP: self.setup_requested,
                   Notice.PRINT_QUEUE: self.print_queue_requested, Notice.BOARD: self.board_requested}
        signals[notice].emit()

    def _item_saved(self, item: ItemView) -> None:
        self.item_finalized.emit(item)
        if self.printer is not None:
            self.printer.kick()
            self.printer.render_preview(item.id, lambda png: self._preview_rendered(item, png))

    def _preview_rendered(self, item: ItemView, png: bytes | None) -> None:
        panel = self.state.panel
        if panel is not None and panel.item.id == item.id:  # not a newer item's
            self.view.print_panel.show_preview(png)

    # Rendering ------------------------------------------------------------------------------------------
    def _render(self, before: StationState) -> None:
        state = self.state
        self.wedge.single_keys = state.digits_answer
        self.view.show_state(state, self._today())
        # Focus moves only into and out of the free-text field; a scan never moves the worker's focus.
        if state.step in TEXT_STEPS:
            self.view.text_field.setFocus()
        elif before.step in TEXT_STEPS or before.operator != state.operator:
            self.view.setFocus()
