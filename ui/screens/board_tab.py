"""Today at a glance: the board's tiles (each with its definition), and the charts people would rather look at
than read. Arrow keys move between tiles, Enter opens a tile's items, the focused tile's definition shows
under the tiles."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from ui.charts import BarChart, LineChart, StackedBar
from ui.review_charts import disposition_bars, grade_parts, hour_points
from ui.widgets import is_typing, label

TILE_COLUMNS = 4
ARROWS = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1), Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0)}


class TileView(QFrame):
    """One figure: title, value, a detail line; focusable, opened by Enter or a click."""

    opened = Signal(object)  # the tile

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.tile: Any = None
        box = QVBoxLayout(self)
        self.title, self.value = label(name="tileTitle", wrap=False), label(name="tileValue")
        self.detail = label(name="tileDetail")
        for widget in (self.title, self.value, self.detail):
            box.addWidget(widget)

    def show_tile(self, tile: Any) -> None:
        self.tile = tile
        self.title.setText(tile.title)
        self.value.setText(tile.value)
        self.detail.setText(tile.detail)
        self.setToolTip(tile.definition)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.setFocus()
        self.opened.emit(self.tile)
        super().mousePressEvent(event)


class BoardTab(QWidget):
    tile_opened = Signal(object)  # the tile; its `filter` says which items
    typed = Signal(str)  # a printable key on a tile (a scan): the screen's search line takes it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.grid = QGridLayout()
        self.grid.setSpacing(8)
        for column in range(TILE_COLUMNS):
            self.grid.setColumnStretch(column, 1)
        layout.addLayout(self.grid)
        self.definition = label(name="definition")
        layout.addWidget(self.definition)
        charts = QHBoxLayout()
        self.per_hour = LineChart("Graded per hour, today")
        self.dispositions = BarChart("Dispositions today: count · % · recovery")
        self.grades = StackedBar("Grades today")
        for chart in (self.per_hour, self.dispositions, self.grades):
            chart.setObjectName("chart")
            charts.addWidget(chart, 1)
        layout.addLayout(charts, 1)
        self.tiles: list[TileView] = []

    def show_figures(self, figures: Any) -> None:
        """Redraw with new figures, keeping the focused tile (by key) where it was."""
        focused = next((t.tile.key for t in self.tiles if t.hasFocus() and t.tile is not None), None)
        tiles = figures.tiles()
        while len(self.tiles) < len(tiles):
            view = TileView(self)
            view.opened.connect(self.tile_opened)
            view.installEventFilter(self)
            self.grid.addWidget(view, len(self.tiles) // TILE_COLUMNS, len(self.tiles) % TILE_COLUMNS)
            self.tiles.append(view)
        for view, tile in zip(self.tiles, tiles, strict=False):
            view.show_tile(tile)
            if tile.key == focused:
                view.setFocus()
        self.per_hour.set_points(hour_points(figures))
        self.dispositions.set_bars(disposition_bars(figures))
        self.grades.set_parts(grade_parts(figures))

    def focus_first(self) -> None:
        if self.tiles:
            self.tiles[0].setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not isinstance(watched, TileView):
            return False
        if event.type() == QEvent.Type.FocusIn and watched.tile is not None:
            self.definition.setText(f"{watched.tile.title}: {watched.tile.definition}")
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(watched, event)
        return False

    def _key(self, tile: TileView, event: QKeyEvent) -> bool:
        if is_typing(event):
            self.typed.emit(event.text())
            return True
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.tile_opened.emit(tile.tile)
            return True
        move = ARROWS.get(Qt.Key(event.key()))
        if move is None:
            return False
        index = self.tiles.index(tile)
        row, column = divmod(index, TILE_COLUMNS)
        target = (row + move[0]) * TILE_COLUMNS + column + move[1]
        if 0 <= target < len(self.tiles) and (move[0] or 0 <= column + move[1] < TILE_COLUMNS):
            self.tiles[target].setFocus()
        return True
