"""A person typing at every step of the real window, at 60-300 ms a key, and a scanner burst at each step.

Typed keys go to whatever widget has the focus, as the window system sends them, with real waits between
them (QTest's events carry no time stamp, so the wedge reads the monotonic clock: the waits are what it
measures). After every key the scan line (or the free-text field) must show exactly what was typed so far,
and Enter must submit it. A burst is keys 4 ms apart by their time stamps, ended by Enter.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from app.db.models import ReturnItem
from app.db.uow import Database
from app.domain.vocab import VOID_REASONS
from app.station.state import Step
from tests.helpers import gtin_where, rma_line_plain, rma_line_with_serial
from tests.ui.conftest import Station

BURST = 0  # "speed" of a scanner: keys 4 ms apart by their time stamps
BURST_GAP_MS = 4
SLOWEST = pytest.param(300, marks=pytest.mark.slow, id="300")  # a few seconds for a whole code
RMA = "RMA100054"  # the code of the report: typed at Ready it did nothing, or lost its first key

Shown = Callable[[], str]


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus: typed keys would go nowhere"
    return widget


class Typist:
    """Types into the focused widget at a given speed and checks what the screen shows after every key."""

    def __init__(self, station: Station) -> None:
        self.station = station
        self.qtbot = station.qtbot
        self._stamp = 5_000_000

    def scan_line(self) -> str:
        return self.station.view.scan_field.text()

    def text_field(self) -> str:
        return self.station.view.text_field.text()

    def type(self, text: str, ms: int, shown: Shown | None = None) -> None:
        """Type `text` (not Enter) at `ms` a key, or as a burst when `ms` is BURST."""
        if ms == BURST:
            self._burst(text)
            return
        show = shown or self.scan_line
        for n, char in enumerate(text, start=1):
            self.qtbot.keyClick(focused(), char)
            assert show() == text[:n], f"after key {n} of {text!r} at {ms} ms a key"
            self.qtbot.wait(ms)
            assert show() == text[:n], f"{ms} ms after key {n} of {text!r}"

    def enter(self, ms: int = 150) -> None:
        if ms == BURST:
            self._send(Qt.Key.Key_Return, "")
        else:
            self.qtbot.keyClick(focused(), Qt.Key.Key_Return)
        self.station.wait_idle()

    def line(self, text: str, ms: int, shown: Shown | None = None) -> None:
        self.type(text, ms, shown)
        self.enter(ms)

    def _burst(self, text: str) -> None:
        for char in text:
            key = Qt.Key(ord(char.upper())) if char.isalnum() else Qt.Key.Key_Space
            self._send(key, char)

    def _send(self, key: Qt.Key, text: str) -> None:
        self._stamp += BURST_GAP_MS
        event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, text)
        event.setTimestamp(self._stamp)
        QApplication.sendEvent(focused(), event)


@pytest.fixture
def typist(station: Station) -> Typist:
    station.sign_in()
    assert focused() is station.view, "after sign-in the station screen must have the keyboard focus"
    return Typist(station)


def _press_answers_until(station: Station, question_id: str) -> None:
    """Answer with number keys (a burst would be the same) until `question_id` is on screen."""
    keys = {"sealed": "2", "powers_on": "1", "screen": "1", "liquid_damage": "2", "battery_swollen": "2"}
    while (question := station.controller.question()) is not None and question.id != question_id:
        station.press(keys[question.id])
    assert question is not None and question.id == question_id


# Ready --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ms", [60, 80, 150, SLOWEST, BURST])
def test_rma_typed_at_ready(typist: Typist, ms: int) -> None:
    typist.line(RMA, ms)
    assert typist.station.controller.state.pending_rma == RMA
    assert f"RMA {RMA} scanned" in typist.station.texts()
    assert typist.scan_line() == "▍ Scan or type…"  # the line is empty again, ready for the next code


@pytest.mark.parametrize("ms", [60, 150, BURST])
def test_gtin_typed_at_ready_starts_the_item(typist: Typist, db: Database, ms: int) -> None:
    gtin = gtin_where(db, serialized=False, category="apparel")
    typist.line(gtin, ms)
    item = typist.station.controller.item
    assert item is not None and item.product is not None and item.product.gtin == gtin
    assert typist.station.controller.step is Step.QUESTION


@pytest.mark.parametrize("ms", [80, BURST])
def test_lower_case_rma_typed_at_ready(typist: Typist, ms: int) -> None:
    typist.line(RMA.lower(), ms)
    assert typist.station.controller.state.pending_rma == RMA


@pytest.mark.parametrize("digit", ["0", "7"])
def test_single_digit_at_ready_stays_on_screen_and_enter_says_why(typist: Typist, digit: str) -> None:
    typist.type(digit, 300)
    typist.qtbot.wait(200)  # well past the burst gap: the digit is still there, not taken nor dropped
    assert typist.scan_line() == digit
    typist.enter()
    assert typist.station.controller.step is Step.READY
    assert digit in typist.station.banner() and typist.station.controller.feedback.last == "bad"


# A choice question ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("ms", [60, 150, BURST])
def test_rma_typed_at_a_choice_question_links_it(typist: Typist, db: Database, ms: int) -> None:
    rma, gtin = rma_line_plain(db)
    typist.station.scan(gtin)
    question = typist.station.controller.question()
    assert question is not None and question.kind != "number" and typist.station.controller.wedge.single_keys
    typist.line(rma, ms)
    item = typist.station.controller.item
    assert item is not None and item.rma_line is not None and item.rma_line.rma_number == rma
    assert typist.station.controller.question() == question  # linking answered nothing
    assert item.answers == {}


# A number question ----------------------------------------------------------------------------------------
@pytest.fixture
def at_battery_health(typist: Typist, db: Database) -> Typist:
    rma, gtin, serial = rma_line_with_serial(db)
    station = typist.station
    station.scan(rma)
    station.scan(gtin)
    station.scan(serial)
    _press_answers_until(station, "battery_health")
    assert not station.controller.wedge.single_keys  # a number question waits for Enter
    return typist


@pytest.mark.parametrize("ms", [60, 80, 150, 300, BURST])
def test_number_typed_at_a_number_question(at_battery_health: Typist, ms: int) -> None:
    typist = at_battery_health
    typist.line("86", ms)
    item = typist.station.controller.item
    assert item is not None and item.answers.get("battery_health") == 86
    question = typist.station.controller.question()
    assert question is None or question.id != "battery_health"


# The serial step ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ms", [60, 150, BURST])
def test_serial_typed_at_the_serial_step(typist: Typist, db: Database, ms: int) -> None:
    rma, gtin, serial = rma_line_with_serial(db)
    typist.station.scan(rma)
    typist.station.scan(gtin)
    assert typist.station.controller.step is Step.SERIAL
    typist.line(serial, ms)
    item = typist.station.controller.item
    assert item is not None and item.serial == serial and "serial_mismatch" not in item.flags
    assert typist.station.controller.step is Step.QUESTION


# Free text: the unknown item's description and the void note ---------------------------------------------
@pytest.mark.parametrize("ms", [60, SLOWEST, BURST])
def test_description_typed_for_an_unknown_item(typist: Typist, ms: int) -> None:
    station = typist.station
    station.scan("4006381333931")  # a valid GTIN the catalog does not have
    assert station.controller.step is Step.DESCRIBE and focused() is station.view.text_field
    typist.line("red mug", ms, typist.text_field)
    assert station.controller.step is Step.CATEGORY
    assert station.controller.state.unknown_description == "red mug"


@pytest.mark.parametrize("ms", [80, 150, BURST])
def test_void_note_typed(typist: Typist, db: Database, ms: int) -> None:
    station = typist.station
    station.scan(gtin_where(db, serialized=False, category="apparel"))
    station.answer_all()
    station.key(Qt.Key.Key_Return)
    station.key(Qt.Key.Key_F8)
    station.press(str(list(VOID_REASONS).index("other") + 1))
    assert station.controller.step is Step.VOID_NOTE and focused() is station.view.text_field
    typist.line("torn box", ms, typist.text_field)
    assert station.controller.step is Step.READY and "voided" in station.banner()
    with db.unit_of_work() as uow:
        row = uow.session.scalars(select(ReturnItem)).one()
        assert row.status == "voided" and row.void_reason is not None and "torn box" in row.void_reason


# Typing ahead while the database is busy ------------------------------------------------------------------
def hold_write_lock(db: Database, ms: int) -> None:
    """Another process's write transaction on the station's SQLite file, for `ms` (e.g. a sync push)."""
    other = sqlite3.connect(db.url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")

    def release() -> None:
        other.rollback()
        other.close()

    QTimer.singleShot(ms, release)


def test_number_typed_ahead_while_the_last_answer_is_saving(typist: Typist, db: Database) -> None:
    """"2" answers the choice question; "86" typed right after is the next (number) question's answer, even
    when the database takes its time to save the "2": the 8 is not taken as an answer on its own."""
    rma, gtin, serial = rma_line_with_serial(db)
    station = typist.station
    for code in (rma, gtin, serial):
        station.scan(code)
    _press_answers_until(station, "battery_swollen")
    hold_write_lock(db, 600)
    typist.qtbot.keyClick(focused(), "2")
    typist.qtbot.wait(80)
    typist.type("86", 80)
    typist.enter()
    item = station.controller.item
    assert item is not None and item.answers.get("battery_swollen") == "no"
    assert item.answers.get("battery_health") == 86


def test_two_answers_typed_ahead_while_saving(typist: Typist, db: Database) -> None:
    """Two choice answers in a row, the second pressed while the first is still being saved."""
    station = typist.station
    station.scan(gtin_where(db, serialized=False, category="apparel"))
    first = station.controller.question()
    assert first is not None
    hold_write_lock(db, 500)
    typist.qtbot.keyClick(focused(), "2")
    typist.qtbot.wait(120)
    typist.qtbot.keyClick(focused(), "1")
    typist.qtbot.waitUntil(lambda: len(station.controller.item.answers) == 2, timeout=5000)  # type: ignore[union-attr]
    station.wait_idle()
    assert typist.scan_line() == "▍ Scan or type…"
