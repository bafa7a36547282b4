"""Runs the station flow synchronously against the services: for tests, benchmarks and scripts.

The window does the same asynchronously (service calls on the database thread); here each call runs
inline and its result is fed straight back, so a whole dock session can be driven without Qt.
"""

from __future__ import annotations

from typing import Any

from app.services.desk import Desk
from app.station.actions import Action, Request
from app.station.inputs import Done, Failed, Input
from app.station.lines import Patterns
from app.station.machine import StationFlow
from app.station.state import StationState


class StationDriver:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.flow = StationFlow(Patterns(desk.ctx.rma_pattern, desk.ctx.badge_pattern))
        self.state = StationState()
        self.actions: list[Action] = []  # everything but service calls, in order (beeps, notices, saves)
        self.calls: list[Request] = []
        self.failures: list[BaseException] = []

    def feed(self, event: Input) -> StationState:
        self.state, actions = self.flow.feed(self.state, event)
        for action in actions:
            if isinstance(action, Request):
                self._call(action)
            else:
                self.actions.append(action)
        return self.state

    def _call(self, request: Request) -> None:
        self.calls.append(request)
        method: Any = getattr(self.desk, request.op.value)
        try:
            value = method(*request.args)
        except Exception as exc:  # fed back like the window does: the flow turns it into a message
            self.failures.append(exc)
            self.feed(Failed(request, exc))
            return
        self.feed(Done(request, value))
