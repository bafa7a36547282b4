"""A colour flash and a sound on every scan: the worker knows without looking twice."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui.theme import BAD, GOOD


class Feedback:
    FLASH_MS = 350

    def __init__(self, target: QWidget, sound: bool) -> None:
        self._target = target
        self._sound = sound
        self.last: str | None = None  # "good" | "bad", for tests and screenshots

    def good(self) -> None:
        self._flash(GOOD)
        self.last = "good"
        if self._sound:
            QApplication.beep()

    def bad(self) -> None:
        self._flash(BAD)
        self.last = "bad"
        if self._sound:
            # Two beeps: a worker tells a rejected scan from a good one without looking.
            QApplication.beep()
            QTimer.singleShot(180, QApplication.beep)

    def _flash(self, colour: str) -> None:
        self._target.setStyleSheet(f"#flashFrame {{ border: 12px solid {colour}; }}")
        QTimer.singleShot(self.FLASH_MS, lambda: self._target.setStyleSheet(""))
