"""The station's flow: ready → item → (serial) → questions → result → saved → ready.

Every input (scan, typed line, key) goes through one queue: while a database call is out, inputs wait
in order, so nothing the worker does is lost or applied to the wrong step.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime
from enum import Enum, auto
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.domain import checklist as cl
from app.domain.vocab import CATEGORIES, VOID_REASONS, disposition_label
from app.errors import DuplicateUnit, WrongTote
from app.scanning.classify import Problem, Scan, ScanKind
from app.scanning.commands import Command
from app.scanning.wedge import Line
from app.services.desk import Desk
from app.services.finalize import Decision
from app.services.intake import UnknownProduct, template_of
from app.services.totes import Totes, ToteView
from app.services.views import ItemView, OperatorView
from ui.background import BackgroundOps
from ui.errors import describe_error
from ui.feedback import Feedback
from ui.print_worker import PrintWorker
from ui.screens.station_view import StationView
from ui.theme import BAD, GOOD, WARN
from ui.wedge_input import WedgeInput


class Step(Enum):
    READY = auto()
    UNKNOWN = auto()
    SERIAL = auto()
    QUESTION = auto()
    RESULT = auto()
    RESUME = auto()
    VOID = auto()
    TOTES = auto()  # F10: pick an open tote to close


class StationController(QObject):
    item_finalized = Signal(object)  # ItemView
    saved = Signal(object)  # datetime of the last successful write
    sign_out_requested = Signal()
    setup_requested = Signal()  # F2 or the CMD-SETUP barcode: the scanner setup wizard
    print_queue_requested = Signal()  # F9: the print queue

    def __init__(self, view: StationView, desk: Desk, ops: BackgroundOps, wedge: WedgeInput,
                 feedback: Feedback, totes: Totes | None = None, printer: PrintWorker | None = None) -> None:
        super().__init__(view)
        self.totes = totes  # issue 4: tote confirmation and closing
        self.printer = printer  # issue 4: print worker (label preview, wake-up after a finalize)
        self._open_totes: list[ToteView] = []
        self.view = view
        self.desk = desk
        self.ops = ops
        self.wedge = wedge
        self.feedback = feedback
        self.operator: OperatorView | None = None
        self.step = Step.READY
        self.item: ItemView | None = None
        self.decision: Decision | None = None
        self.last_finished: ItemView | None = None
        self.pending_rma: str | None = None
        self._unknown: tuple[Scan, str | None] | None = None  # scan, description
        self._void_reason: str | None = None
        self._cancel_armed = False
        self._inputs: deque[Callable[[], None]] = deque()
        self._waiting = False
        view.key_pressed.connect(self._on_key)
        view.text_field.returnPressed.connect(lambda: self._enqueue(self._text_entered))
        wedge.line_entered.connect(lambda line: self._enqueue(lambda: self._line(line)))
        wedge.single_key.connect(lambda char: self._enqueue(lambda: self._single_key(char)))
        wedge.confirm.connect(lambda: self._enqueue(self._confirm))
        wedge.back.connect(lambda: self._enqueue(self._back))
        wedge.cancel.connect(lambda: self._enqueue(self._cancel))
        wedge.function_key.connect(lambda n: self._enqueue(lambda: self._function_key(n)))
        wedge.buffer_changed.connect(view.show_buffer)
        wedge.attach(view)  # scans reach the station whatever widget of the window has focus

    # Entry points -------------------------------------------------------------------------------------
    def start(self, operator: OperatorView) -> None:
        self.operator = operator
        self.item = None
        self.last_finished = None
        self.pending_rma = None
        self.view.print_panel.hide()
        self._go_ready()
        self.view.setFocus()
        self._call(self.desk.open_draft, self._draft_found, writes=False)

    @property
    def idle(self) -> bool:
        return not self._waiting and not self._inputs

    # Input queue --------------------------------------------------------------------------------------
    def _on_key(self, event: Any) -> None:
        if self.view.text_field.hasFocus():
            return
        self.wedge.handle_key(event)

    def _enqueue(self, action: Callable[[], None]) -> None:
        self._inputs.append(action)
        self._pump()

    def _pump(self) -> None:
        while self._inputs and not self._waiting:
            self._inputs.popleft()()

    def _call(self, fn: Callable[[], Any], on_success: Callable[[Any], None], writes: bool = True,
              on_failure: Callable[[BaseException], None] | None = None) -> None:
        self._waiting = True

        def success(result: Any) -> None:
            self._waiting = False
            if writes:
                self.saved.emit(datetime.now())
            on_success(result)
            self._pump()

        def failure(error: BaseException) -> None:
            self._waiting = False
            (on_failure or self._fail)(error)
            self._pump()

        self.ops.run_db(fn, success, failure, writes=writes)

    def report_problem(self, text: str) -> None:
        """A scanner problem found outside the input queue (a scan cut off by an unplug)."""
        self.feedback.bad()
        self._message(text, BAD)

    def _fail(self, error: BaseException) -> None:
        self.feedback.bad()
        self.view.banner.show_message(describe_error(error), BAD)

    def _message(self, text: str, colour: str = WARN) -> None:
        self.view.banner.show_message(text, colour)

    # Inputs -------------------------------------------------------------------------------------------
    def _line(self, line: Line) -> None:
        self.view.banner.clear()
        text = line.text
        command = self.desk.classify(text)
        if command.kind is ScanKind.COMMAND:  # before disarming Esc: CMD-CANCEL twice cancels like Esc twice
            self._scan_command_or_problem(command)
            return
        self._cancel_armed = False
        question = self._question() if self.step is Step.QUESTION else None
        if question is not None and question.kind == "number":
            if _looks_numeric(text):
                self._answer(text)
                return
        scan = command
        if self.step is Step.SERIAL:
            if scan.problem in (Problem.GS_MISSING, Problem.BAD_GS1, Problem.LAYOUT):
                self._scan_command_or_problem(scan)
            elif scan.kind is ScanKind.RMA:
                self._attach_rma(scan.value)
            elif scan.kind is ScanKind.TOTE:  # the previous item's tote, scanned late: still confirms it
                self._tote_scanned(scan.value)
            elif scan.kind in (ScanKind.LPN, ScanKind.BADGE):
                self.feedback.bad()
                self._message(f"That is a {scan.kind.value.upper()} barcode. Scan the serial number (S/N).", BAD)
            elif scan.kind in (ScanKind.PRODUCT, ScanKind.GS1) and scan.serial:
                self._set_serial(scan.serial)
            elif scan.kind is ScanKind.PRODUCT and scan.gtin:
                self.feedback.bad()
                self._message("That is the product barcode. Scan the serial number (S/N) barcode.", BAD)
            else:
                self._set_serial(text)
            return
        if scan.kind is ScanKind.TOTE:
            self._tote_scanned(scan.value)
            return
        if scan.kind is ScanKind.UNKNOWN:
            self.feedback.bad()
            self._message(scan.message, BAD)
            return
        if scan.kind is ScanKind.RMA:
            if self.item is not None:
                self._attach_rma(scan.value)
            elif self.step is Step.READY:
                self._call(lambda: self.desk.check_rma(scan.value), self._rma_pending, writes=False)
            return
        if scan.kind is ScanKind.BADGE:
            self.feedback.bad()
            self._message("That is a badge. To change operator, press F12 to sign out first.", BAD)
            return
        if self.step is not Step.READY:
            self.feedback.bad()
            self._message("Finish the item on screen first, or press Esc twice to cancel it.", BAD)
            return
        if scan.kind is ScanKind.LPN:
            self._call(lambda: self.desk.find_by_lpn(scan.value), self._lpn_found, writes=False)
            return
        operator, rma = self._operator(), self.pending_rma
        self._call(lambda: self.desk.start_intake(operator, scan, rma), self._intake_started,
                   on_failure=self._intake_failed)

    def _scan_command_or_problem(self, scan: Scan) -> None:
        """A command barcode does what its key does; a GS1 problem is never taken as a serial."""
        if scan.kind is not ScanKind.COMMAND:
            self.feedback.bad()
            self._message(scan.message, BAD)
            return
        actions = {
            Command.NEXT: self._confirm,
            Command.BACK: self._back,
            Command.CANCEL: self._cancel,
            Command.VOID: lambda: self._function_key(8),
            Command.SIGNOUT: lambda: self._function_key(12),
            Command.SETUP: lambda: self._function_key(2),
        }
        actions[Command(scan.value)]()

    def _single_key(self, char: str) -> None:
        self.view.banner.clear()
        if not char.isdigit():
            return
        number = int(char)
        if self.step is Step.QUESTION:
            self._answer(char)
        elif self.step is Step.UNKNOWN and self._unknown is not None and self._unknown[1] is not None:
            categories = list(CATEGORIES)
            if 1 <= number <= len(categories):
                scan, description = self._unknown
                operator, rma = self._operator(), self.pending_rma
                self._call(lambda: self.desk.start_unknown_intake(operator, scan, description or "",
                                                                  categories[number - 1], rma),
                           self._intake_started)
        elif self.step is Step.TOTES and 1 <= number <= len(self._open_totes):
            self._close_tote(self._open_totes[number - 1])
        elif self.step is Step.VOID and self._void_reason is None:
            codes = list(VOID_REASONS)
            if 1 <= number <= len(codes):
                self._void_reason = codes[number - 1]
                if self._void_reason == "other":
                    assert self.last_finished is not None
                    self.view.show_void(self.last_finished, self._void_reason)
                else:
                    self._void("")

    def _text_entered(self) -> None:
        text = self.view.text_field.text().strip()
        if self.step is Step.UNKNOWN and self._unknown is not None and text:
            self._unknown = (self._unknown[0], text)
            self.view.setFocus()
            self.view.show_unknown_capture(self._unknown[0].value, text)
        elif self.step is Step.VOID and self._void_reason == "other" and text:
            self.view.setFocus()
            self._void(text)

    def _confirm(self) -> None:
        if self.step is Step.RESULT and self.item is not None:
            item_id, operator = self.item.id, self._operator()
            self._call(lambda: self.desk.finalize(operator, item_id), self._finalized)
        elif self.step is Step.RESUME and self.item is not None:
            self._show_item(self.item)

    def _back(self) -> None:
        self.view.banner.clear()
        if self.step in (Step.QUESTION, Step.RESULT) and self.item is not None and self.item.answer_order:
            item_id = self.item.id
            self._call(lambda: self.desk.undo_answer(item_id), self._show_item)

    def _cancel(self) -> None:
        if self.step is Step.READY:
            self.pending_rma = None
            self._go_ready()
        elif self.step in (Step.VOID, Step.TOTES):
            self._go_ready()
        elif self.step is Step.UNKNOWN:
            self._unknown = None
            self._go_ready()
        elif self.item is not None and (self._cancel_armed or self.step is Step.RESUME):
            item_id, operator = self.item.id, self._operator()
            self._call(lambda: self.desk.cancel_draft(operator, item_id), lambda _: self._cancelled())
        elif self.item is not None:
            self._cancel_armed = True
            self._message("Press Esc again to cancel this item (its answers are discarded).")

    def _function_key(self, number: int) -> None:
        if number == 2 and self.step in (Step.READY, Step.QUESTION, Step.SERIAL, Step.RESULT, Step.UNKNOWN):
            self.setup_requested.emit()
            return
        if number == 8 and self.step is Step.READY:
            if self.last_finished is None or self.last_finished.status != "final":
                self._message("There is no finished item to void on this screen.")
                return
            self.step = Step.VOID
            self._void_reason = None
            self.view.show_void(self.last_finished, None)
        elif number == 9:
            self.print_queue_requested.emit()
        elif number == 10 and self.step is Step.READY and self.totes is not None:
            self._call(self.totes.open_totes, self._show_totes, writes=False)
        elif number == 12 and self.step in (Step.READY, Step.QUESTION, Step.SERIAL, Step.RESULT):
            # A draft stays saved and is offered back at the next sign-in.
            self.sign_out_requested.emit()

    # Results ------------------------------------------------------------------------------------------
    def _draft_found(self, draft: ItemView | None) -> None:
        if draft is None:
            return
        self.item = draft
        self.step = Step.RESUME
        template = template_of(self.desk.ctx, draft)
        total = len(cl.visible_questions(template, draft.answers))
        self.view.show_item_card(draft, self.desk.ctx.local_today())
        self.view.show_resume(draft, len(draft.answers), total)

    def _rma_pending(self, rma_number: str) -> None:
        self.feedback.good()
        self.pending_rma = rma_number
        self._go_ready()

    def _lpn_found(self, item: ItemView) -> None:
        self.feedback.bad()
        self._message(
            f"{item.lpn} is already graded: {item.description}, grade {item.grade}, "
            f"{disposition_label(item.disposition)} ({item.status}). No new record was made.", WARN)

    def _intake_started(self, result: ItemView | UnknownProduct) -> None:
        if isinstance(result, UnknownProduct):
            self.feedback.bad()
            self.step = Step.UNKNOWN
            self._unknown = (result.scan, None)
            self.view.show_item_card(None, self.desk.ctx.local_today())
            self.view.show_unknown_capture(result.code, None)
            return
        self.feedback.good()
        self.pending_rma = None
        self._unknown = None
        self._show_item(result)

    def _intake_failed(self, error: BaseException) -> None:
        self._fail(error)
        if isinstance(error, DuplicateUnit):
            self.pending_rma = None

    def _attach_rma(self, rma_number: str) -> None:
        assert self.item is not None
        item_id = self.item.id
        self._call(lambda: self.desk.attach_rma(item_id, rma_number), self._rma_attached)

    def _rma_attached(self, item: ItemView) -> None:
        self.feedback.good()
        self._show_item(item)

    def _set_serial(self, serial: str) -> None:
        assert self.item is not None
        item_id = self.item.id
        self._call(lambda: self.desk.set_serial(item_id, serial), self._serial_set)

    def _serial_set(self, item: ItemView) -> None:
        if "serial_mismatch" in item.flags:
            self.feedback.bad()
            self._message("The serial differs from the one on the RMA. Grade the item; it will be held.", BAD)
        else:
            self.feedback.good()
        self._show_item(item)

    def _answer(self, raw: str) -> None:
        question = self._question()
        if question is None or self.item is None:
            return
        try:
            cl.parse_answer(question, raw)
        except ValueError as exc:
            self.feedback.bad()
            self._message(str(exc), BAD)
            return
        item_id = self.item.id
        self._call(lambda: self.desk.answer(item_id, question.id, raw), self._show_item)

    def _finalized(self, item: ItemView) -> None:
        self.feedback.good()
        self.last_finished = item
        self.item = None
        self.decision = None
        self._go_ready()
        self._message(f"Saved {item.lpn}: grade {item.grade} → {disposition_label(item.disposition)}.", GOOD)
        self.item_finalized.emit(item)
        self._show_printing(item)

    def _void(self, note: str) -> None:
        assert self.last_finished is not None and self._void_reason is not None
        item_id, operator, reason = self.last_finished.id, self._operator(), self._void_reason
        self._call(lambda: self.desk.void_item(operator, item_id, reason, note), self._voided,
                   on_failure=self._void_failed)

    def _voided(self, item: ItemView) -> None:
        self.feedback.good()
        self.last_finished = item
        self.view.print_panel.hide()  # its labels are cancelled; it needs no tote
        self._go_ready()
        self._message(f"{item.lpn} voided. Scan the item again to regrade it.", GOOD)

    def _void_failed(self, error: BaseException) -> None:
        self._go_ready()
        self._fail(error)

    def _cancelled(self) -> None:
        self.item = None
        self._go_ready()
        self._message("Item cancelled. Nothing was saved for it.")

    # Rendering ----------------------------------------------------------------------------------------
    def _show_item(self, item: ItemView) -> None:
        self.item = item
        self.view.print_panel.hide()
        self._cancel_armed = False
        today = self.desk.ctx.local_today()
        self.view.show_item_card(item, today)
        self.wedge.single_keys = True
        if item.needs_serial:
            self.step = Step.SERIAL
            self.wedge.single_keys = False
            self.view.show_serial(item)
            return
        template = template_of(self.desk.ctx, item)
        question = cl.next_question(template, item.answers)
        if question is not None:
            self.step = Step.QUESTION
            visible = cl.visible_questions(template, item.answers)
            self.wedge.single_keys = question.kind != "number"
            self.view.show_question(question, visible.index(question) + 1, len(visible))
            return
        item_id = item.id
        self._call(lambda: self.desk.preview(item_id), self._preview_ready, writes=False)

    def _preview_ready(self, decision: Decision) -> None:
        self.step = Step.RESULT
        self.decision = decision
        self.view.show_result(decision)

    def _go_ready(self) -> None:
        self.step = Step.READY
        self.wedge.single_keys = True
        self._void_reason = None
        self.view.show_item_card(None, self.desk.ctx.local_today())
        self.view.show_ready(self.last_finished, self.pending_rma, self._operator().name)
        self.view.setFocus()

    # Printing and totes (issue 4) ---------------------------------------------------------------------
    def _show_printing(self, item: ItemView) -> None:
        """The label preview and the tote to use; the screen is already ready for the next scan."""
        self.view.print_panel.show_item(item.lpn)
        if self.printer is not None:
            self.printer.kick()
            self.printer.render_preview(item.id, self._preview_rendered(item))
        if self.totes is not None:
            totes = self.totes
            self._call(lambda: totes.tote_of_item(item.id), self.view.print_panel.show_tote, writes=False)

    def _preview_rendered(self, item: ItemView) -> Callable[[bytes | None], None]:
        def show(png: bytes | None) -> None:
            if self.last_finished is not None and self.last_finished.id == item.id:  # not a newer item's
                self.view.print_panel.show_preview(png)

        return show

    def _tote_scanned(self, code: str) -> None:
        # Any time until the next save: the worker may drop the last item in while grading the next one.
        item = self.last_finished
        if self.totes is None or item is None or item.status != "final" or self.view.print_panel.state == "none":
            self.feedback.bad()
            self._message("No item is waiting for a tote. Scan the next item.", BAD)
            return
        totes, operator = self.totes, self._operator()
        self._call(lambda: totes.confirm(operator, item.id, code), self._tote_confirmed,
                   on_failure=self._tote_refused)

    def _tote_confirmed(self, tote: ToteView) -> None:
        self.feedback.good()
        self.view.print_panel.tote_confirmed(tote)
        lpn = self.last_finished.lpn if self.last_finished else ""
        self._message(f"{lpn} is in tote {tote.code}." + (" Scan the next item." if self.step is Step.READY else ""),
                      GOOD)

    def _tote_refused(self, error: BaseException) -> None:
        self._fail(error)
        if isinstance(error, WrongTote):
            self.view.print_panel.tote_wrong(str(error))

    def _show_totes(self, totes: list[ToteView]) -> None:
        self.step = Step.TOTES
        self._open_totes = totes
        self.view.show_totes(totes)

    def _close_tote(self, tote: ToteView) -> None:
        assert self.totes is not None
        totes, operator = self.totes, self._operator()
        self._call(lambda: totes.close(operator, tote.code), self._tote_closed, on_failure=self._void_failed)

    def _tote_closed(self, result: tuple[ToteView, ToteView]) -> None:
        closed, opened = result
        self.feedback.good()
        if self.printer is not None:
            self.printer.kick()
        self._go_ready()
        self._message(f"Closed {closed.code} ({closed.items} items): its manifest is printing. "
                      f"The next {disposition_label(closed.disposition)} tote is {opened.code}.", GOOD)

    def _question(self) -> cl.Question | None:
        if self.item is None:
            return None
        return cl.next_question(template_of(self.desk.ctx, self.item), self.item.answers)

    def _operator(self) -> OperatorView:
        assert self.operator is not None, "signed in"
        return self.operator


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return len(text) <= 8
