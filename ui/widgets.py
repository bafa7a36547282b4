"""Small building blocks shared by the screens (layout only)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QHelpEvent, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)


def label(text: str = "", name: str = "", wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def card() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(22, 14, 22, 14)
    layout.setSpacing(4)
    return frame, layout


def clear_layout(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            widget.hide()  # gone from the screen now, freed at the next event loop turn
            widget.deleteLater()
        elif inner is not None:
            clear_layout(inner)


def scroll_area(inner: QWidget) -> QScrollArea:
    """A vertical scroller around `inner`: however much it holds, it never makes the window taller.

    The screens are laid out to fit without scrolling from 1024×768 up; this is the safety net below that.
    """
    inner.setObjectName("scrolled")
    area = QScrollArea()
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the screen (scans, number keys)
    return area


class FlowLayout(QLayout):
    """Widgets side by side, wrapping onto the next line when the row is full (flag chips)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        # Heights by width, until the items change: asked at every relayout of the screen around it.
        self._heights: dict[int, int] = {}
        self.setContentsMargins(0, 0, 0, 0)

    def invalidate(self) -> None:  # Qt calls it when an item's size hint may have changed (text, style)
        self._heights.clear()
        super().invalidate()

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        self.invalidate()
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._arrange(QRect(0, 0, width, 0), move=False)
        return height

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Place the items row by row inside `rect`; the height they take."""
        x, y, row_height = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:
                x, y, row_height = rect.x(), y + row_height + self._gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._gap
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y()


class ElideText(QObject):
    """Watched labels show what fits, with "…" at the cut (status lines; the scan line, cut at the front), and
    never widen the window. The text itself stays whole (its owner and the tests read it); the tooltip shows it
    whole, with the owner's own tooltip after it."""

    def __init__(self, parent: QObject | None = None, mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> None:
        super().__init__(parent)
        self.mode = mode  # ElideLeft keeps the end in view (what was typed last)

    def watch(self, target: QLabel) -> None:
        target.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        target.setProperty("elides", True)
        target.installEventFilter(self)

    @staticmethod
    def full_tooltip(target: QLabel) -> str:
        own = target.toolTip()
        return target.text() + (f"\n\n{own}" if own and own != target.text() else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not isinstance(watched, QLabel):
            return False
        if event.type() == QEvent.Type.Paint:
            if self._fits(watched):
                return False  # the label paints itself, in C++: the same text at the same place, without Python
            self._paint(watched)
            return True
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            QToolTip.showText(event.globalPos(), self.full_tooltip(watched), watched)
            return True
        return False

    @staticmethod
    def _fits(target: QLabel) -> bool:
        """Whole text fits, and the label draws it where `_paint` would (a framed label indents its text unless
        its indent is set to 0)."""
        return ((target.frameWidth() == 0 or target.indent() == 0)
                and target.fontMetrics().horizontalAdvance(target.text()) <= target.contentsRect().width())

    def _paint(self, target: QLabel) -> None:
        painter = QPainter(target)
        room = target.contentsRect()
        shown = target.fontMetrics().elidedText(target.text(), self.mode, room.width())
        target.style().drawItemText(painter, room, int(target.alignment()), target.palette(), target.isEnabled(),
                                    shown, QPalette.ColorRole.WindowText)
        painter.end()


class Banner(QLabel):
    """The one place a message or an error is shown on a screen: big, coloured, until the next action."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._colour = ""
        self.hide()

    def show_message(self, text: str, colour: str) -> None:
        self.setText(text)
        if colour != self._colour:  # a style sheet re-polishes the banner: only when the colour changes
            self._colour = colour
            self.setStyleSheet(f"background: {colour};")
        self.show()

    def clear(self) -> None:
        self.setText("")
        self.hide()


def is_typing(event: QKeyEvent) -> bool:
    """A printable key without Ctrl/Alt: a scanner's or a person's typing, not a shortcut or navigation."""
    text = event.text()
    plain = not (event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier))
    return bool(plain) and len(text) == 1 and text.isprintable() and not text.isspace()
