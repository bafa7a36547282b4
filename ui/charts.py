"""Small charts drawn with QPainter: horizontal bars (a mix), a stacked bar (shares of one whole) and a line
(a count per hour). Essentials has no QtCharts, and pyqtgraph or matplotlib would add 1–2 s to start-up.

Colours are the Okabe–Ito palette (readable with every common colour-vision deficiency), and every bar and
point carries its value as text, so no reading depends on colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.theme import INK, MUTED

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # what is written at the bar's end, e.g. "412 · 38% · $3,120"


def colour(index: int) -> QColor:
    return QColor(OKABE_ITO[index % len(OKABE_ITO)])


class _Chart(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSize(260, 150))

    def _begin(self) -> tuple[QPainter, QRectF]:
        """The painter, with the title drawn, and the room left under it."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(INK))
        height = QFontMetrics(font).height()
        painter.drawText(QRectF(0, 0, self.width(), height), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(self.font())
        return painter, QRectF(0, height + 6, self.width(), self.height() - height - 6)


class BarChart(_Chart):
    """One horizontal bar per row, longest = the largest value, with its label left and its text right."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.bars: list[Bar] = []

    def set_bars(self, bars: Sequence[Bar]) -> None:
        if list(bars) != self.bars:
            self.bars = list(bars)
            self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter, room = self._begin()
        if not self.bars:
            _empty(painter, room)
            return
        metrics = QFontMetrics(self.font())
        label_w = max(metrics.horizontalAdvance(b.label) for b in self.bars) + 10
        text_w = max(metrics.horizontalAdvance(b.text) for b in self.bars) + 10
        row_h = min(room.height() / len(self.bars), metrics.height() * 1.8)
        top = max(b.value for b in self.bars) or 1
        bar_room = max(room.width() - label_w - text_w, 10)
        for index, bar in enumerate(self.bars):
            y = room.top() + index * row_h
            painter.setPen(QColor(INK))
            painter.drawText(QRectF(0, y, label_w - 10, row_h), Qt.AlignmentFlag.AlignVCenter
                             | Qt.AlignmentFlag.AlignRight, bar.label)
            width = bar_room * bar.value / top
            painter.fillRect(QRectF(label_w, y + row_h * 0.18, width, row_h * 0.64), colour(index))
            painter.drawText(QRectF(label_w + width + 6, y, text_w, row_h), Qt.AlignmentFlag.AlignVCenter, bar.text)
        painter.end()


class StackedBar(_Chart):
    """Shares of one whole in one bar, with a legend row per part (label, value text) under it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.parts: list[Bar] = []

    def set_parts(self, parts: Sequence[Bar]) -> None:
        if list(parts) != self.parts:
            self.parts = list(parts)
            self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter, room = self._begin()
        total = sum(p.value for p in self.parts)
        if not total:
            _empty(painter, room)
            return
        metrics = QFontMetrics(self.font())
        bar_h = metrics.height() * 1.6
        x = room.left()
        for index, part in enumerate(self.parts):
            width = room.width() * part.value / total
            painter.fillRect(QRectF(x, room.top(), width, bar_h), colour(index))
            x += width
        y = room.top() + bar_h + 6
        for index, part in enumerate(self.parts):
            painter.fillRect(QRectF(0, y + 3, metrics.height() - 6, metrics.height() - 6), colour(index))
            painter.setPen(QColor(INK))
            painter.drawText(QPointF(metrics.height() + 2, y + metrics.ascent()), f"{part.label}  {part.text}")
            y += metrics.height() + 2
        painter.end()


class LineChart(_Chart):
    """A count per period (hours of the day) as a line with a dot and its value at each point."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.points: list[tuple[str, int]] = []

    def set_points(self, points: Sequence[tuple[str, int]]) -> None:
        if list(points) != self.points:
            self.points = list(points)
            self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter, room = self._begin()
        if not self.points:
            _empty(painter, room)
            return
        metrics = QFontMetrics(self.font())
        plot = room.adjusted(12, metrics.height() + 4, -12, -(metrics.height() + 6))
        top = max(v for _, v in self.points) or 1
        step = plot.width() / max(len(self.points) - 1, 1)
        spots = [QPointF(plot.left() + i * step, plot.bottom() - plot.height() * v / top)
                 for i, (_, v) in enumerate(self.points)]
        painter.setPen(QPen(colour(0), 3))
        for a, b in zip(spots, spots[1:], strict=False):
            painter.drawLine(a, b)
        widest = max(metrics.horizontalAdvance(name) for name, _ in self.points) * 1.6
        every = max(1, math.ceil(widest / max(step, 1)))  # as many hour labels as fit without overlapping
        for index, ((name, value), spot) in enumerate(zip(self.points, spots, strict=True)):
            painter.setBrush(colour(0))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(spot, 4, 4)
            painter.setPen(QColor(INK))
            text = str(value)
            painter.drawText(QPointF(spot.x() - metrics.horizontalAdvance(text) / 2, spot.y() - 7), text)
            if index % every == 0:
                painter.setPen(QColor(MUTED))
                painter.drawText(QPointF(spot.x() - metrics.horizontalAdvance(name) / 2,
                                         room.bottom() - metrics.descent()), name)
        painter.end()


def _empty(painter: QPainter, room: QRectF) -> None:
    painter.setPen(QColor(MUTED))
    painter.drawText(room, Qt.AlignmentFlag.AlignCenter, "Nothing graded yet")
    painter.end()
