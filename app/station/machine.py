"""The station's state machine: one entry point, `StationFlow.feed(state, input) -> (state, actions)`.

Inputs that arrive while a service call is out wait in the state's queue and are handled in order when its
result comes back, so nothing the worker does is lost or applied to the wrong step. A handler that fails
(a bug, or a surprise from a service) never leaves the station stuck: the error becomes a message on screen
and the queue keeps moving.
"""

from __future__ import annotations

from dataclasses import replace

from app.errors import describe_error
from app.station import keys, lines, results
from app.station.actions import Action, Beep, LogError, Request
from app.station.inputs import (
    DigitPressed,
    Done,
    Failed,
    FunctionKey,
    Input,
    KeyPressed,
    LineEntered,
    ScannerProblem,
    SignedIn,
    TextEntered,
)
from app.station.lines import Patterns
from app.station.state import Message, StationState, Tone

Outcome = tuple[StationState, list[Action]]

class StationFlow:
    def __init__(self, patterns: Patterns) -> None:
        self.patterns = patterns

    def feed(self, state: StationState, event: Input) -> Outcome:
        """Apply one input; never raises."""
        if isinstance(event, Done | Failed):
            state, actions = self._safely(replace(state, pending=None), event)
            return self._drain(state, actions)
        if state.pending is not None:
            return replace(state, queue=(*state.queue, event)), []
        return self._safely(state, event)

    def _drain(self, state: StationState, actions: list[Action]) -> Outcome:
        while state.pending is None and state.queue:
            event, state = state.queue[0], replace(state, queue=state.queue[1:])
            state, more = self._safely(state, event)
            actions = actions + more
        return state, actions

    def _safely(self, state: StationState, event: Input) -> Outcome:
        try:
            new, actions = self._handle(state, event)
        except Exception as exc:  # a bug must not freeze the dock: say it, log it, keep taking input
            message = Message(describe_error(exc), Tone.BAD)
            return replace(state, message=message, pending=None), [Beep(False), LogError(exc)]
        requests = [a for a in actions if isinstance(a, Request)]
        if requests:
            new = replace(new, pending=requests[0])
        return new, actions

    def _handle(self, state: StationState, event: Input) -> Outcome:
        match event:
            case SignedIn(operator=operator):
                return keys.signed_in(operator)
            case LineEntered(text=text):
                return lines.line(state, text, self.patterns)
            case TextEntered(text=text):
                return lines.free_text(state, text, self.patterns)
            case DigitPressed(digit=digit):
                return keys.digit(state, digit)
            case KeyPressed(key=key):
                return keys.key(state, key)
            case FunctionKey(number=number):
                return keys.function_key(state, number)
            case ScannerProblem(text=text):
                return replace(state, message=Message(text, Tone.BAD)), [Beep(False)]
            case Done():
                return results.done(state, event)
            case Failed():
                return results.failed(state, event, describe_error(event.error))
        raise TypeError(f"not a station input: {event!r}")
