"""The station screen's layout: item card on top, the current step in the middle, the scan field below.

Layout and rendering only: `render(state, today)` draws what the core's StationState says. Each part is
redrawn only when what it shows changed, so a message or a key does not rebuild the whole screen. The parts
drawn for every item (the card, Ready, each question, the result) keep their widgets and change their texts in
place: a new word-wrapped label costs a style-sheet polish, a relayout and a deferred delete, several per answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
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
from app.station.card import FlagChip, ItemCard, item_card
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
    resized = Signal()  # the flash border follows the screen's size (ui/feedback.py)

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
        self.item_card = _CardPart()
        self.item_card.hide()
        body_layout.addWidget(self.item_card)
        self.step = QWidget()
        steps = QVBoxLayout(self.step)
        steps.setContentsMargins(0, 0, 0, 0)
        # One of these shows at a time: the rarer steps are built in `_other` when shown; the three drawn for
        # every item keep their widgets.
        self._other, self._step_layout = _panel()
        self._ready, self._question, self._result = _ReadyPart(), _QuestionPart(), _ResultPart()
        self._panels = (self._other, self._ready, self._question, self._result)
        for panel in self._panels:
            panel.hide()
            steps.addWidget(panel)
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
        self.scan_field.setIndent(0)  # its text where the elide filter draws it, so a line that fits paints in C++
        self.scan_field.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        root.addWidget(self.scan_field)
        self.keys_hint = label("", "hint")
        root.addWidget(self.keys_hint)
        self._shown: dict[str, Any] = {}
        self.show_buffer("")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        self.key_pressed.emit(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.resized.emit()

    def show_buffer(self, text: str) -> None:
        shown = text.replace("\x1d", "⟨GS⟩")
        self.scan_field.setText(shown if shown else "▍ Scan or type…")

    # The whole screen from the state ---------------------------------------------------------------
    def show_state(self, state: StationState, today: date) -> None:
        self._part("banner", state.message, self._render_banner)
        # Keyed by the card's words, not the item: an answer changes the item, rarely its card.
        self._part("card", item_card(state.item, today) if state.item is not None else None,
                   self.item_card.show_card)
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

    def _render_step(self, state: StationState) -> None:
        _STEPS[state.step](self, state)

    def _reset_step(self, keys: str) -> QVBoxLayout:
        """The rarer steps: `_other`, emptied, for the step to fill."""
        clear_layout(self._step_layout)
        self._switch(self._other, keys)
        return self._step_layout

    def _switch(self, panel: QWidget, keys: str) -> None:
        self.text_field.hide()
        self.keys_hint.setText(keys)
        for other in self._panels:
            if other is not panel:
                other.hide()
        panel.show()

    # Steps --------------------------------------------------------------------------------------------
    def show_ready(self, state: StationState) -> None:
        self._switch(self._ready, KEYS_READY)
        self._ready.show_state(state)

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
        keys = "Press the number of the answer" if question.kind != "number" else "Type the number, then Enter"
        self._switch(self._question, f"{keys} · 0 = nothing else wrong · Backspace = back one question · "
                                     "Esc = cancel item")
        self._question.show_question(item.progress, question)

    def show_result(self, state: StationState) -> None:
        item = state.item
        assert item is not None and item.grade is not None and item.disposition is not None
        self._switch(self._result, "Enter = confirm and save · Backspace = change the last answer · Esc = cancel")
        self._result.show_item(item)

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


def _panel() -> tuple[QWidget, QVBoxLayout]:
    return _panel_of(QWidget())


class _Lines:
    """A run of labels in a box layout from `start` on, reused: one shown per text, the rest hidden."""

    def __init__(self, layout: QBoxLayout, start: int, name: str) -> None:
        self._layout, self._start, self._name = layout, start, name
        self.labels: list[QLabel] = []

    def show_texts(self, texts: Sequence[str]) -> None:
        for n, text in enumerate(texts):
            if n == len(self.labels):
                self.labels.append(label("", self._name))
                self._layout.insertWidget(self._start + n, self.labels[n])
            self.labels[n].setText(text)
            self.labels[n].show()
        for extra in self.labels[len(texts):]:
            extra.hide()


class _CardPart(QFrame):
    """The item card: title, subtitle, the lines that say something, and the flag chips."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 14, 22, 14)
        layout.setSpacing(4)
        self.title, self.subtitle = label("", "prompt"), label("", "subtitle")
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        self._lines = _Lines(layout, 2, "reason")
        self._chips = FlowLayout()  # as many rows as the chips need: a narrow window never cuts one off
        layout.addLayout(self._chips)
        self._flags: tuple[FlagChip, ...] = ()

    def show_card(self, shown: ItemCard | None) -> None:
        if shown is None:
            self.hide()
            return
        self.title.setText(shown.title)
        self.subtitle.setText(shown.subtitle)
        self._lines.show_texts(shown.lines)
        if shown.flags != self._flags:  # chips change colour by name: made again, only when they change
            self._flags = shown.flags
            clear_layout(self._chips)
            for chip in shown.flags:
                self._chips.addWidget(label(chip.text, "badflag" if chip.serious else "flag", wrap=False))
        self.show()


