"""Turns the station screen's key presses into scans, typed lines and single-key commands.

The timing logic lives in app.scanning.wedge (no Qt); this adds the clock and a timer that fires when a
lone key press has had no follower for the burst gap. Issue 3 widens this to an application-wide capture.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

from app.scanning.wedge import BurstDecoder, Line

TERMINATOR_KEYS = {"enter": (Qt.Key.Key_Return, Qt.Key.Key_Enter), "tab": (Qt.Key.Key_Tab,)}


class WedgeInput(QObject):
    line_entered = Signal(object)  # Line
    single_key = Signal(str)
    confirm = Signal()
    back = Signal()
    cancel = Signal()
    function_key = Signal(int)  # 1..12
    buffer_changed = Signal(str)

    def __init__(self, gap_ms: int, terminators: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.decoder = BurstDecoder(gap_ms=gap_ms)
        self._terminators = {k for name in terminators.split(",") for k in TERMINATOR_KEYS.get(name.strip(), ())}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._idle)
        self._gap_ms = gap_ms
        # Off while a number is being typed: then a lone digit waits for Enter instead of answering at once.
        self.single_keys = True

    @staticmethod
    def _now_ms() -> float:
        return time.monotonic() * 1000.0

    def handle_key(self, event: QKeyEvent) -> bool:
        """Feed one key press; True when it was used."""
        key = event.key()
        if key in self._terminators:
            self._timer.stop()
            line = self.decoder.terminator(self._now_ms())
            self.buffer_changed.emit("")
            if line is None:
                self.confirm.emit()
            else:
                self.line_entered.emit(line)
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
        text = event.text()
        if text and (text.isprintable() or text == "\x1d"):
            self.decoder.key(text, self._now_ms())
            self.buffer_changed.emit(self.decoder.text)
            self._timer.start(self._gap_ms + 5)
            return True
        return False

    def feed_line(self, line: Line) -> None:
        """For tests and the serial path: deliver a whole line as if typed."""
        self.line_entered.emit(line)

    def _idle(self) -> None:
        if not self.single_keys:
            return
        char = self.decoder.idle(self._now_ms())
        if char is not None:
            self.buffer_changed.emit("")
            self.single_key.emit(char)
