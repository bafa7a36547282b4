"""Keys: a digit, Enter, Backspace, Esc and the function keys, at every step."""

from __future__ import annotations

from dataclasses import replace

from app.domain.status import ItemStatus
from app.domain.vocab import Role
from app.services.views import ItemView, OperatorView
from app.station import screens
from app.station.actions import Action, Beep, Notice, Notify, Op, Request
from app.station.inputs import Key
from app.station.state import Choice, Message, StationState, Step, Tone

Outcome = tuple[StationState, list[Action]]

FLAG_NOTE_HINT = "Type why a supervisor should look at it, then Enter (Esc cancels)."

NOTHING_ELSE_WRONG_DIGIT = 0
# Function keys that work while an item or pick list is on screen (F7/F8/F10 only from Ready).
_SETUP_STEPS = frozenset({Step.READY, Step.QUESTION, Step.SERIAL, Step.RESULT, Step.DESCRIBE, Step.CATEGORY})
_SIGN_OUT_STEPS = frozenset({*_SETUP_STEPS, Step.RESUME})


def signed_in(operator: OperatorView) -> Outcome:
    """A new operator starts on a clean screen (nothing of the last one's messages) and gets a draft back."""
    return screens.ready(StationState(operator=operator)), [Request(Op.OPEN_DRAFT)]


def operator_of(state: StationState) -> OperatorView:
    if state.operator is None:
        raise RuntimeError("the station has no operator signed in")
    return state.operator


# Digits ------------------------------------------------------------------------------------------------
def digit(state: StationState, number: int) -> Outcome:
    if state.step is Step.QUESTION:
        return _answer_key(state, number)
    if state.step is Step.RESULT:
        return screens.say(state, "Press Enter to save this result, or Backspace to change the last answer."), []
    if state.step in (Step.CATEGORY, Step.VOID_REASON, Step.TOTES):
        return _pick(state, number)
    # Nowhere else does a lone digit mean anything: say so rather than drop it.
    return screens.say(state, f"{number} alone is not a barcode. Type the whole code and press Enter.",
                       Tone.BAD), [Beep(False)]


def _answer_key(state: StationState, number: int) -> Outcome:
    item, question = state.item, state.question
    assert item is not None and question is not None
    if number == NOTHING_ELSE_WRONG_DIGIT:
        return replace(state, message=None), [Request(Op.NOTHING_ELSE_WRONG, (item.id,))]
    return replace(state, message=None), [Request(Op.ANSWER, (item.id, question.id, str(number)))]


def _pick(state: StationState, number: int) -> Outcome:
    chosen = next((c for c in state.choices if c.key == number), None)
    if chosen is None:
        keys = f"1 to {len(state.choices)}" if state.choices else "Esc"
        return screens.say(state, f"There is no {number} on this list: press {keys}.", Tone.BAD), [Beep(False)]
    if state.step is Step.CATEGORY:
        return _unknown_item(state, chosen)
    if state.step is Step.TOTES:
        return state, [Request(Op.CLOSE_TOTE, (operator_of(state), chosen.code))]
    return _void_reason(state, chosen)


def _unknown_item(state: StationState, chosen: Choice) -> Outcome:
    assert state.unknown_scan is not None
    args = (operator_of(state), state.unknown_scan, state.unknown_description or "", chosen.code, state.pending_rma)
    return state, [Request(Op.START_UNKNOWN, args)]


def _void_reason(state: StationState, chosen: Choice) -> Outcome:
    if chosen.code == "other":
        return replace(state, step=Step.VOID_NOTE, void_reason=chosen.code, choices=(), message=None), []
    return void(replace(state, void_reason=chosen.code), "")


def void(state: StationState, note: str) -> Outcome:
    target = state.void_target
    assert target is not None and state.void_reason is not None
    return state, [Request(Op.VOID, (operator_of(state), target.id, state.void_reason, note))]


def flag(state: StationState, note: str) -> Outcome:
    target = state.flag_target
    assert target is not None
    return state, [Request(Op.FLAG, (operator_of(state), target.id, note))]


# Enter, Backspace, Esc ---------------------------------------------------------------------------------
def key(state: StationState, pressed: Key) -> Outcome:
    if pressed is Key.ENTER:
        return confirm(state)
    if pressed is Key.BACKSPACE:
        return back(state)
    return cancel(state)


def confirm(state: StationState) -> Outcome:
    item = state.item
    if state.step is Step.RESULT and item is not None:
        return state, [Request(Op.SAVE, (operator_of(state), item.id))]
    if state.step is Step.RESUME and item is not None:
        if item.checklist_problem:
            return screens.say(state, item.checklist_problem, Tone.BAD), [Beep(False)]
        return screens.show_item(state, item), []
    if state.step is Step.FLAG_NOTE:  # Enter with the field empty: the note is what is asked
        return screens.say(state, FLAG_NOTE_HINT), []
    question = state.question
    if question is not None:
        hint = "Type the number, then Enter." if question.kind == "number" else \
            "Press the number of the answer (0 = nothing else wrong)."
        return screens.say(state, hint), []
    return state, []


