"""A whole line (scanner burst or typed + Enter) and free text, at every step.

Each line is classified once; then the step decides what it means. A command barcode does what its key
does on every screen, the free-text field included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from app.domain.serials import serial_problem
from app.domain.status import ItemStatus
from app.scanning.classify import Problem, Scan, ScanKind, classify_scan
from app.scanning.commands import Command
from app.station import keys, screens
from app.station.actions import Action, Beep, Op, Request
from app.station.inputs import Key
from app.station.state import StationState, Step, Tone

Outcome = tuple[StationState, list[Action]]


@dataclass(frozen=True)
class Patterns:
    """The site's code patterns (settings), so a line is classified the same way everywhere."""

    rma: str = r"^RMA\d{6,}$"
    badge: str = r"^B\d{4,}$"

    def classify(self, text: str) -> Scan:
        return classify_scan(text, self.rma, self.badge)


def line(state: StationState, text: str, patterns: Patterns) -> Outcome:
    scan = patterns.classify(text)
    if scan.kind is ScanKind.COMMAND:  # before disarming Esc: CMD-CANCEL twice cancels like Esc twice
        return command(state, Command(scan.value))
    state = replace(state, cancel_armed=False)
    return _BY_STEP.get(state.step, _finish_first)(state, scan, text, patterns)


def free_text(state: StationState, text: str, patterns: Patterns) -> Outcome:
    """Enter in the free-text field: a command scanned there is a command, never a description."""
    text = text.strip()
    scan = patterns.classify(text)
    if scan.kind is ScanKind.COMMAND:
        return command(state, Command(scan.value))
    if not text:
        return screens.say(state, "Type a few words first, then Enter (Esc cancels).", Tone.BAD), [Beep(False)]
    if state.step is Step.DESCRIBE:
        chosen = replace(state, step=Step.CATEGORY, unknown_description=text[:200], choices=screens.CATEGORY_CHOICES,
                         message=None)
        return chosen, []
    if state.step is Step.VOID_NOTE:
        return keys.void(state, text)
    if state.step is Step.FLAG_NOTE:
        return keys.flag(state, text)
    return line(state, text, patterns)


def command(state: StationState, which: Command) -> Outcome:
    if which is Command.NOFAULT:
        return _nothing_else_wrong(state)
    return _COMMANDS[which](state)


_COMMANDS: dict[Command, Callable[[StationState], Outcome]] = {
    Command.NEXT: lambda s: keys.key(s, Key.ENTER),
    Command.BACK: lambda s: keys.key(s, Key.BACKSPACE),
    Command.CANCEL: lambda s: keys.key(s, Key.ESC),
    Command.VOID: lambda s: keys.function_key(s, 8),
    Command.FLAG: lambda s: keys.function_key(s, 7),
    Command.SIGNOUT: lambda s: keys.function_key(s, 12),
    Command.SETUP: lambda s: keys.function_key(s, 2),
}


def _nothing_else_wrong(state: StationState) -> Outcome:
    if state.step is Step.QUESTION:
        return keys.digit(state, keys.NOTHING_ELSE_WRONG_DIGIT)
    return screens.say(state, "“Nothing else wrong” answers the checklist questions: scan it while a question "
                              "is on screen."), []


def _bad(state: StationState, text: str) -> Outcome:
    return screens.say(state, text, Tone.BAD), [Beep(False)]


# Ready --------------------------------------------------------------------------------------------------
def _at_ready(state: StationState, scan: Scan, text: str, _: Patterns) -> Outcome:
    if scan.kind is ScanKind.TOTE:
        return tote_scanned(state, scan.value)
    if scan.kind is ScanKind.UNKNOWN:
        return _bad(state, scan.message)
    if scan.kind is ScanKind.BADGE:
        return _bad(state, "That is a badge. To change operator, press F12 to sign out first.")
    if scan.kind is ScanKind.RMA:
        return replace(state, message=None), [Request(Op.CHECK_RMA, (scan.value,))]
    if scan.kind is ScanKind.LPN:
        return replace(state, message=None), [Request(Op.FIND_BY_LPN, (scan.value,))]
    operator = keys.operator_of(state)
    return replace(state, message=None, looked_up=None), [Request(Op.START_INTAKE, (operator, scan, state.pending_rma))]


