"""Moving between screens: the transitions every handler shares."""

from __future__ import annotations

from dataclasses import replace

from app.domain.vocab import CATEGORIES, VOID_REASONS
from app.services.views import ItemView
from app.station.state import Choice, Message, StationState, Step, Tone

CATEGORY_CHOICES = tuple(Choice(n, code, label) for n, (code, label) in enumerate(CATEGORIES.items(), start=1))
VOID_CHOICES = tuple(Choice(n, code, label) for n, (code, label) in enumerate(VOID_REASONS.items(), start=1))


def ready(state: StationState, message: Message | None = None) -> StationState:
    """The Ready screen: nothing on screen but the last saved item and a pending RMA."""
    return replace(
        state, step=Step.READY, item=None, unknown_scan=None, unknown_description=None, void_target=None,
        void_reason=None, flag_target=None, choices=(), cancel_armed=False, message=message,
    )


def show_item(state: StationState, item: ItemView, message: Message | None = None) -> StationState:
    """The item's next step follows from the item itself (the service computed question and decision)."""
    if item.needs_serial:
        step = Step.SERIAL
    elif item.question is not None:
        step = Step.QUESTION
    else:
        step = Step.RESULT
    return replace(state, step=step, item=item, looked_up=None, cancel_armed=False, choices=(), message=message)


def say(state: StationState, text: str, tone: Tone = Tone.INFO) -> StationState:
    return replace(state, message=Message(text, tone))
