"""pytest-qt fixtures: the real main window on a real SQLite file, driven by key events."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.config import Settings
from app.services.desk import Desk
from ui.main_window import MainWindow
from ui.screens.station_controller import Step


@pytest.fixture
def settings(desk: Desk) -> Settings:
    return Settings(station_id="D01", db=desk.db.url, sound=False)


class Station:
    """Drives a MainWindow as a worker would: scanner bursts, number keys, Enter, Backspace, Esc."""

    def __init__(self, qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.window = window
        self.controller = window.station
        self.view = window.station_view

    def wait_idle(self) -> None:
        self.qtbot.waitUntil(lambda: self.controller.idle and not self.window.ops.busy, timeout=5000)

    def sign_in(self, badge: str = "B1001", pin: str = "1111") -> None:
        field = self.window.sign_in_view.field
        self.qtbot.keyClicks(field, badge)
        self.qtbot.keyClick(field, Qt.Key.Key_Return)
        self.qtbot.waitUntil(lambda: "PIN" in self.window.sign_in_view.prompt.text(), timeout=5000)
        self.qtbot.keyClicks(field, pin)
        self.qtbot.keyClick(field, Qt.Key.Key_Return)
        self.qtbot.waitUntil(lambda: self.window.stack.currentWidget() is self.view, timeout=5000)
        self.wait_idle()

    def scan(self, code: str) -> None:
        """A scanner burst: all keys at once, then Enter."""
        self.qtbot.keyClicks(self.view, code)
        self.qtbot.keyClick(self.view, Qt.Key.Key_Return)
        self.wait_idle()

    def press(self, key: str) -> None:
        """One key pressed by a person: released to the checklist after the burst gap."""
        self.qtbot.keyClick(self.view, key)
        self.qtbot.waitUntil(lambda: not self.controller.wedge.decoder.text, timeout=2000)
        self.wait_idle()

    def type_line(self, text: str) -> None:
        for char in text:
            self.qtbot.keyClick(self.view, char)
            self.qtbot.wait(50)
        self.qtbot.keyClick(self.view, Qt.Key.Key_Return)
        self.wait_idle()

    def key(self, key: Qt.Key) -> None:
        self.qtbot.keyClick(self.view, key)
        self.wait_idle()

    def answer_all(self, pick: int = 1) -> None:
        while self.controller.step is Step.QUESTION:
            question = self.controller.question()
            assert question is not None
            if question.kind == "number":
                self.type_line(f"{question.maximum if question.maximum is not None else 100:g}")
            else:
                self.press(str(min(pick, len(question.options))))
        self.wait_idle()

    def banner(self) -> str:
        return self.view.banner.text() if self.view.banner.isVisible() else ""

    def texts(self) -> str:
        from PySide6.QtWidgets import QApplication, QLabel

        QApplication.processEvents()  # widgets added to a shown layout appear at the next event loop turn
        return "\n".join(w.text() for w in self.view.findChildren(QLabel) if w.isVisible())


@pytest.fixture
def make_station(qtbot, desk: Desk, settings: Settings) -> Iterator[Callable[..., Station]]:  # type: ignore[no-untyped-def]
    windows: list[MainWindow] = []

    def make(desk_: Desk | None = None) -> Station:
        window = MainWindow(desk_ or desk, settings)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return Station(qtbot, window)

    yield make
    for window in windows:
        window.printing.stop()
        window.ops.shutdown()


@pytest.fixture
def station(make_station: Callable[..., Station]) -> Station:
    return make_station()


def visible(widget: QWidget) -> bool:
    return widget.isVisible()
