"""F7 flags a finished item for a supervisor: the note step, Enter, Esc, the refusals, and the note step
answered for every kind of input (like every other step in test_station_flow_core)."""

from __future__ import annotations

import pytest

from app.db.models import ReturnItem
from app.db.uow import Database
from app.review.exceptions import open_exceptions
from app.station.actions import LogError, Op
from app.station.driver import StationDriver
from app.station.inputs import DigitPressed, FunctionKey, Key, KeyPressed, LineEntered, SignedIn, TextEntered
from app.station.state import TEXT_STEPS, Step, Tone
from tests.unit.review.exceptions_helpers import product_by_value
from tests.unit.station.test_station_flow_core import answer_all, at_question, inputs


def queue(db: Database) -> list[tuple[str, str]]:
    with db.unit_of_work(read_only=True) as uow:
        return [(row.lpn, row.cause) for row in open_exceptions(uow)]


def finish_item(d: StationDriver, db: Database) -> None:
    """A cheap plain item, saved: not held for anything, so only the flag can put it in the queue."""
    d.feed(LineEntered(str(product_by_value(db, below_cents=5_000, hazmat=False, data_bearing=False).gtin)))
    answer_all(d)
    assert d.state.step is Step.RESULT
    d.feed(KeyPressed(Key.ENTER))
    assert d.state.step is Step.READY and d.state.last_saved is not None
    assert queue(db) == [], "the demo item should not be held already"


def at_flag_note(d: StationDriver, db: Database) -> None:
    finish_item(d, db)
    d.feed(FunctionKey(7))


def test_f7_asks_why_and_enter_sends_the_item_to_the_queue(signed_in: StationDriver, db: Database) -> None:
    finish_item(signed_in, db)
    saved = signed_in.state.last_saved
    assert saved is not None and saved.lpn is not None
    state = signed_in.feed(FunctionKey(7))
    assert state.step is Step.FLAG_NOTE and state.step in TEXT_STEPS  # the window shows the text field
    assert state.flag_target == saved and state.message is None
    state = signed_in.feed(TextEntered("  seal looks re-glued "))
    assert signed_in.calls[-1].op is Op.FLAG
    assert signed_in.calls[-1].args[1:] == (saved.id, "seal looks re-glued")
    assert state.step is Step.READY and state.flag_target is None
    assert state.message is not None and state.message.tone is Tone.GOOD
    assert state.message.text == f"Flagged {saved.lpn} for a supervisor."
    assert queue(db) == [(saved.lpn, "worker_flagged")]
    # The item kept on the Ready screen is the flagged version (F8 and F7 act on the current record).
    assert state.last_saved is not None and "worker_flagged" in state.last_saved.flags


def test_esc_cancels_the_note_and_nothing_is_flagged(signed_in: StationDriver, db: Database) -> None:
    at_flag_note(signed_in, db)
    state = signed_in.feed(KeyPressed(Key.ESC))
    assert state.step is Step.READY and state.flag_target is None
    assert state.message is not None and state.message.text == "Cancelled."
    assert queue(db) == [] and not [c for c in signed_in.calls if c.op is Op.FLAG]


def test_the_cancel_barcode_scanned_into_the_note_cancels(signed_in: StationDriver, db: Database) -> None:
    at_flag_note(signed_in, db)
    state = signed_in.feed(TextEntered("CMD-CANCEL"))
    assert state.step is Step.READY and queue(db) == []


def test_an_empty_note_is_asked_for_in_words(signed_in: StationDriver, db: Database) -> None:
    at_flag_note(signed_in, db)
    for event in (TextEntered("   "), KeyPressed(Key.ENTER), KeyPressed(Key.BACKSPACE)):
        state = signed_in.feed(event)
        assert state.step is Step.FLAG_NOTE, event
        assert state.message is not None and ("few words" in state.message.text or "why" in state.message.text)
    assert queue(db) == [] and not [c for c in signed_in.calls if c.op is Op.FLAG]