class _ReadyPart(QWidget):
    """Ready: who is signed in, an RMA waiting for its item, and the last item saved or looked up."""

    def __init__(self) -> None:
        super().__init__()
        _, layout = _panel_of(self)
        self.ready, self.rma = label("", "question"), label("", "prompt")
        self.last, inner = card()
        self.last_line, self.last_grade = label("", "reason"), label("", "prompt")
        for line in (self.last_line, self.last_grade,
                     label("Wrong? Press F8 to void it. Unsure? F7 asks a supervisor to look at it.", "hint")):
            inner.addWidget(line)
        self.voided = label("", "reason")
        for widget in (self.ready, self.rma, self.last, self.voided):
            layout.addWidget(widget)
        layout.addStretch(1)

    def show_state(self, state: StationState) -> None:
        name = state.operator.name if state.operator else ""
        self.ready.setText(f"Ready, {name}. Scan the next item.")
        self.rma.setText(f"RMA {state.pending_rma} scanned: now scan the item. (Esc forgets the RMA.)"
                         if state.pending_rma else "")
        self.rma.setVisible(bool(state.pending_rma))
        last = state.looked_up or state.last_saved
        final = last is not None and last.status == ItemStatus.FINAL
        voided = last is not None and last.status == ItemStatus.VOIDED
        if last is not None and final:
            head = "Looked up" if last is state.looked_up else "Done"
            self.last_line.setText(f"{head}: {last.lpn} · {last.description}")
            self.last_grade.setText(f"Grade {last.grade} → {disposition_label(last.disposition)}")
        if last is not None and voided:
            self.voided.setText(f"Voided: {last.lpn} ({last.void_reason}). Scan its LPN or the product again "
                                "to regrade it.")
        self.last.setVisible(final)
        self.voided.setVisible(voided)


