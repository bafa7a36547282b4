"""A colour flash and a sound on every scan: the worker knows without looking twice.

The flash is a border painted by a small overlay on top of the screen, shown and hidden: restyling the screen
itself would re-polish every widget on it (about 10 ms a flash, twice per scan). The overlay is masked to the
border band, so showing and hiding it repaints only that band (not every widget under a screen-sized
overlay), and a widget under it that repaints while it shows does not make it paint again.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QRegion
from PySide6.QtWidgets import QApplication, QWidget

from ui.theme import BAD, GOOD

BORDER = 12


class FlashBorder(QWidget):
    """A coloured frame over its parent; clicks and keys pass through it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._over = parent
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.colour = QColor(GOOD)
        self.hide()
        parent.installEventFilter(self)

    def flash(self, colour: str) -> None:
        self.colour = QColor(colour)
        self._fit()
        self.raise_()
        self.show()
        self.update()

    def _fit(self) -> None:
        """Cover the parent; the mask (the band only) follows its size."""
        rect = self._over.rect()
        if rect == self.geometry():
            return
        self.setGeometry(rect)
        whole = QRegion(self.rect())
        self.setMask(whole.subtracted(QRegion(self.rect().adjusted(BORDER, BORDER, -BORDER, -BORDER))))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._fit()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        # The band is the outer BORDER pixels (what a BORDER-wide pen drawn on the rect inset by half covers).
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.colour)  # clipped to the mask: the band


class Feedback:
    FLASH_MS = 350

    def __init__(self, target: QWidget, sound: bool) -> None:
        self._target = target
        self._sound = sound
        self.border = FlashBorder(target)
        # Owned by the target, so a flash still running when the window closes dies with it.
        self._unflash = QTimer(target)
        self._unflash.setSingleShot(True)
        self._unflash.timeout.connect(self.border.hide)
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
        self.border.flash(colour)
        self._unflash.start(self.FLASH_MS)
