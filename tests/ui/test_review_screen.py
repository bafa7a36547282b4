"""The supervisor's desk in the real window: F6 from the station, the board's tiles and charts, a tile opens its
items, a scanned LPN opens the whole record, the exceptions queue resolves and overrides through the dialogs,
and F6 goes back to the station."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.db.models import ReturnItem
from app.review.search import ItemFilter
from tests.print_helpers import finish_item
from tests.unit.review.exceptions_helpers import product_by_value, unknown_item
from ui.review_dialogs import OverrideDialog, ResolveDialog

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def open_board(station, qtbot):
    station.sign_in("B2001", "2222")
    station.key(Qt.Key.Key_F6)
    review = station.window.review
    assert review is not None and review.isVisible()
    qtbot.waitUntil(lambda: len(review.board.tiles) > 0, timeout=8000)
    return review


def test_f6_shows_the_board_with_todays_figures_and_back(station, desk, worker, qtbot):
    items = [finish_item(desk, worker) for _ in range(3)]
    review = open_board(station, qtbot)
    graded = next(t for t in review.board.tiles if t.tile.key == "graded_today")
    qtbot.waitUntil(lambda: graded.value.text() == "3", timeout=8000)
    assert review.board.dispositions.bars and sum(b.value for b in review.board.dispositions.bars) == 3
    assert review.board.per_hour.points
    review.board.tiles[0].setFocus()
    QApplication.processEvents()
    assert review.board.definition.text().startswith(review.board.tiles[0].tile.title)
    qtbot.keyClick(review.board.tiles[0], Qt.Key.Key_Return)  # a tile opens its items
    qtbot.waitUntil(lambda: review.tabs.currentWidget() is review.items and len(review.items.rows) == 3,
                    timeout=8000)
    assert {row.lpn for row in review.items.rows} == {item.lpn for item in items}
    qtbot.keyClick(review, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: station.window.stack.currentWidget() is station.view, timeout=3000)


def test_a_scanned_lpn_opens_its_whole_record(station, desk, worker, qtbot):
    item = finish_item(desk, worker)
    review = open_board(station, qtbot)
    qtbot.keyClicks(review.search, item.lpn or "")
    qtbot.keyClick(review.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: item.lpn in review.items.record.toPlainText(), timeout=8000)
    text = review.items.record.toPlainText()
    for part in ("Why", "Answers, as asked", "Audit trail", "Print history", "Sync"):
        assert part in text


def answer_dialog(kind, fill):
    """Fill and accept the next modal dialog of `kind` when it opens (dialogs run their own event loop)."""
    def later() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, later)
            return
        fill(dialog)
    QTimer.singleShot(20, later)


def test_an_unknown_item_is_identified_from_the_queue_with_the_decision_previewed(station, desk, worker, qtbot, db):
    held = unknown_item(desk, worker)
    sku = product_by_value(db, below_cents=5000).sku  # not hazardous: nothing else holds it
    review = open_board(station, qtbot)
    review.tabs.setCurrentWidget(review.exceptions)
    qtbot.waitUntil(lambda: len(review.exceptions.rows) == 1, timeout=8000)
    row = review.exceptions.rows[0]
    assert (row.lpn, row.cause) == (held.lpn, "unknown_item")
    assert review.exceptions.buttons["identify"].isEnabled() and not review.exceptions.buttons["authorise"].isEnabled()
    seen: list[str] = []

    def fill(dialog: ResolveDialog) -> None:
        dialog.sku.setText(sku)
        dialog.note.setText("Kettle matches the catalog photo")
        dialog.buttons.accepted.emit()  # refused: not previewed yet
        seen.append(dialog.banner.text())
        dialog._ask_preview()

        def accept_when_previewed() -> None:
            if not dialog.preview_text.text():
                QTimer.singleShot(20, accept_when_previewed)
                return
            seen.append(dialog.preview_text.text())
            dialog.buttons.accepted.emit()
        accept_when_previewed()

    answer_dialog(ResolveDialog, fill)
    review.flows.resolve(row, "identify")
    qtbot.waitUntil(lambda: "resolved" in review.banner.text(), timeout=8000)
    assert "Preview" in seen[0] and seen[1].startswith(f"As {sku}: grade")
    qtbot.waitUntil(lambda: not review.exceptions.rows, timeout=8000)
    assert "empty" in review.exceptions.caption.text()
    grab(review, "review-exceptions-empty")


def test_an_override_through_the_dialog_needs_a_note_and_reprints(station, desk, worker, qtbot, db):
    item = finish_item(desk, worker)
    review = open_board(station, qtbot)
    review.show_items(ItemFilter(text=item.lpn or ""))
    qtbot.waitUntil(lambda: len(review.items.rows) == 1, timeout=8000)
    row = review.items.rows[0]

    def fill(dialog: OverrideDialog) -> None:
        dialog.disposition.setCurrentIndex(dialog.disposition.findData("liquidate"))
        dialog.buttons.accepted.emit()  # refused: no note
        assert "note" in dialog.banner.text()
        dialog.note.setText("Scratches the grader missed")
        dialog.buttons.accepted.emit()

    answer_dialog(OverrideDialog, fill)
    review.flows.override(row)
    qtbot.waitUntil(lambda: "overridden" in review.banner.text(), timeout=8000)
    with db.unit_of_work() as uow:
        saved = uow.session.get(ReturnItem, item.id)
        assert saved is not None and saved.disposition == "liquidate" and saved.override is not None
        assert saved.override["original"]["disposition"] == item.disposition


def grab(widget, name: str) -> None:
    if os.environ.get("RETURNS_DESK_SHOTS"):
        widget.window().grab().save(str(SHOTS / f"{name}.png"))


def test_a_pin_reset_from_the_operators_tab_makes_the_worker_choose_a_new_one(station, qtbot, db):
    review = open_board(station, qtbot)
    review.tabs.setCurrentWidget(review.operators)
    qtbot.waitUntil(lambda: any(r.badge == "B1001" for r in review.operators.rows), timeout=8000)
    review.operators.table.selectRow(next(i for i, r in enumerate(review.operators.rows) if r.badge == "B1001"))
    review.flows.operator_action("reset_pin", review.operators.selected())
    qtbot.waitUntil(lambda: "choose a new PIN" in review.banner.text(), timeout=8000)
    qtbot.waitUntil(lambda: any(r.badge == "B1001" and not r.has_pin for r in review.operators.rows), timeout=8000)
    assert station.window.desk.look_up_badge("B1001").needs_new_pin


def test_the_board_refreshes_by_itself_and_keeps_the_focused_tile(station, desk, worker, qtbot):
    finish_item(desk, worker)
    review = open_board(station, qtbot)
    graded = next(t for t in review.board.tiles if t.tile.key == "graded_today")
    qtbot.waitUntil(lambda: graded.value.text() == "1", timeout=8000)
    exceptions_tile = next(t for t in review.board.tiles if t.tile.key == "open_exceptions")
    exceptions_tile.setFocus()
    finish_item(desk, worker)  # another station's process, or this one's sync round, adds an item
    qtbot.waitUntil(lambda: graded.value.text() == "2", timeout=7000)  # within the 5 s refresh
    assert exceptions_tile.hasFocus()


def test_filters_typed_in_the_search_line_list_those_items(station, desk, worker, qtbot):
    items = [finish_item(desk, worker) for _ in range(2)]
    review = open_board(station, qtbot)
    grade = items[0].grade
    qtbot.keyClicks(review.search, f"grade:{grade} station:d01")
    qtbot.keyClick(review.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: review.tabs.currentWidget() is review.items and len(review.items.rows) == 2,
                    timeout=8000)
    assert {row.grade for row in review.items.rows} == {grade}
    qtbot.keyClicks(review.search, "colour:red")
    qtbot.keyClick(review.search, Qt.Key.Key_Return)
    assert "not a search key" in review.banner.text()


def test_the_record_shows_an_override_with_before_and_after(station, desk, worker, qtbot, db):
    from app.review.overrides import override

    item = finish_item(desk, worker)
    supervisor = desk.sign_in("B2001", "2222")
    with db.unit_of_work() as uow:
        override(uow, desk.ctx, supervisor, item.id, disposition="liquidate", reason="other", note="box crushed")
    review = open_board(station, qtbot)
    review.open_record(item.id)
    qtbot.waitUntil(lambda: "Override" in review.items.record.toPlainText(), timeout=8000)
    text = review.items.record.toPlainText()
    assert f"disposition: {item.disposition} → liquidate" in text and "box crushed" in text


def test_a_scan_while_a_tile_has_the_focus_opens_that_item(station, desk, worker, qtbot):
    item = finish_item(desk, worker)
    review = open_board(station, qtbot)
    review.board.tiles[0].setFocus()
    qtbot.keyClicks(review.board.tiles[0], item.lpn or "")  # the wedge types into whatever has the focus
    qtbot.keyClick(review.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: (item.lpn or "") in review.items.record.toPlainText(), timeout=8000)
