"""What keeps the station window's GUI thread cheap (issue 12) without changing what the worker sees: the
flash is a band over the screen that follows its size, answers reuse the screen's labels, and a status line
set to what it already says is not restyled."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel

from app.services.print_queue import QueueStatus
from tests.helpers import rma_line_plain
from ui.feedback import BORDER
from ui.screens.station_controller import Step
from ui.theme import BAD, GOOD


class StyleChanges(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.StyleChange:
            self.count += 1
        return False


def test_flash_is_a_band_of_the_colour_that_follows_the_screen(station, qtbot):
    station.sign_in()
    view, feedback = station.view, station.controller.feedback
    feedback.bad()
    QApplication.processEvents()
    shot = view.grab().toImage()
    assert shot.pixelColor(QPoint(BORDER // 2, view.height() // 2)) == QColor(BAD)
    assert shot.pixelColor(QPoint(view.width() // 2, BORDER // 2)) == QColor(BAD)
    assert shot.pixelColor(QPoint(BORDER + 4, view.height() // 2)) != QColor(BAD)  # inside the band: the screen
    border = feedback.border
    assert border.mask().contains(QPoint(1, 1)) and not border.mask().contains(QPoint(BORDER + 1, BORDER + 1))
    station.window.resize(station.window.width() - 80, station.window.height() - 40)
    qtbot.waitUntil(lambda: border.geometry() == view.rect(), timeout=2000)
    right = QPoint(view.width() - BORDER // 2 - 1, view.height() // 2)
    assert border.mask().contains(right)
    feedback.good()
    QApplication.processEvents()
    assert view.grab().toImage().pixelColor(right) == QColor(GOOD)
    qtbot.waitUntil(lambda: not border.isVisible(), timeout=2000)  # and it goes after the flash


def test_answers_change_the_texts_of_the_same_labels(station, db):
    station.sign_in()
    _rma, gtin = rma_line_plain(db)
    station.scan(gtin)
    assert station.controller.step is Step.QUESTION
    labels = set(station.view.findChildren(QLabel))
    first = station.controller.question()
    assert first is not None
    seen, most = [], len(first.options)
    while station.controller.step is Step.QUESTION:
        question = station.controller.question()
        assert question is not None
        seen.append(question.text)
        assert question.text in station.texts()
        if question.kind == "number":
            station.type_line(f"{question.maximum if question.maximum is not None else 100:g}")
        else:
            assert f"1   {question.options[0].label}" in station.texts()
            most = max(most, len(question.options))
            station.press("2" if len(seen) == 1 else "1")  # not sealed: the whole checklist
    assert len(set(seen)) >= 3, "several questions were shown"
    # Only a longer list of answers than any before makes labels (kept for the next item).
    made = set(station.view.findChildren(QLabel)) - labels
    result_labels = len(station.controller.item.grade_rules) + len(station.controller.item.disposition_rules)
    assert len(made) <= most - len(first.options) + result_labels + 8, [w.text() for w in made]
    station.key(Qt.Key.Key_Return)
    station.scan(gtin)  # the next item: the card and the questions draw on the same labels
    again = set(station.view.findChildren(QLabel)) - labels - made
    assert not again, [w.text() for w in again]


def test_a_status_line_that_says_the_same_is_not_restyled(station):
    printing = station.window.printing
    changes = StyleChanges()
    printing.status_label.installEventFilter(changes)
    status = QueueStatus(waiting=0, failing=0, last_error=None, next_attempt_at=None)
    printing._show_status(status)
    once = changes.count
    printing._show_status(status)
    printing._show_status(status)
    assert changes.count == once
    printing._show_status(QueueStatus(waiting=1, failing=1, last_error="refused", next_attempt_at=None))
    assert changes.count > once and printing.status_label.text() == "Printing: 1 waiting — refused"
    assert printing.status_label.styleSheet()  # the warning colour
