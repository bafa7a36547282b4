"""The station screen's layout: item card on top, the current step in the middle, the scan field below.

Layout and rendering only: `render(state, today)` draws what the core's StationState says. Each part is
redrawn only when what it shows changed, so a message or a key does not rebuild the whole screen.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain import checklist as cl
from app.domain.status import ItemStatus
from app.domain.vocab import DISPOSITION_LABELS, GRADE_LABELS, Disposition, Grade, disposition_label
from app.services.views import ItemView
from app.station.card import item_card
from app.station.state import StationState, Step, Tone
from ui.print_panel import PrintPanel
from ui.theme import BAD, GOOD, GRADE_COLOURS, WARN
from ui.widgets import Banner, ElideText, FlowLayout, card, clear_layout, label, scroll_area

SHORT_LIST = 4  # up to this many options in one column at full size; more in two columns, smaller
TONE_COLOURS = {Tone.GOOD: GOOD, Tone.INFO: WARN, Tone.BAD: BAD}
KEYS_READY = ("Scan an item · scan the RMA label first if there is one · F7 flag for a supervisor · F8 void · "
              "F9 print queue · F10 close a tote · F12 sign out")


class StationView(QFrame):
    """Receives every key while it is shown (children never take focus) and hands it to `key_pressed`."""

    key_pressed = Signal(object)  # QKeyEvent

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("flashFrame")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 16, 24, 12)
        root.setSpacing(10)
        self.banner = Banner()
        root.addWidget(self.banner)
        # The item, the step and the print panel scroll together if they ever hold more than the window: the
        # banner, the scan line and the keys stay in view and the window never grows (it did with F10).
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.setSpacing(12)
        self.item_card, self._card_layout = card()
        body_layout.addWidget(self.item_card)
        self.step = QWidget()
        self._step_layout = QVBoxLayout(self.step)
        self._step_layout.setContentsMargins(0, 0, 0, 0)
        self._step_layout.setSpacing(10)
        body_layout.addWidget(self.step)
        self.text_field = QLineEdit()  # only for free text (item description, void or flag note), under its question
        self.text_field.setMaxLength(200)
        # Keys go straight to it (no scan capture): only free text is asked here, and a person types it.
        self.text_field.setProperty("scannerRaw", True)
        self.text_field.hide()
        body_layout.addWidget(self.text_field)
        self.print_panel = PrintPanel()  # after a save: the label as printed and the tote to use
        body_layout.addWidget(self.print_panel)
        body_layout.addStretch(1)
        self.body = scroll_area(body)
        root.addWidget(self.body, 1)
        self.scan_field = label("", "scanField", wrap=False)
        # A long typed line shows its end ("…" in front) and never widens the window.
        self._elide_front = ElideText(self, Qt.TextElideMode.ElideLeft)
        self._elide_front.watch(self.scan_field)
        self.scan_field.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        root.addWidget(self.scan_field)
        self.keys_hint = label("", "hint")
        root.addWidget(self.keys_hint)
        self._shown: dict[str, Any] = {}
        self.show_buffer("")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        self.key_pressed.emit(event)

    def show_buffer(self, text: str) -> None:
        shown = text.replace("\x1d", "⟨GS⟩")
        self.scan_field.setText(shown if shown else "▍ Scan or type…")

    # The whole screen from the state ---------------------------------------------------------------
    def show_state(self, state: StationState, today: date) -> None:
        self._part("banner", state.message, self._render_banner)
        self._part("card", (state.item, today), lambda _: self._render_card(state.item, today))
        self._part("step", _step_key(state), lambda _: self._render_step(state))
        # The label and tote of the last save show at Ready; the next item takes the room (its tote scan still
        # confirms the last one).
        self._part("panel", state.panel if state.step is Step.READY else None, self.print_panel.show_panel)

    def _part(self, name: str, key: object, draw: Any) -> None:
        if name in self._shown and self._shown[name] == key:
            return
        self._shown[name] = key
        draw(key)

    def _render_banner(self, message: Any) -> None:
        if message is None:
            self.banner.clear()
        else:
            self.banner.show_message(message.text, TONE_COLOURS[message.tone])

    def _render_card(self, item: ItemView | None, today: date) -> None:
        clear_layout(self._card_layout)
        if item is None:
            self.item_card.hide()
            return
        shown = item_card(item, today)
        self.item_card.show()
        add = self._card_layout.addWidget
        add(label(shown.title, "prompt"))
        add(label(shown.subtitle, "subtitle"))
        for line in shown.lines:
            add(label(line, "reason"))
        if shown.flags:
            chips = FlowLayout()  # as many rows as the chips need: a narrow window never cuts one off
            for chip in shown.flags:
                chips.addWidget(label(chip.text, "badflag" if chip.serious else "flag", wrap=False))
            self._card_layout.addLayout(chips)

    def _render_step(self, state: StationState) -> None:
        _STEPS[state.step](self, state)

    def _reset_step(self, keys: str) -> QVBoxLayout:
        clear_layout(self._step_layout)
        self.text_field.hide()
        self.keys_hint.setText(keys)
        return self._step_layout

    # Steps --------------------------------------------------------------------------------------------
    def show_ready(self, state: StationState) -> None:
        layout = self._reset_step(KEYS_READY)
        name = state.operator.name if state.operator else ""
        layout.addWidget(label(f"Ready, {name}. Scan the next item.", "question"))
        if state.pending_rma:
            layout.addWidget(label(f"RMA {state.pending_rma} scanned: now scan the item. (Esc forgets the RMA.)",
                                   "prompt"))
        last = state.looked_up or state.last_saved
        if last is not None and last.status == ItemStatus.FINAL:
            frame, inner = card()
            head = "Looked up" if last is state.looked_up else "Done"
            inner.addWidget(label(f"{head}: {last.lpn} · {last.description}", "reason"))
            inner.addWidget(label(f"Grade {last.grade} → {disposition_label(last.disposition)}", "prompt"))
            inner.addWidget(label("Wrong? Press F8 to void it. Unsure? F7 asks a supervisor to look at it.", "hint"))
            layout.addWidget(frame)
        elif last is not None and last.status == ItemStatus.VOIDED:
            layout.addWidget(label(f"Voided: {last.lpn} ({last.void_reason}). Scan its LPN or the product again "
                                   "to regrade it.", "reason"))
        layout.addStretch(1)

    def show_describe(self, state: StationState) -> None:
        code = state.unknown_scan.value if state.unknown_scan else ""
        layout = self._reset_step("Type a short description, then Enter · Esc cancels")
        layout.addWidget(label(f"{code} is not in the catalog.", "question"))
        layout.addWidget(label("Describe the item in a few words (brand, what it is, colour):", "prompt"))
        self._ask_text("e.g. black wireless earbuds, no box")
        layout.addStretch(1)

    def show_choices(self, state: StationState) -> None:
        titles = {
            Step.CATEGORY: (f"“{state.unknown_description}”: which category?",
                            "Press the number of the category · Esc cancels"),
            Step.VOID_REASON: (f"Void {state.void_target.lpn if state.void_target else ''} "
                               f"({state.void_target.description if state.void_target else ''})? Why:",
                               "Press the number of the reason · Esc = keep the item"),
            Step.TOTES: ("Close a tote" if state.choices else "No tote is open at this station",
                         "Press the number of the tote (or scan it) to close it and print its manifest · Esc = back"),
        }
        title, keys = titles[state.step]
        layout = self._reset_step(keys)
        layout.addWidget(label(title, "question"))
        texts = [f"{choice.key}   {choice.label}" for choice in state.choices]
        layout.addLayout(_option_grid(texts, columns=1 if len(texts) <= SHORT_LIST else 2))
        layout.addStretch(1)

    def show_void_note(self, state: StationState) -> None:
        lpn = state.void_target.lpn if state.void_target else ""
        layout = self._reset_step("Type why, then Enter · Backspace on an empty field = other reason · "
                                  "Esc = keep the item")
        layout.addWidget(label(f"Void {lpn}: say why in a few words", "question"))
        self._ask_text("reason")
        layout.addStretch(1)

    def show_flag_note(self, state: StationState) -> None:
        target = state.flag_target
        lpn = f"{target.lpn} ({target.description})" if target else ""
        layout = self._reset_step("Type why, then Enter · the item goes to the supervisor's exceptions queue · "
                                  "Esc = cancel")
        layout.addWidget(label("Why should a supervisor look at it?", "question"))
        layout.addWidget(label(f"Flag {lpn}: say in a few words what is odd", "prompt"))
        self._ask_text("e.g. box smells of smoke, seal looks re-glued")
        layout.addStretch(1)

    def show_serial(self, state: StationState) -> None:
        item = state.item
        assert item is not None
        layout = self._reset_step("Scan or type the serial number, then Enter · Esc cancels the item")
        layout.addWidget(label("Scan the serial number", "question"))
        expected = item.rma_line.expected_serial if item.rma_line else None
        layout.addWidget(label(
            f"The RMA expects serial {expected}." if expected else "It is on the back, the box or under the battery.",
            "prompt"))
        layout.addStretch(1)

    def show_question(self, state: StationState) -> None:
        item, question = state.item, state.question
        assert item is not None and question is not None
        number, total = item.progress
        keys = "Press the number of the answer" if question.kind != "number" else "Type the number, then Enter"
        layout = self._reset_step(f"{keys} · 0 = nothing else wrong · Backspace = back one question · "
                                  "Esc = cancel item")
        progress = QProgressBar()
        progress.setRange(0, max(total, 1))
        progress.setValue(number - 1)
        progress.setTextVisible(False)
        where = QHBoxLayout()  # one line for both: the room goes to the answers
        where.addWidget(label(f"Question {number} of {total}", "hint", wrap=False))
        where.addWidget(progress, 1)
        layout.addLayout(where)
        layout.addWidget(label(question.text, "question"))
        if question.help:
            layout.addWidget(label(question.help, "hint"))
        if question.kind == "number":
            layout.addWidget(label(_number_prompt(question), "prompt"))
        else:
            layout.addLayout(_option_grid([f"{o.key}   {o.label}" for o in question.options], columns=2))
        layout.addStretch(1)

    def show_result(self, state: StationState) -> None:
        item = state.item
        assert item is not None and item.grade is not None and item.disposition is not None
        layout = self._reset_step("Enter = confirm and save · Backspace = change the last answer · Esc = cancel")
        head = QHBoxLayout()
        chip = label(item.grade if item.grade != "Salvage" else "S", "grade", wrap=False)
        chip.setStyleSheet(f"background: {GRADE_COLOURS.get(item.grade, '#444')};")
        head.addWidget(chip)
        words = QVBoxLayout()
        words.addWidget(label(GRADE_LABELS[Grade(item.grade)], "prompt"))
        words.addWidget(label("→ " + DISPOSITION_LABELS[Disposition(item.disposition)], "disposition"))
        head.addLayout(words, 1)
        layout.addLayout(head)
        layout.addWidget(label("Why:", "prompt"))
        for rule in (*item.grade_rules, *item.disposition_rules):
            layout.addWidget(label("•  " + rule.why, "reason"))
        if item.auto_answered:
            layout.addWidget(label(f"{len(item.auto_answered)} question(s) answered “nothing else wrong”.", "hint"))
        layout.addStretch(1)

    def show_resume(self, state: StationState) -> None:
        item = state.item
        assert item is not None
        layout = self._reset_step("Enter = continue where it was · Esc = discard it")
        layout.addWidget(label("An unfinished item was found on this station", "question"))
        started = item.created_at.astimezone().strftime("%H:%M")
        layout.addWidget(label(f"{item.description}: {len(item.answers)} question(s) answered, started {started}.",
                               "prompt"))
        layout.addStretch(1)

    def _ask_text(self, placeholder: str) -> None:
        self.text_field.clear()
        self.text_field.setPlaceholderText(placeholder)
        self.text_field.show()
        self.text_field.setFocus()


def _step_key(state: StationState) -> tuple[object, ...]:
    """What the middle of the screen depends on: redraw it only when one of these changed."""
    return (state.step, state.item, state.choices, state.pending_rma, state.last_saved, state.looked_up,
            state.unknown_scan, state.unknown_description, state.void_target, state.flag_target, state.operator)


def _option_grid(texts: list[str], columns: int) -> QGridLayout:
    """Options numbered down the columns; a long list (up to 9) in smaller type, so it fits 1024×768."""
    grid = QGridLayout()
    grid.setSpacing(10 if len(texts) <= SHORT_LIST else 6)
    rows = -(-len(texts) // columns)
    name = "option" if len(texts) <= SHORT_LIST else "optionSmall"
    for n, text in enumerate(texts):
        grid.addWidget(label(text, name), n % rows, n // rows)
    for column in range(columns):
        grid.setColumnStretch(column, 1)
    return grid


def _number_prompt(question: cl.Question) -> str:
    bounds = [f"{v:g}" for v in (question.minimum, question.maximum) if v is not None]
    span = f" ({' to '.join(bounds)}{' ' + question.unit if question.unit else ''})" if bounds else ""
    return f"Type a number{span} and press Enter"


_STEPS = {
    Step.READY: StationView.show_ready,
    Step.DESCRIBE: StationView.show_describe,
    Step.CATEGORY: StationView.show_choices,
    Step.VOID_REASON: StationView.show_choices,
    Step.TOTES: StationView.show_choices,
    Step.VOID_NOTE: StationView.show_void_note,
    Step.FLAG_NOTE: StationView.show_flag_note,
    Step.SERIAL: StationView.show_serial,
    Step.QUESTION: StationView.show_question,
    Step.RESULT: StationView.show_result,
    Step.RESUME: StationView.show_resume,
}
