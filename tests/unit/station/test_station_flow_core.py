"""The station flow without Qt: every step × every kind of input, and the cases workers hit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from app.db.uow import Database
from app.domain.status import ItemStatus
from app.station.actions import Beep, LogError, Notice, Notify, Op, Request
from app.station.driver import StationDriver
from app.station.inputs import (
    DigitPressed,
    Done,
    FunctionKey,
    Input,
    Key,
    KeyPressed,
    LineEntered,
    SignedIn,
    TextEntered,
)
from app.station.lines import Patterns
from app.station.machine import StationFlow
from app.station.state import StationState, Step, Tone
from tests.helpers import product_where, rma_line_plain, rma_line_with_serial

UNKNOWN_GTIN = "4006381333931"  # valid check digit, not in the demo catalog


def plain_gtin(db: Database) -> str:
    gtin = product_where(db, serialized=False, category="apparel").gtin
    assert gtin is not None
    return gtin


def answer_all(d: StationDriver) -> None:
    for _ in range(40):
        question = d.state.question
        if question is None:
            return
        if question.kind == "number":
            d.feed(LineEntered(f"{question.maximum if question.maximum is not None else 100:g}", False))
        else:
            d.feed(DigitPressed(1))
    raise AssertionError("the checklist never ended")


def finish_item(d: StationDriver, db: Database) -> None:
    d.feed(LineEntered(plain_gtin(db)))
    answer_all(d)
    assert d.state.step is Step.RESULT
    d.feed(KeyPressed(Key.ENTER))
    assert d.state.step is Step.READY and d.state.last_saved is not None


# How to reach each step from a signed-in station ---------------------------------------------------
def at_ready(d: StationDriver, db: Database) -> None:
    pass


def at_describe(d: StationDriver, db: Database) -> None:
    d.feed(LineEntered(UNKNOWN_GTIN))


def at_category(d: StationDriver, db: Database) -> None:
    at_describe(d, db)
    d.feed(TextEntered("grey toaster, dented"))


def at_serial(d: StationDriver, db: Database) -> None:
    rma, gtin, _ = rma_line_with_serial(db)
    d.feed(LineEntered(rma))
    d.feed(LineEntered(gtin))


def at_question(d: StationDriver, db: Database) -> None:
    d.feed(LineEntered(plain_gtin(db)))


def at_result(d: StationDriver, db: Database) -> None:
    at_question(d, db)
    answer_all(d)


def at_resume(d: StationDriver, db: Database) -> None:
    at_question(d, db)
    d.feed(DigitPressed(2))
    d.feed(SignedIn(d.desk.sign_in("B1001", "1111")))


def at_void_reason(d: StationDriver, db: Database) -> None:
    finish_item(d, db)
    d.feed(FunctionKey(8))


def at_void_note(d: StationDriver, db: Database) -> None:
    at_void_reason(d, db)
    other = next(c for c in d.state.choices if c.code == "other")
    d.feed(DigitPressed(other.key))


def at_totes(d: StationDriver, db: Database) -> None:
    finish_item(d, db)
    d.feed(FunctionKey(10))


def at_flag_note(d: StationDriver, db: Database) -> None:
    finish_item(d, db)
    d.feed(FunctionKey(7))


STEPS: dict[Step, Callable[[StationDriver, Database], None]] = {
    Step.READY: at_ready, Step.DESCRIBE: at_describe, Step.CATEGORY: at_category, Step.SERIAL: at_serial,
    Step.QUESTION: at_question, Step.RESULT: at_result, Step.RESUME: at_resume, Step.VOID_REASON: at_void_reason,
    Step.VOID_NOTE: at_void_note, Step.TOTES: at_totes, Step.FLAG_NOTE: at_flag_note,
}


def inputs(db: Database) -> dict[str, Input]:
    rma, _ = rma_line_plain(db)
    gtin = product_where(db, serialized=False, category="general").gtin
    return {
        "product": LineEntered(str(gtin)),
        "gs1": LineEntered(f"]C101{str(gtin).zfill(14)}\x1d21SN12345678"),
        "rma": LineEntered(rma),
        "lpn": LineEntered("LP-D01-0000001"),
        "tote": LineEntered("TOTE-D01-00001"),
        "badge": LineEntered("B2001"),
        "command": LineEntered("CMD-BACK"),
        "unknown": LineEntered("%%%???"),
        "typed": LineEntered("blue kettle", False),
        "free_text": TextEntered("blue kettle"),
        "digit": DigitPressed(1),
        "zero": DigitPressed(0),
        "enter": KeyPressed(Key.ENTER),
        "backspace": KeyPressed(Key.BACKSPACE),
        "esc": KeyPressed(Key.ESC),
        "f2": FunctionKey(2),
        "f8": FunctionKey(8),
        "f9": FunctionKey(9),
        "f10": FunctionKey(10),
        "f12": FunctionKey(12),
    }


# Enter or Backspace with nothing to confirm or undo is a no-op on these screens; everything else answers.
SILENT_OK = {("enter", Step.READY), ("backspace", Step.READY), ("enter", Step.SERIAL), ("backspace", Step.SERIAL),
             ("enter", Step.DESCRIBE), ("backspace", Step.DESCRIBE), ("enter", Step.CATEGORY),
             ("backspace", Step.CATEGORY), ("enter", Step.VOID_REASON), ("backspace", Step.VOID_REASON),
             ("enter", Step.TOTES), ("backspace", Step.TOTES), ("enter", Step.VOID_NOTE),
             ("backspace", Step.RESUME), ("command", Step.READY), ("command", Step.SERIAL),
             ("command", Step.DESCRIBE), ("command", Step.CATEGORY), ("command", Step.VOID_REASON),
             ("command", Step.TOTES), ("esc", Step.READY), ("command", Step.RESUME)}


@pytest.mark.parametrize("step", list(STEPS))
def test_every_input_at_every_step_is_answered_and_never_sticks(signed_in: StationDriver, db: Database,
                                                                 step: Step) -> None:
    STEPS[step](signed_in, db)
    assert signed_in.state.step is step
    start = signed_in.state
    for name, event in inputs(db).items():
        signed_in.state = start
        signed_in.actions.clear()
        calls = len(signed_in.calls)
        after = signed_in.feed(event)
        where = f"{name} at {step}"
        assert after.idle, where  # nothing left waiting: the station keeps taking input
        assert not [a for a in signed_in.actions if isinstance(a, LogError)], where  # no bug on any path
        responded = after != start or signed_in.actions or len(signed_in.calls) > calls
        assert responded or (name, step) in SILENT_OK, f"{where} was silently dropped"


def test_all_failures_on_the_matrix_are_typed_errors(signed_in: StationDriver, db: Database) -> None:
    from app.errors import ReturnsDeskError

    for step, reach in STEPS.items():
        reach(signed_in, db)
        for event in inputs(db).values():
            signed_in.feed(event)
        signed_in.feed(SignedIn(signed_in.desk.sign_in("B1001", "1111")))
        if signed_in.state.step is Step.RESUME:
            signed_in.feed(KeyPressed(Key.ESC))
        assert signed_in.state.step is Step.READY, step
    assert all(isinstance(e, ReturnsDeskError) for e in signed_in.failures), signed_in.failures


# What workers hit --------------------------------------------------------------------------------------
def test_a_typed_rma_at_ready_is_taken(signed_in: StationDriver, db: Database) -> None:
    rma, _ = rma_line_plain(db)
    signed_in.feed(LineEntered(rma, is_burst=False))
    assert signed_in.state.pending_rma == rma


def test_lower_case_rma_is_an_rma(signed_in: StationDriver, db: Database) -> None:
    rma, _ = rma_line_plain(db)
    signed_in.feed(LineEntered(rma.lower(), is_burst=False))
    assert signed_in.state.pending_rma == rma


def test_a_lone_digit_at_ready_is_never_dropped(signed_in: StationDriver) -> None:
    signed_in.feed(DigitPressed(7))
    assert signed_in.state.message is not None and "Type the whole code" in signed_in.state.message.text
    signed_in.feed(LineEntered("7", is_burst=False))
    assert signed_in.state.message is not None and signed_in.state.message.tone is Tone.BAD


def test_esc_and_cancel_barcode_leave_the_unknown_item_description(signed_in: StationDriver, db: Database) -> None:
    at_describe(signed_in, db)
    signed_in.feed(KeyPressed(Key.ESC))
    assert signed_in.state.step is Step.READY
    at_describe(signed_in, db)
    signed_in.feed(TextEntered("CMD-CANCEL"))  # scanned into the free-text field
    assert signed_in.state.step is Step.READY and signed_in.state.unknown_description is None


def test_the_next_operator_starts_without_the_last_ones_message(signed_in: StationDriver) -> None:
    signed_in.feed(LineEntered("%%%???"))
    assert signed_in.state.message is not None
    signed_in.feed(FunctionKey(12))
    signed_in.feed(SignedIn(signed_in.desk.sign_in("B2001", "2222")))
    assert signed_in.state.message is None and signed_in.state.operator is not None
    assert signed_in.state.operator.badge == "B2001"


def test_a_voided_item_is_regraded_by_scanning_its_lpn(signed_in: StationDriver, db: Database) -> None:
    finish_item(signed_in, db)
    saved = signed_in.state.last_saved
    assert saved is not None
    signed_in.feed(FunctionKey(8))
    wrong = next(c for c in signed_in.state.choices if c.code != "other")
    signed_in.feed(DigitPressed(wrong.key))
    assert signed_in.state.last_saved is not None and signed_in.state.last_saved.status == ItemStatus.VOIDED
    assert signed_in.state.message is not None and "regrade" in signed_in.state.message.text
    signed_in.feed(LineEntered(str(saved.lpn)))
    item = signed_in.state.item
    assert signed_in.state.step is Step.QUESTION and item is not None
    assert item.product == saved.product and item.status == ItemStatus.DRAFT and item.id != saved.id


def test_supervisor_voids_a_looked_up_item_with_f8(driver: StationDriver, db: Database) -> None:
    driver.feed(SignedIn(driver.desk.sign_in("B1001", "1111")))
    finish_item(driver, db)
    lpn = driver.state.last_saved.lpn if driver.state.last_saved else None
    driver.feed(FunctionKey(12))
    driver.feed(SignedIn(driver.desk.sign_in("B2001", "2222")))
    assert driver.state.last_saved is None
    driver.feed(LineEntered(str(lpn)))
    assert driver.state.looked_up is not None
    driver.feed(FunctionKey(8))
    assert driver.state.step is Step.VOID_REASON and driver.state.void_target is not None
    assert driver.state.void_target.lpn == lpn
    driver.feed(DigitPressed(1))
    assert driver.state.last_saved is not None and driver.state.last_saved.status == ItemStatus.VOIDED


def test_a_worker_cannot_void_anothers_item_the_core_refuses(driver: StationDriver, db: Database) -> None:
    driver.feed(SignedIn(driver.desk.sign_in("B2001", "2222")))
    finish_item(driver, db)
    lpn = driver.state.last_saved.lpn if driver.state.last_saved else None
    driver.feed(FunctionKey(12))
    driver.feed(SignedIn(driver.desk.sign_in("B1001", "1111")))
    driver.feed(LineEntered(str(lpn)))
    driver.feed(FunctionKey(8))
    driver.feed(DigitPressed(1))
    assert driver.state.message is not None and "supervisor" in driver.state.message.text
    assert driver.state.step is Step.READY


def test_question_count_never_grows_along_an_item(signed_in: StationDriver, db: Database) -> None:
    for category in ("electronics", "small_appliances", "apparel", "general"):
        product = product_where(db, category=category, serialized=False)
        signed_in.feed(LineEntered(str(product.gtin)))
        totals = []
        for pick in (2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1):
            if signed_in.state.question is None:
                break
            assert signed_in.state.item is not None
            totals.append(signed_in.state.item.progress[1])
            question = signed_in.state.question
            if question.kind == "number":
                signed_in.feed(LineEntered("90", False))
            else:
                signed_in.feed(DigitPressed(min(pick, len(question.options))))
        assert totals == sorted(totals, reverse=True), (category, totals)
        signed_in.feed(KeyPressed(Key.ESC))
        signed_in.feed(KeyPressed(Key.ESC))
        assert signed_in.state.step is Step.READY


def test_nothing_else_wrong_answers_the_rest_and_is_recorded(signed_in: StationDriver, db: Database) -> None:
    product = product_where(db, category="small_appliances", serialized=False)
    signed_in.feed(LineEntered(str(product.gtin)))
    signed_in.feed(DigitPressed(2))  # not sealed: the inspection is asked
    steps = 0
    while signed_in.state.step is Step.QUESTION and steps < 10:
        signed_in.feed(LineEntered("CMD-NOFAULT") if steps % 2 else DigitPressed(0))
        if signed_in.state.step is Step.QUESTION and signed_in.state.message is not None:
            signed_in.feed(DigitPressed(2))  # a never-skip question: answered by hand ("No" to "does it leak")
        steps += 1
    item = signed_in.state.item
    assert signed_in.state.step is Step.RESULT and item is not None
    assert item.auto_answered and item.grade in ("A", "B"), item  # opened, nothing wrong: like new or very good
    signed_in.feed(KeyPressed(Key.ENTER))
    saved = signed_in.state.last_saved
    assert saved is not None and saved.auto_answered == item.auto_answered


def test_inputs_while_a_call_is_out_wait_in_order() -> None:
    flow = StationFlow(Patterns())
    state = replace(StationState(), pending=Request(Op.CHECK_RMA, ("RMA100001",)))
    state, actions = flow.feed(state, DigitPressed(1))
    state, more = flow.feed(state, KeyPressed(Key.ESC))
    assert actions == more == [] and len(state.queue) == 2
    state, actions = flow.feed(state, Done(Request(Op.CHECK_RMA, ("RMA100001",)), "RMA100001"))
    # The RMA was taken first, then the digit was answered with a message, then Esc forgot the RMA.
    assert state.pending_rma is None and state.idle and Beep(True) in actions


def test_a_bug_in_a_result_handler_becomes_a_message_and_the_queue_moves() -> None:
    flow = StationFlow(Patterns())
    state = replace(StationState(), pending=Request(Op.SAVE, ()), queue=(FunctionKey(9),))
    state, actions = flow.feed(state, Done(Request(Op.SAVE, ()), "not a saved item"))
    assert state.message is not None and state.message.tone is Tone.BAD and "tell IT" in state.message.text
    assert any(isinstance(a, LogError) for a in actions)
    assert Notify(Notice.PRINT_QUEUE) in actions and state.idle


def test_checklist_changed_under_an_open_draft_is_said_and_esc_still_works(
        signed_in: StationDriver, db: Database) -> None:
    at_question(signed_in, db)
    item = signed_in.state.item
    assert item is not None
    checklists = dict(signed_in.desk.ctx.configuration.checklists)
    template = checklists[item.category]
    checklists[item.category] = replace(template, version=template.version + 1)
    signed_in.desk.ctx.configuration = replace(signed_in.desk.ctx.configuration, checklists=checklists)
    signed_in.feed(DigitPressed(1))
    assert signed_in.state.message is not None and "no longer installed" in signed_in.state.message.text
    assert signed_in.state.idle
    signed_in.feed(SignedIn(signed_in.desk.sign_in("B1001", "1111")))
    assert signed_in.state.step is Step.RESUME
    assert signed_in.state.message is not None and "no longer installed" in signed_in.state.message.text
    signed_in.feed(KeyPressed(Key.ENTER))
    assert signed_in.state.step is Step.RESUME  # cannot continue it
    signed_in.feed(KeyPressed(Key.ESC))
    assert signed_in.state.step is Step.READY


@pytest.mark.parametrize("serial, ok", [("EXPECTED", True), ("=HYPERLINK(1)", False), ("^XA^FDx", False),
                                        ("abc\x07def", False), ("RMA100001", False)])
def test_the_serial_step_checks_what_a_serial_can_be(signed_in: StationDriver, db: Database, serial: str,
                                                    ok: bool) -> None:
    at_serial(signed_in, db)
    _, _, expected = rma_line_with_serial(db)
    signed_in.feed(LineEntered(expected if serial == "EXPECTED" else serial, False))
    assert (signed_in.state.step is not Step.SERIAL) is ok, signed_in.state.message


def test_an_rma_at_the_serial_step_links_instead_of_becoming_the_serial(signed_in: StationDriver,
                                                                       db: Database) -> None:
    _, gtin, _ = rma_line_with_serial(db)
    signed_in.feed(LineEntered(gtin))
    assert signed_in.state.step is Step.SERIAL
    rma, _, _ = rma_line_with_serial(db)
    signed_in.feed(LineEntered(rma))
    item = signed_in.state.item
    assert item is not None and item.serial is None and item.rma_line is not None
