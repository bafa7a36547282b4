"""What can happen to the station: a line (scan or typed), a key, free text, a service result."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.services.views import OperatorView
from app.station.actions import Request


class Key(StrEnum):
    ENTER = "enter"  # with nothing typed: confirm / continue
    BACKSPACE = "backspace"  # with nothing typed: back one question
    ESC = "esc"  # with nothing typed: cancel (twice for an item)


@dataclass(frozen=True)
class SignedIn:
    operator: OperatorView


@dataclass(frozen=True)
class LineEntered:
    """A whole line at the station screen: a scanner burst, or a person's typing ended by Enter."""

    text: str
    is_burst: bool = True


@dataclass(frozen=True)
class TextEntered:
    """Enter in the free-text field (unknown item description, void note). A scan may land there too."""

    text: str


@dataclass(frozen=True)
class DigitPressed:
    """A lone digit key, when the screen says digits answer (`StationState.digits_answer`)."""

    digit: int


@dataclass(frozen=True)
class KeyPressed:
    key: Key


@dataclass(frozen=True)
class FunctionKey:
    number: int  # 1..12


@dataclass(frozen=True)
class ScannerProblem:
    """Found outside the flow, e.g. a serial scan cut off by an unplug."""

    text: str


@dataclass(frozen=True)
class Done:
    request: Request
    value: Any


@dataclass(frozen=True)
class Failed:
    request: Request
    error: BaseException


Input = (SignedIn | LineEntered | TextEntered | DigitPressed | KeyPressed | FunctionKey | ScannerProblem
         | Done | Failed)