class _QuestionPart(QWidget):
    """One checklist question: where in the list, the question, its help, and the answers or a number."""

    def __init__(self) -> None:
        super().__init__()
        _, self._layout = _panel_of(self)
        self.where = label("", "hint", wrap=False)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        where = QHBoxLayout()  # one line for both: the room goes to the answers
        where.addWidget(self.where)
        where.addWidget(self.progress, 1)
        self._layout.addLayout(where)
        self.text, self.help, self.prompt = label("", "question"), label("", "hint"), label("", "prompt")
        for widget in (self.text, self.help, self.prompt):
            self._layout.addWidget(widget)
        self._grid = QGridLayout()
        self._layout.addLayout(self._grid)
        self._layout.addStretch(1)
        self._options: dict[str, list[QLabel]] = {"option": [], "optionSmall": []}

    def show_question(self, progress: tuple[int, int], question: cl.Question) -> None:
        number, total = progress
        # A progress bar repaints itself at once on a new value (inside this render); with updates off it is
        # painted with the rest of the screen, once.
        self.progress.setUpdatesEnabled(False)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(number - 1)
        self.progress.setUpdatesEnabled(True)
        self.where.setText(f"Question {number} of {total}")
        self.text.setText(question.text)
        self.help.setText(question.help or "")
        self.help.setVisible(bool(question.help))
        number_kind = question.kind == "number"
        self.prompt.setText(_number_prompt(question) if number_kind else "")
        self.prompt.setVisible(number_kind)
        self._show_options([] if number_kind else [f"{o.key}   {o.label}" for o in question.options])

    def _show_options(self, texts: list[str]) -> None:
        """The answers in a new grid (a layout is cheap) of reused labels (a label is not)."""
        for pool in self._options.values():
            for widget in pool:
                self._grid.removeWidget(widget)
        self._layout.removeItem(self._grid)
        self._grid.setParent(None)  # freed with its last reference
        used: list[QLabel] = []
        self._grid = _option_grid(texts, columns=2, make=lambda text, name, n: self._option_label(text, name, n, used))
        self._layout.insertLayout(4, self._grid)
        for pool in self._options.values():
            for widget in pool:
                widget.setVisible(widget in used)  # a label already shown stays shown: no hide-show round trip

    def _option_label(self, text: str, name: str, n: int, used: list[QLabel]) -> QLabel:
        pool = self._options[name]
        if n == len(pool):
            pool.append(label("", name))
            pool[n].setParent(self)  # a child from the start: a parentless widget shown would be a window
        pool[n].setText(text)
        used.append(pool[n])
        return pool[n]


class _ResultPart(QWidget):
    """The result: the grade chip, grade and disposition in words, and why."""

    def __init__(self) -> None:
        super().__init__()
        _, layout = _panel_of(self)
        head = QHBoxLayout()
        self.chip = label("", "grade", wrap=False)
        self._chip_colour = ""
        head.addWidget(self.chip)
        words = QVBoxLayout()
        self.grade, self.disposition = label("", "prompt"), label("", "disposition")
        words.addWidget(self.grade)
        words.addWidget(self.disposition)
        head.addLayout(words, 1)
        layout.addLayout(head)
        layout.addWidget(label("Why:", "prompt"))
        self._rules = _Lines(layout, 2, "reason")
        self.auto = label("", "hint")
        layout.addWidget(self.auto)
        layout.addStretch(1)

    def show_item(self, item: ItemView) -> None:
        assert item.grade is not None and item.disposition is not None
        self.chip.setText(item.grade if item.grade != "Salvage" else "S")
        colour = GRADE_COLOURS.get(item.grade, "#444")
        if colour != self._chip_colour:  # a style sheet re-polishes the chip: only when its colour changes
            self._chip_colour = colour
            self.chip.setStyleSheet(f"background: {colour};")
        self.grade.setText(GRADE_LABELS[Grade(item.grade)])
        self.disposition.setText("→ " + DISPOSITION_LABELS[Disposition(item.disposition)])
        self._rules.show_texts(["•  " + rule.why for rule in (*item.grade_rules, *item.disposition_rules)])
        auto = len(item.auto_answered)
        self.auto.setText(f"{auto} question(s) answered “nothing else wrong”." if auto else "")
        self.auto.setVisible(bool(auto))


def _panel_of(widget: QWidget) -> tuple[QWidget, QVBoxLayout]:
    """A step's area: what the step shows, top down, spaced as the screen is."""
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(10)
    return widget, layout


def _step_key(state: StationState) -> tuple[object, ...]:
    """What the middle of the screen depends on: redraw it only when one of these changed."""
    return (state.step, state.item, state.choices, state.pending_rma, state.last_saved, state.looked_up,
            state.unknown_scan, state.unknown_description, state.void_target, state.flag_target, state.operator)


def _option_grid(texts: list[str], columns: int,
                 make: Callable[[str, str, int], QLabel] = lambda text, name, _n: label(text, name)) -> QGridLayout:
    """Options numbered down the columns; a long list (up to 9) in smaller type, so it fits 1024×768."""
    grid = QGridLayout()
    grid.setSpacing(10 if len(texts) <= SHORT_LIST else 6)
    rows = -(-len(texts) // columns)
    name = "option" if len(texts) <= SHORT_LIST else "optionSmall"
    for n, text in enumerate(texts):
        grid.addWidget(make(text, name, n), n % rows, n // rows)
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
