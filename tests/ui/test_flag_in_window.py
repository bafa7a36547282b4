"""F7 in the real window: a worker flags the item just finished, types why at a person's speed, Enter, and
the item is in the supervisor's exceptions queue as flagged by the worker. Esc in the note cancels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from app.db.models import AuditEvent
from app.db.uow import Database
from app.review.exceptions import open_exceptions
from app.services.views import ItemView
from tests.ui.conftest import Station
from tests.unit.review.exceptions_helpers import product_by_value
from ui.screens.station_controller import Step

NOTE = "box smells of smoke"
PERSON_MS = 120  # a key every 120 ms: a person typing with gloves off


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus: typed keys would go nowhere"
    return widget


def finish_cheap_item(station: Station, db: Database) -> ItemView:
    station.scan(str(product_by_value(db, below_cents=5_000, hazmat=False, data_bearing=False).gtin))
    station.answer_all()
    assert station.controller.step is Step.RESULT
    station.key(Qt.Key.Key_Return)
    saved = station.controller.state.last_saved
    assert station.controller.step is Step.READY and saved is not None
    return saved


def queue(db: Database) -> list[tuple[str, str]]:
    with db.unit_of_work(read_only=True) as uow:
        return [(row.lpn, row.cause) for row in open_exceptions(uow)]


def test_f7_note_typed_by_a_person_puts_the_item_in_the_queue(station: Station, db: Database, qtbot) -> None:
    station.sign_in("B1001", "1111")
    saved = finish_cheap_item(station, db)
    assert queue(db) == []  # a cheap plain item is not held by itself
    assert "F7 flag for a supervisor" in station.view.keys_hint.text()
    station.key(Qt.Key.Key_F7)
    assert station.controller.step is Step.FLAG_NOTE
    field = station.view.text_field
    qtbot.waitUntil(lambda: focused() is field, timeout=2000)  # typing goes to the note, not the scan line
    texts = station.texts()
    assert "Why should a supervisor look at it?" in texts and str(saved.lpn) in texts
    for n, char in enumerate(NOTE, start=1):
        qtbot.keyClick(focused(), char)
        qtbot.wait(PERSON_MS)
        assert field.text() == NOTE[:n], f"after key {n} of {NOTE!r}"
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    station.wait_idle()
    assert station.controller.step is Step.READY
    assert station.banner() == f"Flagged {saved.lpn} for a supervisor."
    assert station.controller.feedback.last == "good"
    assert queue(db) == [(saved.lpn, "worker_flagged")]
    with db.unit_of_work(read_only=True) as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "flagged")).one()
        assert event.detail == NOTE and event.item_id == saved.id
    qtbot.waitUntil(lambda: focused() is station.view, timeout=2000)  # the next scan goes to the scan line


def test_esc_in_the_note_cancels_and_nothing_is_flagged(station: Station, db: Database, qtbot) -> None:
    station.sign_in("B1001", "1111")
    finish_cheap_item(station, db)
    station.key(Qt.Key.Key_F7)
    field = station.view.text_field
    qtbot.waitUntil(lambda: focused() is field, timeout=2000)
    qtbot.keyClicks(field, "never mind")
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    station.wait_idle()
    assert station.controller.step is Step.READY and not field.isVisible()
    assert station.banner() == "Cancelled." and queue(db) == []