def back(state: StationState) -> Outcome:
    item = state.item
    if state.step in (Step.QUESTION, Step.RESULT) and item is not None and item.answer_order:
        return replace(state, message=None), [Request(Op.UNDO_ANSWER, (item.id,))]
    if state.step is Step.VOID_NOTE:
        return replace(state, step=Step.VOID_REASON, choices=screens.VOID_CHOICES, void_reason=None), []
    if state.step is Step.FLAG_NOTE:
        return screens.say(state, FLAG_NOTE_HINT), []
    if state.step is Step.QUESTION:
        return screens.say(state, "This is the first question: there is nothing to go back to. Esc twice "
                                  "cancels the item."), []
    return state, []


def cancel(state: StationState) -> Outcome:
    if state.step is Step.READY:
        # Esc at Ready forgets a pending RMA and clears the message and a looked-up record.
        return screens.ready(replace(state, pending_rma=None, looked_up=None)), []
    if state.item is None or state.step in (Step.VOID_REASON, Step.VOID_NOTE, Step.FLAG_NOTE, Step.TOTES):
        return screens.ready(state, Message("Cancelled.")), []
    if state.cancel_armed or state.step is Step.RESUME:
        return state, [Request(Op.CANCEL_DRAFT, (operator_of(state), state.item.id))]
    return replace(state, cancel_armed=True,
                   message=Message("Press Esc again to cancel this item (its answers are discarded).")), []


# Function keys -----------------------------------------------------------------------------------------
def function_key(state: StationState, number: int) -> Outcome:
    if number == 2 and state.step in _SETUP_STEPS:
        return state, [Notify(Notice.SETUP)]
    if number == 8 and state.step is Step.READY:
        return start_void(state)
    if number == 7 and state.step is Step.READY:
        return start_flag(state)
    if number == 9:
        return state, [Notify(Notice.PRINT_QUEUE)]
    if number == 6:
        return open_board(state)
    if number == 10 and state.step is Step.READY:
        return state, [Request(Op.OPEN_TOTES)]
    if number == 12 and state.step in _SIGN_OUT_STEPS:
        # A draft stays saved and is offered back at the next sign-in.
        return StationState(), [Notify(Notice.SIGN_OUT)]
    return screens.say(state, _NOT_HERE.get(number, f"F{number} does nothing here."), Tone.BAD), [Beep(False)]


def open_board(state: StationState) -> Outcome:
    """F6 switches to the supervisor's board from Ready; an item on screen stays a draft meanwhile, so it is
    finished first. Workers are told the board is not theirs (the core refuses their calls anyway)."""
    operator = state.operator
    if operator is None or operator.role not in (Role.SUPERVISOR, Role.ADMIN):
        return screens.say(state, "F6 opens the supervisor's board: sign in with a supervisor badge.",
                           Tone.BAD), [Beep(False)]
    if state.step is not Step.READY:
        return screens.say(state, "Finish this item first (Esc goes back), then F6 opens the board.",
                           Tone.BAD), [Beep(False)]
    return state, [Notify(Notice.BOARD)]


_NOT_HERE = {
    2: "Finish this first (Esc goes back), then F2 opens scanner setup.",
    7: "F7 flags a finished item from the Ready screen: finish or cancel the item on screen first (Esc).",
    8: "F8 voids from the Ready screen: finish or cancel the item on screen first (Esc).",
    10: "F10 closes a tote from the Ready screen: finish or cancel the item on screen first (Esc).",
    12: "Finish this first (Esc goes back), then F12 signs out.",
}


def start_void(state: StationState) -> Outcome:
    """F8 voids the record looked up by its LPN (supervisors: any), else the item saved last here."""
    target = _finished_target(state)
    if target is None:
        return screens.say(state, "There is no finished item to void on this screen. Scan its LPN first, "
                                  "or finish an item."), []
    return replace(state, step=Step.VOID_REASON, void_target=target, void_reason=None,
                   choices=screens.VOID_CHOICES, message=None), []


def start_flag(state: StationState) -> Outcome:
    """F7 asks a supervisor to look at the record looked up by its LPN, else the item saved last here."""
    target = _finished_target(state)
    if target is None:
        return screens.say(state, "There is no finished item to flag on this screen. Scan its LPN first, "
                                  "or finish an item."), []
    return replace(state, step=Step.FLAG_NOTE, flag_target=target, choices=(), message=None), []


def _finished_target(state: StationState) -> ItemView | None:
    """What F8 voids and F7 flags: the record looked up by its LPN, else the item saved last here."""
    for item in (state.looked_up, state.last_saved):
        if item is not None and item.status == ItemStatus.FINAL:
            return item
    return None
