"""Keyboard-wedge scanners, application-wide: a scan reaches the station whatever widget has focus.

Two paths feed one `BurstDecoder` (app.scanning.wedge, pure timing logic):
- keys sent to the station screen itself (`handle_key`): scans, typed lines, number keys, Enter, Esc…;
- keys sent to any other widget of the station's window (an application event filter): printable keys
  are held back while they might be a scanner burst; a burst ended by a terminator becomes a scan and
  never reaches the widget, anything else (a person typing) is replayed to the widget unchanged, in order,
  as soon as the burst gap passes or a non-burst key arrives.
A widget whose `scannerRaw` property is true (a "scan the tote" field, the setup wizard, a free-text
field) gets every key untouched. Key times come from the event (when the window system gives one), so a
busy GUI thread that delivers a person's keys late does not make them look like a burst.
"""

from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.scanning.normalize import GS, ScanFormat
from app.scanning.wedge import BurstDecoder, Line

TERMINATOR_KEYS = {"enter": (Qt.Key.Key_Return, Qt.Key.Key_Enter), "tab": (Qt.Key.Key_Tab,)}
RAW_PROPERTY = "scannerRaw"
_HOLDABLE_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


def key_text(event: QKeyEvent) -> str | None:
    """The character a key press types, GS (ASCII 29, or Ctrl+] as wedges send it) included."""
    text = event.text()
    if text == GS or (event.key() == Qt.Key.Key_BracketRight
                      and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
        return GS
    if text and text.isprintable() and not (event.modifiers() & ~_HOLDABLE_MODIFIERS):
        return text
    return None


def event_ms(event: QKeyEvent) -> float:
    """When the key was pressed: the window system's time stamp, or now (synthetic events carry 0)."""
    stamp = event.timestamp()
    return float(stamp) if stamp else time.monotonic() * 1000.0


class WedgeInput(QObject):
    line_entered = Signal(object)  # Line, normalised (ASCII 29 for GS, no prefix/suffix)
    single_key = Signal(str)
    confirm = Signal()
    back = Signal()
    cancel = Signal()
    function_key = Signal(int)  # 1..12
    buffer_changed = Signal(str)

    def __init__(self, gap_ms: int, terminators: str, parent: QObject | None = None, *,
                 min_length: int = 4, scan_format: ScanFormat | None = None) -> None:
        super().__init__(parent)
        self.decoder = BurstDecoder()  # keys sent to the station screen
        self._held_decoder = BurstDecoder()  # keys held back from other widgets (kept apart: no mixing)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._idle)
        self.configure(gap_ms, terminators, min_length, scan_format or ScanFormat())
        self._single_keys = True
        self._home: QWidget | None = None
        self._held: list[tuple[QWidget, int, Qt.KeyboardModifier, str]] = []  # target, key, modifiers, text
        self._replaying = False

    def configure(self, gap_ms: int, terminators: str, min_length: int, scan_format: ScanFormat) -> None:
        """Settings, at start and when the setup wizard saves new ones."""
        for decoder in (self.decoder, self._held_decoder):
            decoder.gap_ms = gap_ms
            decoder.min_burst_length = min_length
        self.scan_format = scan_format
        self._terminators = {k for name in terminators.split(",") for k in TERMINATOR_KEYS.get(name.strip(), ())}
        self._gap_ms = gap_ms

    @property
    def single_keys(self) -> bool:
        """On where a lone digit answers (the station core says where); off, a digit waits for Enter."""
        return self._single_keys

    @single_keys.setter
    def single_keys(self, on: bool) -> None:
        was, self._single_keys = self._single_keys, on
        # A digit typed while the last answer was saving waited in the line: once digits answer again it is
        # handed over (at the next event loop turn, never inside the station's render), unless the gap
        # timer is about to do it.
        if on and not was and not self._timer.isActive() and self._lone_digit():
            self._timer.start(0)

    def _lone_digit(self) -> bool:
        text = self.decoder.text
        return len(text) == 1 and text.isdigit()

    # The station screen's own keys -------------------------------------------------------------------
    def handle_key(self, event: QKeyEvent) -> bool:
        """Feed one key press sent to the station screen; True when it was used."""
        self._release_held()
        key = event.key()
        if key in self._terminators:
            self._timer.stop()
            line = self.decoder.terminator(event_ms(event))
            self.buffer_changed.emit("")
            if line is None:
                self.confirm.emit()
            else:
                self._emit_line(line)
            return True
        if key == Qt.Key.Key_Backspace:
            if self.decoder.backspace():
                self.buffer_changed.emit(self.decoder.text)
            else:
                self.back.emit()
            return True
        if key == Qt.Key.Key_Escape:
            if self.decoder.text:
                self.decoder.clear()
                self.buffer_changed.emit("")
            else:
                self.cancel.emit()
            return True
        if Qt.Key.Key_F1 <= key <= Qt.Key.Key_F12:
            self.function_key.emit(key - Qt.Key.Key_F1 + 1)
            return True
        char = key_text(event)
        if char is not None:
            self.decoder.key(char, event_ms(event))
            self.buffer_changed.emit(self.decoder.text)
            self._timer.start(self._gap_ms + 5)
            return True
        return False

    def feed_line(self, line: Line) -> None:
        """For the serial path and tests: deliver a whole line as if scanned."""
        self._emit_line(line)

    def _emit_line(self, line: Line) -> None:
        text = line.text
        is_burst = line.is_burst or self.scan_format.has_prefix(text)
        self.line_entered.emit(Line(self.scan_format.normalise(text), is_burst))

    def _idle(self) -> None:
        self._release_held()
        # A lone digit answers at once where the screen says digits answer; anything else (a letter, or any
        # key at Ready) starts a typed code: it stays in the line, shown, until Enter.
        if not self._single_keys or not self._lone_digit():
            return
        # The timer fired a gap after the last key was handled, so the gap has passed since it was pressed.
        char = self.decoder.idle(float("inf"))
        if char is not None:
            self.buffer_changed.emit("")
            self.single_key.emit(char)

    # Keys sent to every other widget of the window -------------------------------------------------
    def attach(self, home: QWidget) -> None:
        """Capture scans app-wide for `home` (the station screen) while it is shown.

        The filter sits on the focused widget only, moved as the focus moves: a key goes to the focus widget
        first, and an application-wide Python filter would be called for every Qt event (paints, timers,
        layout: ~6,000 a graded item, 14% of the GUI thread)."""
        self._home = home
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._follow_focus)
            self._follow_focus(None, QApplication.focusWidget())

    def _follow_focus(self, old: QWidget | None, new: QWidget | None) -> None:
        if old is not None and shiboken6.isValid(old):
            old.removeEventFilter(self)
        # The station screen's own keys come through `handle_key`: a filter there would see each of its
        # events (paints, layout, timers) in Python for nothing.
        if new is not None and new is not self._home:
            new.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self._replaying or event.type() != QEvent.Type.KeyPress or not self._captures(obj):
            return False
        assert isinstance(event, QKeyEvent) and isinstance(obj, QWidget)
        char = key_text(event)
        if event.key() in self._terminators and self._held:
            if self._held_decoder.is_burst(event_ms(event)) or self.scan_format.has_prefix(self._held_decoder.text):
                line = self._held_decoder.terminator(event_ms(event))
                self._held.clear()
                self._timer.stop()
                assert line is not None
                self._emit_line(Line(line.text, True))
                return True
            self._release_held()
            return False
        if char is not None and not event.isAutoRepeat():
            now, last = event_ms(event), self._held_decoder.last_time
            if self._held and (self._held[-1][0] is not obj or last is None or now - last >= self._held_decoder.gap_ms):
                self._release_held()  # too slow for a scanner: what is held was typed
            self._held_decoder.key(char, now)
            self._held.append((obj, event.key(), event.modifiers(), event.text() or char))
            self._timer.start(self._gap_ms + 5)
            return True
        self._release_held()
        return False

    def _captures(self, obj: QObject) -> bool:
        home = self._home
        if home is None or not isinstance(obj, QWidget) or obj is home or not home.isVisible():
            return False
        if obj is not QApplication.focusWidget() or obj.window() is not home.window():
            return False  # a parent seeing the key again, or another window (a dialog)
        return not bool(obj.property(RAW_PROPERTY))

    def _release_held(self) -> None:
        """Give held keys back to their widget: it was a person typing, not a scanner."""
        if not self._held:
            return
        held, self._held = self._held, []
        self._held_decoder.clear()
        self._replaying = True
        try:
            for target, key, modifiers, text in held:
                if shiboken6.isValid(target):
                    QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, key, modifiers, text))
        finally:
            self._replaying = False
