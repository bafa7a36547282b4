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
        # Owned by the target, so a flash still running when the window closes dies with it.
        self._unflash = QTimer(target)
        self._unflash.setSingleShot(True)
        self._unflash.timeout.connect(lambda: target.setStyleSheet(""))
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
            QTimer.singleShot(180, self._target, QApplication.beep)

    def _flash(self, colour: str) -> None:
        self._target.setStyleSheet(f"#flashFrame {{ border: 12px solid {colour}; }}")
        self._unflash.start(self.FLASH_MS)
