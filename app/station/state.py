"""What the station screen shows, as plain data: the step, the item, the choices, the message, the tote."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain import checklist as cl
from app.scanning.classify import Scan
from app.services.totes import ToteView
from app.services.views import ItemView, OperatorView
from app.station.inputs import Input


class Step(StrEnum):
    READY = "ready"
    DESCRIBE = "describe"  # an unknown item: type a short description
    CATEGORY = "category"  # an unknown item: pick its category with a number key
    SERIAL = "serial"
    QUESTION = "question"
    RESULT = "result"  # grade and disposition with the why; Enter saves
    RESUME = "resume"  # an unfinished item found at sign-in
    VOID_REASON = "void_reason"
    VOID_NOTE = "void_note"
    FLAG_NOTE = "flag_note"  # F7: why a supervisor should look at a finished item
    TOTES = "totes"  # F10: pick an open tote to close


class Tone(StrEnum):
    GOOD = "good"
    INFO = "info"
    BAD = "bad"


@dataclass(frozen=True)
class Message:
    text: str
    tone: Tone = Tone.INFO


@dataclass(frozen=True)
class Choice:
    """One line of a pick list: press `key` to choose `code`."""

    key: int
    code: str
    label: str


class ToteStatus(StrEnum):
    PRINTING = "printing"  # saved; the tote is not known yet
    PENDING = "pending"  # put it in this tote and scan the tote
    CONFIRMED = "confirmed"
    WRONG = "wrong"


@dataclass(frozen=True)
class TotePanel:
    """After a save, until the next save: the label preview and the tote the item goes into."""

    item: ItemView
    tote: ToteView | None
    status: ToteStatus
    note: str = ""


# Steps where a lone digit answers at once (no Enter); everywhere else digits are typed into the line.
_DIGIT_STEPS = frozenset({Step.CATEGORY, Step.VOID_REASON, Step.TOTES, Step.RESULT})
# Steps shown with the free-text field.
TEXT_STEPS = frozenset({Step.DESCRIBE, Step.VOID_NOTE, Step.FLAG_NOTE})


@dataclass(frozen=True)
class StationState:
    operator: OperatorView | None = None
    step: Step = Step.READY
    item: ItemView | None = None  # the draft on screen
    pending_rma: str | None = None  # scanned at Ready, before the item
    last_saved: ItemView | None = None  # the item finished (or voided) last on this station
    looked_up: ItemView | None = None  # an LPN scanned at Ready: shown, F8 voids it, F7 flags it
    unknown_scan: Scan | None = None
    unknown_description: str | None = None
    void_target: ItemView | None = None
    void_reason: str | None = None
    flag_target: ItemView | None = None  # F7: the finished item a supervisor is asked to look at
    choices: tuple[Choice, ...] = ()
    panel: TotePanel | None = None
    message: Message | None = None
    cancel_armed: bool = False
    pending: object | None = None  # the Request out on the database thread; inputs queue meanwhile
    queue: tuple[Input, ...] = ()

    @property
    def question(self) -> cl.Question | None:
        return self.item.question if self.item is not None and self.step is Step.QUESTION else None

    @property
    def digits_answer(self) -> bool:
        """A lone digit key answers now: choice questions and pick lists (number questions wait for Enter).

        Not while a call is out: the next screen may be a number question, where a digit typed ahead starts
        the number; the wedge holds it and hands it over once this is true again."""
        if not self.idle:
            return False
        question = self.question
        if question is not None:
            return question.kind != "number"
        return self.step in _DIGIT_STEPS

    @property
    def idle(self) -> bool:
        return self.pending is None and not self.queue
