"""F6 switches a supervisor from the station to the board; a worker is told it is not theirs."""

from __future__ import annotations

from app.station.actions import Notice, Notify
from app.station.driver import StationDriver
from app.station.inputs import FunctionKey, LineEntered, SignedIn
from app.station.state import Step, Tone
from tests.helpers import product_where


def test_f6_opens_the_board_for_a_supervisor_at_ready(driver: StationDriver) -> None:
    driver.feed(SignedIn(driver.desk.sign_in("B2001", "2222")))
    driver.feed(FunctionKey(6))
    assert Notify(Notice.BOARD) in driver.actions


def test_f6_is_refused_to_a_worker_in_words(signed_in: StationDriver) -> None:
    state = signed_in.feed(FunctionKey(6))
    assert Notify(Notice.BOARD) not in signed_in.actions
    assert state.message is not None and state.message.tone is Tone.BAD and "supervisor" in state.message.text


def test_f6_waits_for_the_item_on_screen(driver: StationDriver) -> None:
    driver.feed(SignedIn(driver.desk.sign_in("B2001", "2222")))
    state = driver.feed(LineEntered(product_where(driver.desk.db, serialized=False).gtin or "", True))
    assert state.step is not Step.READY
    state = driver.feed(FunctionKey(6))
    assert Notify(Notice.BOARD) not in driver.actions and state.message is not None
    assert "Finish this item first" in state.message.text
