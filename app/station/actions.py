"""What the state machine asks its runner to do: call a service, beep, tell the window something."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.services.views import ItemView


class Op(StrEnum):
    """A service call; the value is the `Desk` method that runs it (on the database thread)."""

    OPEN_DRAFT = "open_draft"
    CHECK_RMA = "check_rma"
    FIND_BY_LPN = "find_by_lpn"
    START_INTAKE = "start_intake"
    START_UNKNOWN = "start_unknown_intake"
    ATTACH_RMA = "attach_rma"
    SET_SERIAL = "set_serial"
    ANSWER = "answer"
    NOTHING_ELSE_WRONG = "nothing_else_wrong"
    UNDO_ANSWER = "undo_answer"
    CANCEL_DRAFT = "cancel_draft"
    SAVE = "save_item"
    VOID = "void_item"
    FLAG = "flag_for_supervisor"  # F7: hold a finished item for a supervisor, with a note
    REGRADE = "regrade"
    CONFIRM_TOTE = "confirm_tote"
    OPEN_TOTES = "open_totes"
    CLOSE_TOTE = "close_tote"


# Calls that only read: the window does not count them as a save.
READ_ONLY = frozenset({Op.OPEN_DRAFT, Op.CHECK_RMA, Op.FIND_BY_LPN, Op.OPEN_TOTES})


@dataclass(frozen=True)
class Request:
    op: Op
    args: tuple[Any, ...] = ()

    @property
    def writes(self) -> bool:
        return self.op not in READ_ONLY


@dataclass(frozen=True)
class Beep:
    good: bool


class Notice(StrEnum):
    SIGN_OUT = "sign_out"
    SETUP = "setup"  # F2 / CMD-SETUP: the scanner setup wizard
    PRINT_QUEUE = "print_queue"  # F9
    BOARD = "board"  # F6: the supervisor's board (supervisors and admins)


@dataclass(frozen=True)
class Notify:
    notice: Notice


@dataclass(frozen=True)
class ItemSaved:
    """An item was finalized: the window wakes the printer, shows the label preview, tells sync."""

    item: ItemView


@dataclass(frozen=True)
class WakePrinter:
    """New print jobs were queued (a tote closed): print them now rather than at the next poll."""


@dataclass(frozen=True)
class LogError:
    """An unexpected error (a bug): the runner logs it with its traceback."""

    error: BaseException


Action = Request | Beep | Notify | ItemSaved | WakePrinter | LogError
