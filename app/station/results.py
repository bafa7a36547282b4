"""Service results: what the screen shows after each call, and after each failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from app.domain.status import ItemStatus
from app.domain.vocab import disposition_label
from app.errors import DuplicateUnit, WrongTote
from app.services.desk import SavedItem
from app.services.intake import UnknownProduct
from app.services.totes import ToteView
from app.services.views import ItemView
from app.station import screens
from app.station.actions import Action, Beep, ItemSaved, Op, Request, WakePrinter
from app.station.inputs import Done, Failed
from app.station.keys import operator_of
from app.station.state import Choice, Message, StationState, Step, Tone, TotePanel, ToteStatus

Outcome = tuple[StationState, list[Action]]


def done(state: StationState, result: Done) -> Outcome:
    return _DONE[result.request.op](state, result.value)


def failed(state: StationState, result: Failed, text: str) -> Outcome:
    actions: list[Action] = [Beep(False)]  # the runner logs the failed call (a bug with its traceback)
    message = Message(text, Tone.BAD)
    op = result.request.op
    if op is Op.START_INTAKE and isinstance(result.error, DuplicateUnit):
        state = replace(state, pending_rma=None)
    if op in (Op.VOID, Op.FLAG, Op.CLOSE_TOTE):
        return screens.ready(state, message), actions
    if op is Op.CONFIRM_TOTE and isinstance(result.error, WrongTote) and state.panel is not None:
        state = replace(state, panel=replace(state.panel, status=ToteStatus.WRONG, note=str(result.error)))
    return replace(state, message=message), actions


# One handler per call ----------------------------------------------------------------------------------
def _draft_found(state: StationState, draft: ItemView | None) -> Outcome:
    if draft is None:
        return state, []
    message = Message(draft.checklist_problem, Tone.BAD) if draft.checklist_problem else None
    return replace(state, step=Step.RESUME, item=draft, message=message), []


def _rma_checked(state: StationState, rma_number: str) -> Outcome:
    ready = screens.ready(replace(state, pending_rma=rma_number))
    return ready, [Beep(True)]


def _lpn_found(state: StationState, item: ItemView) -> Outcome:
    if item.status == ItemStatus.VOIDED:
        # "Scan it again to regrade": the voided record's LPN starts a new draft of the same unit.
        return state, [Request(Op.REGRADE, (operator_of(state), item.id))]
    text = (f"{item.lpn} is already graded: {item.description}, grade {item.grade}, "
            f"{disposition_label(item.disposition)} ({item.status}). No new record was made. F8 voids it, "
            "F7 flags it for a supervisor.")
    return replace(state, looked_up=item, message=Message(text)), [Beep(False)]


def _intake_started(state: StationState, result: ItemView | UnknownProduct) -> Outcome:
    if isinstance(result, UnknownProduct):
        described = replace(state, step=Step.DESCRIBE, item=None, unknown_scan=result.scan, unknown_description=None,
                            message=None)
        return described, [Beep(False)]
    return screens.show_item(replace(state, pending_rma=None, unknown_scan=None), result), [Beep(True)]


def _item_changed(state: StationState, item: ItemView) -> Outcome:
    return screens.show_item(state, item), [Beep(True)]


def _serial_set(state: StationState, item: ItemView) -> Outcome:
    if "serial_mismatch" in item.flags:
        text = "The serial differs from the one on the RMA. Grade the item; it will be held."
        return screens.show_item(state, item, Message(text, Tone.BAD)), [Beep(False)]
    return _item_changed(state, item)


def _cancelled(state: StationState, _: Any) -> Outcome:
    return screens.ready(state, Message("Item cancelled. Nothing was saved for it.")), []


def _saved(state: StationState, saved: SavedItem) -> Outcome:
    item = saved.item
    status = ToteStatus.PENDING if saved.tote is not None else ToteStatus.PRINTING
    panel = TotePanel(item, saved.tote, status)
    text = f"Saved {item.lpn}: grade {item.grade} → {disposition_label(item.disposition)}."
    state = replace(state, last_saved=item, panel=panel)
    return screens.ready(state, Message(text, Tone.GOOD)), [Beep(True), ItemSaved(item)]


def _voided(state: StationState, item: ItemView) -> Outcome:
    state = replace(state, last_saved=item, looked_up=None,
                    panel=None if state.panel is not None and state.panel.item.id == item.id else state.panel)
    text = f"{item.lpn} voided. Scan its LPN (or the product) again to regrade it."
    return screens.ready(state, Message(text, Tone.GOOD)), [Beep(True)]


def _flagged(state: StationState, item: ItemView) -> Outcome:
    """Back to Ready; the records kept on screen take the flagged version (its newer flags and version)."""
    state = replace(state,
                    last_saved=item if state.last_saved is not None and state.last_saved.id == item.id
                    else state.last_saved,
                    looked_up=item if state.looked_up is not None and state.looked_up.id == item.id
                    else state.looked_up)
    return screens.ready(state, Message(f"Flagged {item.lpn} for a supervisor.", Tone.GOOD)), [Beep(True)]


def _tote_confirmed(state: StationState, tote: ToteView) -> Outcome:
    panel = state.panel
    assert panel is not None
    more = " Scan the next item." if state.step is Step.READY else ""
    state = replace(state, panel=replace(panel, tote=tote, status=ToteStatus.CONFIRMED, note=""),
                    message=Message(f"{panel.item.lpn} is in tote {tote.code}.{more}", Tone.GOOD))
    return state, [Beep(True)]


def _totes_listed(state: StationState, totes: list[ToteView]) -> Outcome:
    choices = tuple(Choice(n, t.code, f"{t.label} · {t.items} items, {t.confirmed} scanned in")
                    for n, t in enumerate(totes[:9], start=1))
    return replace(state, step=Step.TOTES, choices=choices, message=None), []


def _tote_closed(state: StationState, result: tuple[ToteView, ToteView]) -> Outcome:
    closed, opened = result
    text = (f"Closed {closed.code} ({closed.items} items): its manifest is printing. "
            f"The next {disposition_label(closed.disposition)} tote is {opened.code}.")
    return screens.ready(state, Message(text, Tone.GOOD)), [Beep(True), WakePrinter()]


_DONE: dict[Op, Callable[[StationState, Any], Outcome]] = {
    Op.OPEN_DRAFT: _draft_found,
    Op.CHECK_RMA: _rma_checked,
    Op.FIND_BY_LPN: _lpn_found,
    Op.START_INTAKE: _intake_started,
    Op.START_UNKNOWN: _intake_started,
    Op.REGRADE: _intake_started,
    Op.ATTACH_RMA: _item_changed,
    Op.SET_SERIAL: _serial_set,
    Op.ANSWER: _item_changed,
    Op.NOTHING_ELSE_WRONG: _item_changed,
    Op.UNDO_ANSWER: _item_changed,
    Op.CANCEL_DRAFT: _cancelled,
    Op.SAVE: _saved,
    Op.VOID: _voided,
    Op.FLAG: _flagged,
    Op.CONFIRM_TOTE: _tote_confirmed,
    Op.OPEN_TOTES: _totes_listed,
    Op.CLOSE_TOTE: _tote_closed,
}
