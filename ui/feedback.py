"""A colour flash and a sound on every scan: the worker knows without looking twice.

The flash is a border painted by a small overlay on top of the screen, shown and hidden: restyling the screen
itself would re-polish every widget on it (about 10 ms a flash, twice per scan). The overlay is masked to the
border band, so showing and hiding it repaints only that band (not every widget under a screen-sized
overlay), and a widget under it that repaints while it shows does not make it paint again.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QHideEvent, QPainter, QPaintEvent, QRegion, QShowEvent
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
        # A screen that says when it is resized (the station screen's `resized`) needs no filter on its events;
        # any other parent is watched while the border shows.
        resized = getattr(parent, "resized", None)
        self._watch = resized is None
        if resized is not None:
            resized.connect(self._follow)
        self.hide()

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

    def _follow(self) -> None:
        if self.isVisible():
            self._fit()

    # A filter sees every event of the parent (each key, each paint) in Python: only while the border shows.
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if self._watch:
            self._over.installEventFilter(self)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        if self._watch:
            self._over.removeEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
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
