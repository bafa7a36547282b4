"""The real station window driven with key events: sign-in → scan → number keys → Enter → saved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.db.models import AuditEvent, ReturnItem
from app.services.context import StationContext
from app.services.desk import Desk
from tests.helpers import product_where, rma_line_plain, rma_line_with_serial
from ui.screens.station_controller import Step


def finals(db) -> list[ReturnItem]:
    with db.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(ReturnItem).where(ReturnItem.status == "final")))
        uow.session.expunge_all()
        return rows


def test_worker_grades_an_item_with_keys_only(station, db):
    station.sign_in()
    assert station.controller.step is Step.READY
    rma, gtin = rma_line_plain(db)
    station.scan(rma)
    assert f"RMA {rma} scanned" in station.texts()
    station.scan(gtin)
    assert station.controller.step is Step.QUESTION
    assert station.controller.feedback.last == "good"
    assert "Question 1 of" in station.texts()
    station.answer_all(pick=1)
    assert station.controller.step is Step.RESULT
    assert "Why:" in station.texts()
    station.key(Qt.Key.Key_Return)
    assert station.controller.step is Step.READY
    rows = finals(db)
    assert len(rows) == 1 and rows[0].lpn == "LP-D01-0000001" and rows[0].rma_number == rma
    assert "Saved LP-D01-0000001" in station.banner()
    assert "Last save" in station.window.save_label.text()
    # Ready for the next scan at once.
    product = product_where(db, serialized=False, category="apparel")
    station.scan(product.gtin)
    assert station.controller.step is Step.QUESTION


def test_backspace_goes_back_one_question(station, db):
    station.sign_in()
    station.scan(product_where(db, serialized=False).gtin)
    first = station.controller.question()
    station.press("1")
    assert station.controller.question() != first
    station.key(Qt.Key.Key_Backspace)
    assert station.controller.question() == first
    assert station.controller.item.answers == {}


def test_bad_scan_flashes_red_and_says_what_to_do(station):
    station.sign_in()
    station.scan("4006381333932")
    assert station.controller.feedback.last == "bad"
    assert "check digit" in station.banner()
    assert station.controller.step is Step.READY


def test_unknown_item_is_described_then_graded(station, db, qtbot):
    station.sign_in()
    station.scan("4006381333931")
    assert station.controller.step is Step.DESCRIBE
    field = station.view.text_field
    assert field.isVisible()
    qtbot.keyClicks(field, "grey toaster, dented")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "which category" in station.texts()
    station.press("3")  # small appliances
    assert station.controller.step is Step.QUESTION
    assert "Barcode not in the catalog" in station.texts()
    station.answer_all()
    station.key(Qt.Key.Key_Return)
    row = finals(db)[0]
    assert row.unknown_description == "grey toaster, dented" and row.category == "small_appliances"
    assert row.disposition == "quarantine"


def test_serial_mismatch_is_shown_and_routed(station, db):
    station.sign_in()
    rma, gtin, expected = rma_line_with_serial(db)
    station.scan(rma)
    station.scan(gtin)
    assert station.controller.step is Step.SERIAL
    other = expected[:-1] + ("7" if expected[-1] != "7" else "8") if expected[-1].isdigit() else \
        expected[:-1] + ("Q" if expected[-1] != "Q" else "R")  # the RMA's serial format, another unit
    station.scan(other)
    assert station.controller.feedback.last == "bad"
    assert "differs" in station.banner()
    assert "the RMA expects" in station.texts()
    station.answer_all()
    assert "Quarantine" in station.texts()
    station.key(Qt.Key.Key_Return)
    assert finals(db)[0].disposition == "quarantine"


def test_same_unit_again_is_refused(station, db):
    station.sign_in()
    rma, gtin, expected = rma_line_with_serial(db)
    station.scan(rma)
    station.scan(gtin)
    station.scan(expected)
    station.answer_all()
    station.key(Qt.Key.Key_Return)
    station.scan(gtin)
    station.scan(expected)
    assert "already graded" in station.banner()
    assert station.controller.feedback.last == "bad"
    assert len(finals(db)) == 1


def test_lpn_scan_shows_the_existing_record(station, db):
    station.sign_in()
    station.scan(product_where(db, serialized=False).gtin)
    station.answer_all()
    station.key(Qt.Key.Key_Return)
    station.scan("LP-D01-0000001")
    assert "already graded" in station.banner()
    assert len(finals(db)) == 1


def test_void_the_item_just_finished(station, db):
    station.sign_in()
    station.scan(product_where(db, serialized=False).gtin)
    station.answer_all()
    station.key(Qt.Key.Key_Return)
    station.key(Qt.Key.Key_F8)
    assert station.controller.step is Step.VOID_REASON
    station.press("2")  # answered a question wrong
    assert "voided" in station.banner()
    with db.unit_of_work() as uow:
        row = uow.session.scalars(select(ReturnItem)).one()
        assert row.status == "voided" and "wrong" in (row.void_reason or "")
        events = uow.session.scalar(select(func.count()).where(AuditEvent.action == "voided"))
    assert events == 1


def test_cancel_needs_two_escapes(station, db):
    station.sign_in()
    station.scan(product_where(db, serialized=False).gtin)
    station.key(Qt.Key.Key_Escape)
    assert station.controller.step is Step.QUESTION and "Esc again" in station.banner()
    station.key(Qt.Key.Key_Escape)
    assert station.controller.step is Step.READY
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ReturnItem)) == 0


def test_scan_while_item_open_is_refused_not_lost(station, db):
    station.sign_in()
    station.scan(product_where(db, serialized=False).gtin)
    station.scan(product_where(db, serialized=False, category="apparel").gtin)
    assert "Finish the item" in station.banner()
    assert station.controller.step is Step.QUESTION


def test_draft_is_offered_back_after_the_app_was_closed(make_station, desk, db, configuration, clock):
    first = make_station()
    first.sign_in()
    first.scan(product_where(db, serialized=False).gtin)
    first.press("2")  # not sealed: the inspection follows
    first.press("1")
    answered = dict(first.controller.item.answers)
    question = first.controller.question()
    assert len(answered) == 2 and question is not None
    first.window.close()  # the app goes away mid-checklist

    # A new process: a new window on a new connection to the same file.
    from app.db.uow import Database

    fresh = Desk(Database(db.url), StationContext("D01", configuration, clock=clock,
                                                  local_today=desk.ctx.local_today))
    second = make_station(fresh)
    second.sign_in()
    assert second.controller.step is Step.RESUME
    assert "unfinished item" in second.texts()
    second.key(Qt.Key.Key_Return)
    assert second.controller.step is Step.QUESTION
    assert second.controller.item.answers == answered
    assert second.controller.question() == question
    fresh.db.dispose()


def test_first_sign_in_sets_a_pin(station, db, qtbot):
    from app.db.models import Operator

    with db.unit_of_work() as uow:
        uow.session.add(Operator(badge="B1234", name="New Person", role="worker", pin_hash=None))
    field = station.window.sign_in_view.field
    for text in ("B1234", "4321", "4321"):
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)
        station.wait_idle()
    assert station.window.stack.currentWidget() is station.view
    with db.unit_of_work() as uow:
        stored = uow.session.scalars(select(Operator).where(Operator.badge == "B1234")).one().pin_hash
    assert stored and "4321" not in stored


def test_wrong_pin_is_said_plainly(station, qtbot):
    field = station.window.sign_in_view.field
    qtbot.keyClicks(field, "B1001")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    station.wait_idle()
    qtbot.keyClicks(field, "0000")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    station.wait_idle()
    assert "Wrong PIN" in station.window.sign_in_view.banner.text()
    assert station.window.stack.currentWidget() is station.window.sign_in_view


def test_no_rma_is_shown_and_a_late_rma_scan_links_it(station, db):
    station.sign_in()
    rma, gtin = rma_line_plain(db)
    station.scan(gtin)
    assert "No RMA: scan the RMA label now" in station.texts()
    assert "No RMA found" in station.texts()  # the flag chip
    station.press("2")
    station.scan(rma)  # the worker finds the RMA label mid-checklist
    assert f"RMA {rma} line" in station.texts()
    assert "No RMA found" not in station.texts()
    assert len(station.controller.item.answers) == 1  # answers kept