def test_f7_with_nothing_finished_says_what_to_do(signed_in: StationDriver) -> None:
    state = signed_in.feed(FunctionKey(7))
    assert state.step is Step.READY
    assert state.message is not None and "no finished item to flag" in state.message.text


def test_f7_during_an_item_says_finish_it_first(signed_in: StationDriver, db: Database) -> None:
    at_question(signed_in, db)
    state = signed_in.feed(FunctionKey(7))
    assert state.step is Step.QUESTION
    assert state.message is not None and state.message.tone is Tone.BAD and "Ready screen" in state.message.text


def test_f7_flags_the_item_looked_up_by_its_lpn(driver: StationDriver, db: Database) -> None:
    driver.feed(SignedIn(driver.desk.sign_in("B1001", "1111")))
    finish_item(driver, db)
    first = driver.state.last_saved
    finish_item(driver, db)
    assert first is not None and driver.state.last_saved is not None and driver.state.last_saved.id != first.id
    driver.feed(LineEntered(str(first.lpn)))
    assert driver.state.looked_up is not None and driver.state.looked_up.id == first.id
    driver.feed(FunctionKey(7))
    assert driver.state.flag_target is not None and driver.state.flag_target.id == first.id
    driver.feed(TextEntered("customer note says it was dropped"))
    assert queue(db) == [(first.lpn, "worker_flagged")]


def test_a_voided_last_item_cannot_be_flagged(signed_in: StationDriver, db: Database) -> None:
    finish_item(signed_in, db)
    signed_in.feed(FunctionKey(8))
    reason = next(c for c in signed_in.state.choices if c.code != "other")
    signed_in.feed(DigitPressed(reason.key))
    state = signed_in.feed(FunctionKey(7))
    assert state.step is Step.READY and state.message is not None and "no finished item" in state.message.text


def test_the_cores_refusal_is_shown_and_the_station_is_ready(signed_in: StationDriver, db: Database) -> None:
    at_flag_note(signed_in, db)
    target = signed_in.state.flag_target
    assert target is not None
    with db.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, target.id)
        assert row is not None
        row.station_id = "D99"  # as if graded elsewhere: the core refuses, the screen says why
    state = signed_in.feed(TextEntered("odd rattle"))
    assert state.step is Step.READY and state.idle
    assert state.message is not None and state.message.tone is Tone.BAD and "station D99" in state.message.text
    assert queue(db) == [] and not [a for a in signed_in.actions if isinstance(a, LogError)]


# Every input at the note step, as test_station_flow_core does for the other steps ---------------------
# Enter and Backspace answer with the hint here; a command (CMD-BACK) is handled like Backspace.
def test_every_input_at_the_flag_note_is_answered_and_never_sticks(signed_in: StationDriver,
                                                                   db: Database) -> None:
    at_flag_note(signed_in, db)
    start = signed_in.state
    assert start.step is Step.FLAG_NOTE
    for name, event in inputs(db).items():
        signed_in.state = start
        signed_in.actions.clear()
        calls = len(signed_in.calls)
        after = signed_in.feed(event)
        assert after.idle, name
        assert not [a for a in signed_in.actions if isinstance(a, LogError)], name
        responded = after != start or signed_in.actions or len(signed_in.calls) > calls
        assert responded, f"{name} at the flag note was silently dropped"


@pytest.mark.parametrize("name", ["product", "lpn", "tote", "badge", "digit", "typed"])
def test_a_scan_or_key_that_is_not_the_note_leaves_the_step_and_says_so(signed_in: StationDriver, db: Database,
                                                                       name: str) -> None:
    at_flag_note(signed_in, db)
    state = signed_in.feed(inputs(db)[name])
    assert state.step is Step.FLAG_NOTE and state.message is not None
    assert not [c for c in signed_in.calls if c.op is Op.FLAG]