# With an item on screen ---------------------------------------------------------------------------------
def _with_item(state: StationState, scan: Scan, text: str, patterns: Patterns) -> Outcome:
    """Question, result and resume screens: an RMA links, a tote confirms the last item, a number answers."""
    question = state.question
    if question is not None and question.kind == "number" and _looks_numeric(text):
        assert state.item is not None
        return replace(state, message=None), [Request(Op.ANSWER, (state.item.id, question.id, text))]
    if scan.kind is ScanKind.RMA and state.item is not None and state.step is not Step.RESUME:
        return replace(state, message=None), [Request(Op.ATTACH_RMA, (state.item.id, scan.value))]
    if scan.kind is ScanKind.TOTE:
        return tote_scanned(state, scan.value)
    if scan.kind is ScanKind.UNKNOWN:
        return _bad(state, scan.message)
    if scan.kind is ScanKind.BADGE:
        return _bad(state, "That is a badge. Finish the item first, then press F12 to sign out.")
    return _finish_first(state, scan, text, patterns)


def _finish_first(state: StationState, scan: Scan, text: str, _: Patterns) -> Outcome:
    if scan.kind is ScanKind.TOTE and state.step is Step.TOTES:
        return state, [Request(Op.CLOSE_TOTE, (keys.operator_of(state), scan.value))]
    hints = {
        Step.CATEGORY: "Press the number of the category (Esc cancels).",
        Step.VOID_REASON: "Press the number of the reason (Esc keeps the item).",
        Step.TOTES: "Press the number of the tote to close, or scan it (Esc goes back).",
        Step.DESCRIBE: "Type a short description of the item, then Enter (Esc cancels).",
        Step.VOID_NOTE: "Type why the item is voided, then Enter (Esc keeps the item).",
        Step.FLAG_NOTE: keys.FLAG_NOTE_HINT,
    }
    return _bad(state, hints.get(state.step, "Finish the item on screen first, or press Esc twice to cancel it."))


# The serial step ----------------------------------------------------------------------------------------
def _at_serial(state: StationState, scan: Scan, text: str, patterns: Patterns) -> Outcome:
    item = state.item
    assert item is not None
    if scan.problem in (Problem.GS_MISSING, Problem.BAD_GS1, Problem.LAYOUT):
        return _bad(state, scan.message)  # a GS1 problem is never taken as a serial
    if scan.kind is ScanKind.RMA:
        return replace(state, message=None), [Request(Op.ATTACH_RMA, (item.id, scan.value))]
    if scan.kind is ScanKind.TOTE:  # the previous item's tote, scanned late: still confirms it
        return tote_scanned(state, scan.value)
    if scan.kind in (ScanKind.LPN, ScanKind.BADGE):
        return _bad(state, f"That is a {scan.kind.value.upper()} barcode. Scan the serial number (S/N).")
    if scan.kind in (ScanKind.PRODUCT, ScanKind.GS1) and scan.serial:
        return _serial(state, scan.serial, patterns)
    if scan.kind is ScanKind.PRODUCT and scan.gtin:
        return _bad(state, "That is the product barcode. Scan the serial number (S/N) barcode.")
    return _serial(state, text.strip(), patterns)


def _serial(state: StationState, serial: str, patterns: Patterns) -> Outcome:
    item = state.item
    assert item is not None
    expected = item.rma_line.expected_serial if item.rma_line is not None else None
    problem = serial_problem(serial, expected, rma_pattern=patterns.rma, badge_pattern=patterns.badge)
    if problem is not None:
        return _bad(state, problem)
    return replace(state, message=None), [Request(Op.SET_SERIAL, (item.id, serial))]


# Totes --------------------------------------------------------------------------------------------------
def tote_scanned(state: StationState, code: str) -> Outcome:
    """Any time until the next save: the worker may drop the last item in while grading the next one."""
    panel = state.panel
    if panel is None or panel.item.status != ItemStatus.FINAL:
        return _bad(state, "No item is waiting for a tote. Scan the next item.")
    return state, [Request(Op.CONFIRM_TOTE, (keys.operator_of(state), panel.item.id, code))]


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return len(text) <= 8


_BY_STEP: dict[Step, Callable[[StationState, Scan, str, Patterns], Outcome]] = {
    Step.READY: _at_ready,
    Step.SERIAL: _at_serial,
    Step.QUESTION: _with_item,
    Step.RESULT: _with_item,
    Step.RESUME: _with_item,
}

