"""The keyboard wedge, app-wide, with realistic key timing: QKeyEvents carry the times a scanner (5-20 ms
per key) or a person (100+ ms) would give them, and go through the real WedgeInput into the real window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from tests.helpers import product_where
from ui.screens.station_controller import Step
from ui.wedge_input import RAW_PROPERTY

GS = "\x1d"
KEYS = {"\r": Qt.Key.Key_Return, "\t": Qt.Key.Key_Tab, GS: Qt.Key.Key_BracketRight}


class Keyboard:
    """Sends key presses with explicit time stamps to whatever widget has focus, as the window system does."""

    def __init__(self) -> None:
        self.t = 1_000_000.0

    def type(self, text: str, gap_ms: float, target: QWidget | None = None) -> None:
        for char in text:
            self.t += gap_ms
            key = KEYS.get(char, Qt.Key(ord(char.upper())) if char.isalnum() else Qt.Key.Key_unknown)
            modifiers = Qt.KeyboardModifier.NoModifier
            event = QKeyEvent(QEvent.Type.KeyPress, key, modifiers, "" if char in "\r\t" else char)
            event.setTimestamp(int(self.t))
            QApplication.sendEvent(target or QApplication.focusWidget(), event)

    def scan(self, code: str, target: QWidget | None = None, gap_ms: float = 8.0, end: str = "\r") -> None:
        self.type(code + end, gap_ms, target)


def other_field(station) -> QLineEdit:
    """A text field elsewhere in the window (like a search box), with the keyboard focus."""
    field = QLineEdit()
    station.window.statusBar().addWidget(field)
    field.show()
    field.setFocus()
    QApplication.processEvents()
    assert QApplication.focusWidget() is field
    return field


def test_scan_with_scanner_timing_starts_an_item(station, db):
    station.sign_in()
    keyboard = Keyboard()
    keyboard.scan(product_where(db, serialized=False).gtin, station.view, gap_ms=12.0)
    station.wait_idle()
    assert station.controller.step is Step.QUESTION


def test_gs_key_events_make_a_gs1_scan_with_lot_and_serial(station, db, qtbot):
    station.sign_in()
    gtin = product_where(db, serialized=True).gtin
    lines = []
    station.controller.wedge.line_entered.connect(lines.append)
    Keyboard().scan(f"]C101{gtin}10LOT42{GS}21SN-77", station.view)
    # Ctrl+] is how many wedges type GS: the key event may carry no text at all.
    event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier, "")
    from ui.wedge_input import key_text

    assert key_text(event) == GS
    station.wait_idle()
    assert lines[0].text == f"]C101{gtin}10LOT42{GS}21SN-77" and lines[0].is_burst
    item = station.controller.item
    assert item is not None and item.lot == "LOT42" and item.serial == "SN-77"


def test_lost_gs_is_refused_with_the_setup_hint(station, db):
    station.sign_in()
    gtin = product_where(db, serialized=False).gtin
    Keyboard().scan(f"01{gtin}10LOT4221SN-77", station.view)
    station.wait_idle()
    assert station.controller.step is Step.READY and station.controller.item is None
    assert "not sending GS1 separators" in station.banner()


def test_scan_while_another_widget_has_focus_reaches_the_station(station, db):
    station.sign_in()
    field = other_field(station)
    Keyboard().scan(product_where(db, serialized=False).gtin, gap_ms=6.0)
    station.wait_idle()
    assert station.controller.step is Step.QUESTION
    assert field.text() == ""  # not a single character leaked into the field
    assert QApplication.focusWidget() is field  # and the worker's focus was not moved


def test_typing_in_another_widget_passes_through_untouched(station, qtbot):
    station.sign_in()
    field = other_field(station)
    entered = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    keyboard = Keyboard()
    keyboard.type("Hello dock 42", gap_ms=140.0)  # a person: every gap above the threshold
    keyboard.type("\r", gap_ms=140.0)
    assert entered == ["Hello dock 42"]
    # Typed for real (time stamps 0, real pauses): held back during detection, then replayed in order.
    field.clear()
    qtbot.keyClicks(field, "abc", delay=60)
    qtbot.waitUntil(lambda: field.text() == "abc", timeout=2000)
    assert station.controller.step is Step.READY and station.controller.idle


def test_short_fast_typing_and_backspace_are_replayed(station, qtbot):
    station.sign_in()
    field = other_field(station)
    keyboard = Keyboard()
    keyboard.type("ok", gap_ms=10.0)  # fast, but only 2 characters: shorter than a scan
    keyboard.type("\r", gap_ms=10.0)
    assert field.text() == "ok"
    keyboard.type("x", gap_ms=200.0)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)  # a non-character key releases what is held first
    assert field.text() == "ok"


def test_raw_field_gets_scanner_text_untouched(station, db):
    station.sign_in()
    field = other_field(station)
    field.setProperty(RAW_PROPERTY, True)  # e.g. "scan the tote" field
    Keyboard().scan("TOTE-D01-00042", gap_ms=6.0, end="")
    assert field.text() == "TOTE-D01-00042"
    assert station.controller.step is Step.READY


def test_scanner_typing_into_the_station_screen_still_answers(station, db, qtbot):
    """Issue 2 behaviour kept: a lone digit released after the gap is an answer."""
    station.sign_in()
    station.scan(product_where(db, serialized=False).gtin)
    first = station.controller.question()
    station.press("1")
    assert station.controller.question() != first


def test_command_barcodes_do_what_their_keys_do(station, db, qtbot):
    station.sign_in()
    station.scan(product_where(db, serialized=False).gtin)
    first = station.controller.question()
    station.press("1")
    station.scan("CMD-BACK")
    assert station.controller.question() == first
    opened = []
    station.controller.setup_requested.connect(lambda: opened.append(True))
    station.scan("CMD-SETUP")
    assert opened == [True]
    station.scan("CMD-CANCEL")
    station.scan("CMD-CANCEL")
    assert station.controller.step is Step.READY and station.controller.item is None
    station.scan("CMD-SIGNOUT")
    assert station.window.stack.currentWidget() is station.window.sign_in_view


def test_sign_in_field_is_not_captured(station, qtbot):
    """Before sign-in the station screen is hidden: a badge scan goes into the badge field as typed text."""
    Keyboard().scan("B1001", station.window.sign_in_view.field, gap_ms=6.0)
    qtbot.waitUntil(lambda: "PIN" in station.window.sign_in_view.prompt.text(), timeout=5000)


def test_serial_step_refuses_a_garbled_serial(station, db):
    """A serial number typed under the wrong keyboard layout is never stored."""
    station.sign_in()
    station.scan(product_where(db, serialized=True).gtin)
    assert station.controller.step is Step.SERIAL
    Keyboard().scan("àà'é&&", station.view)  # 004211 on an AZERTY host (QTest cannot type non-ASCII)
    station.wait_idle()
    assert station.controller.step is Step.SERIAL and station.controller.item.serial is None
    assert "keyboard layout" in station.banner()
    station.scan("SN-0042-11")
    assert station.controller.item.serial == "SN-0042-11"
