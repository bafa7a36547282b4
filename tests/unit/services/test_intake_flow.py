"""The intake services end to end on a real SQLite file: scan → checklist → finalize, and every exception."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db.models import AuditEvent, ReturnItem
from app.domain import checklist as cl
from app.errors import DuplicateUnit, InvalidState, PermissionDenied, SignInError
from app.services.intake import UnknownProduct, template_of
from tests.helpers import answer_all, product_where, rma_line_plain, rma_line_with_serial, scan


def test_sign_in_checks_the_pin(desk):
    assert desk.sign_in("B1001", "1111").name == "Dana Worker"
    with pytest.raises(SignInError, match="Wrong PIN"):
        desk.sign_in("B1001", "1234")
    with pytest.raises(SignInError, match="not registered"):
        desk.sign_in("B7777", "1111")


def test_item_with_rma_is_graded_and_saved_with_lpn_and_audit(desk, worker, db):
    rma, gtin = rma_line_plain(db)
    item = desk.start_intake(worker, scan(desk, gtin), rma)
    assert not isinstance(item, UnknownProduct)
    assert item.status == "draft" and item.rma_line is not None and item.rma_line.rma_number == rma
    assert "no_rma" not in item.flags
    item = answer_all(desk, item)
    decision = desk.preview(item.id)
    final = desk.finalize(worker, item.id)
    assert final.status == "final"
    assert final.lpn == "LP-D01-0000001"
    assert final.grade == decision.grade.grade.value
    assert final.disposition == decision.disposition.disposition.value
    assert final.grade_rules and final.disposition_rules  # the why is stored
    with db.unit_of_work() as uow:
        stored = uow.session.get(ReturnItem, final.id)
        assert stored.status == "final" and stored.checklist_version >= 1
        actions = [e.action for e in uow.session.scalars(select(AuditEvent).where(AuditEvent.item_id == final.id))]
    assert actions[0] == "intake_started" and actions[-1] == "finalized"


def test_lpns_count_up_per_station(desk, worker):
    lpns = []
    for _ in range(3):
        product = product_where(desk.db, serialized=False)
        item = answer_all(desk, desk.start_intake(worker, scan(desk, product.gtin)))
        lpns.append(desk.finalize(worker, item.id).lpn)
    assert lpns == ["LP-D01-0000001", "LP-D01-0000002", "LP-D01-0000003"]


def test_no_rma_is_allowed_and_flagged(desk, worker):
    product = product_where(desk.db, serialized=False)
    item = desk.start_intake(worker, scan(desk, product.gtin))
    assert "no_rma" in item.flags
    final = desk.finalize(worker, answer_all(desk, item).id)
    assert final.status == "final"


def test_unknown_barcode_asks_for_a_description_then_grades(desk, worker):
    code = "4006381333931"  # a valid EAN-13 that is not in the demo catalog
    result = desk.start_intake(worker, scan(desk, code))
    assert isinstance(result, UnknownProduct)
    with pytest.raises(InvalidState, match="describe"):
        desk.start_unknown_intake(worker, result.scan, "  ", "general")
    item = desk.start_unknown_intake(worker, result.scan, "blue kettle, no box", "small_appliances")
    assert "unknown_item" in item.flags and item.description == "blue kettle, no box"
    final = desk.finalize(worker, answer_all(desk, item).id)
    assert final.disposition == "quarantine"


def test_serial_mismatch_is_flagged_and_quarantined(desk, worker, db):
    rma, gtin, expected = rma_line_with_serial(db)
    item = desk.start_intake(worker, scan(desk, gtin), rma)
    assert item.needs_serial
    with pytest.raises(InvalidState, match="serial"):
        desk.finalize(worker, answer_all(desk, item).id)
    item = desk.set_serial(item.id, expected + "X")
    assert "serial_mismatch" in item.flags
    final = desk.finalize(worker, answer_all(desk, item).id)
    assert final.disposition == "quarantine"
    assert any("serial" in r.why.lower() for r in final.disposition_rules)


def test_serial_finds_its_rma_without_the_label(desk, worker, db):
    rma, gtin, expected = rma_line_with_serial(db)
    item = desk.start_intake(worker, scan(desk, gtin))
    item = desk.set_serial(item.id, expected)
    assert item.rma_line is not None and item.rma_line.rma_number == rma
    assert "no_rma" not in item.flags and "serial_mismatch" not in item.flags


def test_same_unit_scanned_again_makes_no_second_record(desk, worker, db):
    rma, gtin, expected = rma_line_with_serial(db)
    item = desk.set_serial(desk.start_intake(worker, scan(desk, gtin), rma).id, expected)
    first = desk.finalize(worker, answer_all(desk, item).id)
    again = desk.start_intake(worker, scan(desk, gtin))
    with pytest.raises(DuplicateUnit) as caught:
        desk.set_serial(again.id, expected)
    assert caught.value.lpn == first.lpn and first.lpn in str(caught.value)
    # The same RMA line scanned again (no serial involved) is refused too.
    rma2, gtin2 = rma_line_plain(db)
    desk.cancel_draft(worker, again.id)
    done = desk.finalize(worker, answer_all(desk, desk.start_intake(worker, scan(desk, gtin2), rma2)).id)
    with pytest.raises(DuplicateUnit, match="already received"):
        desk.start_intake(worker, scan(desk, gtin2), rma2)
    with db.unit_of_work() as uow:
        finals = uow.session.scalars(select(ReturnItem).where(ReturnItem.status == "final")).all()
    assert {f.lpn for f in finals} == {first.lpn, done.lpn}


def test_wrong_item_for_the_rma_is_flagged(desk, worker, db):
    rma, _gtin = rma_line_plain(db)
    other = product_where(db, category="general")
    item = desk.start_intake(worker, scan(desk, other.gtin), rma)
    assert "sku_mismatch" in item.flags and "wrong_item_returned" in item.found_reasons


def test_one_item_at_a_time_per_station(desk, worker):
    product = product_where(desk.db, serialized=False)
    desk.start_intake(worker, scan(desk, product.gtin))
    with pytest.raises(InvalidState, match="still open"):
        desk.start_intake(worker, scan(desk, product.gtin))


def test_draft_survives_and_is_found_again(desk, worker):
    product = product_where(desk.db, serialized=False)
    item = desk.start_intake(worker, scan(desk, product.gtin))
    first_question = cl.next_question(template_of(desk.ctx, item), item.answers)
    item = desk.answer(item.id, first_question.id, "2" if first_question.kind != "number" else "50")
    draft = desk.open_draft()
    assert draft is not None and draft.id == item.id and draft.answers == item.answers


def test_backspace_takes_back_the_last_answer(desk, worker):
    product = product_where(desk.db, serialized=False)
    item = answer_all(desk, desk.start_intake(worker, scan(desk, product.gtin)))
    count = len(item.answers)
    back = desk.undo_answer(item.id)
    assert len(back.answers) == count - 1
    assert item.answer_order[-1] not in back.answers


def test_stale_answer_is_refused(desk, worker):
    product = product_where(desk.db, serialized=False)
    item = desk.start_intake(worker, scan(desk, product.gtin))
    with pytest.raises(InvalidState, match="no longer on screen"):
        desk.answer(item.id, "not-the-current-question", "1")


def test_void_rules(desk, worker, supervisor, clock):
    product = product_where(desk.db, serialized=False)
    final = desk.finalize(worker, answer_all(desk, desk.start_intake(worker, scan(desk, product.gtin))).id)
    with pytest.raises(InvalidState, match="why"):
        desk.void_item(worker, final.id, "other", "")
    clock.at += timedelta(minutes=20)
    with pytest.raises(PermissionDenied, match="supervisor"):
        desk.void_item(worker, final.id, "wrong_answer")
    voided = desk.void_item(supervisor, final.id, "wrong_answer")
    assert voided.status == "voided" and "Answered a question wrong" in (voided.void_reason or "")
    with pytest.raises(InvalidState):
        desk.void_item(supervisor, final.id, "wrong_answer")


def test_worker_voids_own_item_just_finished(desk, worker):
    product = product_where(desk.db, serialized=False)
    final = desk.finalize(worker, answer_all(desk, desk.start_intake(worker, scan(desk, product.gtin))).id)
    assert desk.void_item(worker, final.id, "wrong_item_scanned").status == "voided"


def test_finalize_is_one_transaction(desk, worker, db, monkeypatch):
    """If writing the audit event fails, neither the final record nor the LPN counter move."""
    product = product_where(db, serialized=False)
    item = answer_all(desk, desk.start_intake(worker, scan(desk, product.gtin)))
    import app.services.finalize as fin

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(fin, "record_event", broken)
    with pytest.raises(RuntimeError):
        desk.finalize(worker, item.id)
    monkeypatch.undo()
    with db.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, item.id).status == "draft"
    assert desk.finalize(worker, item.id).lpn == "LP-D01-0000001"
