"""A worker flags a finished item for a supervisor: refusals in words, the cause, the audit, re-flagging."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.db.models import AuditEvent, Operator, ReturnItem
from app.errors import InvalidState, NotFound, PermissionDenied
from app.review.exceptions import exception_counts, open_exceptions
from app.review.resolutions import resolve
from tests.unit.review.exceptions_helpers import graded, product_by_value, unknown_item


def _row(db, item_id):
    with db.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, item_id)
        uow.session.expunge(row)
        return row


def _set(db, model, key, **values):
    with db.unit_of_work() as uow:
        row = uow.session.get(model, key)
        for name, value in values.items():
            setattr(row, name, value)


def _events(db, item_id):
    with db.unit_of_work() as uow:
        events = list(uow.session.scalars(select(AuditEvent).where(AuditEvent.item_id == item_id,
                                                                    AuditEvent.action == "flagged")
                                          .order_by(AuditEvent.id)))
        for event in events:
            uow.session.expunge(event)
        return events


def _plain(desk, worker, db):
    """A cheap, plain item that goes its way (no exception)."""
    item = graded(desk, worker, product_by_value(db, below_cents=5_000, hazmat=False, data_bearing=False))
    assert _row(db, item.id).exception_cause is None, "the demo item should not be held already"
    return item


def test_a_worker_flags_a_finished_item_into_the_queue(desk, worker, db):
    item = _plain(desk, worker, db)
    before = _row(db, item.id)
    flagged = desk.flag_for_supervisor(worker, item.id, "  box smells of smoke  ")
    assert "worker_flagged" in flagged.flags
    assert set(before.flags) <= set(flagged.flags)  # the other flags are kept
    row = _row(db, item.id)
    assert row.exception_cause == "worker_flagged" and row.exception_resolved_at is None
    assert row.version == before.version + 1
    assert row.grade == before.grade and row.disposition == before.disposition  # the supervisor decides
    with db.unit_of_work() as uow:
        queue = open_exceptions(uow)
        assert [(r.item_id, r.cause) for r in queue] == [(item.id, "worker_flagged")]
        assert queue[0].resolutions[0] == "accept"
        assert exception_counts(uow) == {"worker_flagged": 1}
    [event] = _events(db, item.id)
    assert event.detail == "box smells of smoke" and event.operator_id == worker.id
    assert event.before["exception_cause"] is None and event.after["exception_cause"] == "worker_flagged"
    assert event.after["note"] == "box smells of smoke"


def test_an_item_already_held_keeps_its_cause(desk, worker, db):
    held = unknown_item(desk, worker)
    assert _row(db, held.id).exception_cause == "unknown_item"
    desk.flag_for_supervisor(worker, held.id, "looks like a prototype")
    row = _row(db, held.id)
    assert row.exception_cause == "unknown_item" and "worker_flagged" in row.flags and "unknown_item" in row.flags
    with db.unit_of_work() as uow:
        assert [r.cause for r in open_exceptions(uow)] == ["unknown_item"]
    assert _events(db, held.id)[0].detail == "looks like a prototype"


def test_flagging_twice_adds_the_flag_once_and_audits_both_notes(desk, worker, db):
    item = _plain(desk, worker, db)
    desk.flag_for_supervisor(worker, item.id, "first look")
    desk.flag_for_supervisor(worker, item.id, "and the seal is cut")
    row = _row(db, item.id)
    assert row.flags.count("worker_flagged") == 1 and row.exception_cause == "worker_flagged"
    assert [e.detail for e in _events(db, item.id)] == ["first look", "and the seal is cut"]


def test_re_flagging_a_resolved_item_opens_it_again(desk, worker, supervisor, db):
    item = _plain(desk, worker, db)
    desk.flag_for_supervisor(worker, item.id, "scratches on the screen?")
    with db.unit_of_work() as uow:
        resolve(uow, desk.ctx, supervisor, item.id, "accept", "checked, it is fine")
    resolved = _row(db, item.id)
    assert resolved.exception_resolved_at is not None and resolved.exception_resolved_by == supervisor.id
    with db.unit_of_work() as uow:
        assert open_exceptions(uow) == []
    desk.flag_for_supervisor(worker, item.id, "a rattle inside now")
    row = _row(db, item.id)
    assert row.exception_cause == "worker_flagged"
    assert row.exception_resolved_at is None and row.exception_resolved_by is None
    assert row.version == resolved.version + 1
    with db.unit_of_work() as uow:
        assert [r.item_id for r in open_exceptions(uow)] == [item.id]
    assert _events(db, item.id)[-1].before["exception_resolved"] is True


def test_a_resolved_exception_of_another_cause_comes_back_as_flagged(desk, worker, supervisor, db):
    held = unknown_item(desk, worker)
    with db.unit_of_work() as uow:
        resolve(uow, desk.ctx, supervisor, held.id, "release", "we know this one", disposition="liquidate")
    assert _row(db, held.id).exception_resolved_at is not None
    desk.flag_for_supervisor(worker, held.id, "the release was a mistake")
    with db.unit_of_work() as uow:
        assert [(r.item_id, r.cause) for r in open_exceptions(uow)] == [(held.id, "worker_flagged")]


@pytest.mark.parametrize("note", ["", "   ", "\t\n"])
def test_a_note_is_required_in_words(desk, worker, db, note):
    item = _plain(desk, worker, db)
    with pytest.raises(InvalidState, match="few words why a supervisor"):
        desk.flag_for_supervisor(worker, item.id, note)
    row = _row(db, item.id)
    assert row.exception_cause is None and "worker_flagged" not in row.flags and _events(db, item.id) == []


def test_a_draft_is_refused(desk, worker, db):
    product = product_by_value(db, below_cents=5_000)
    draft = desk.start_intake(worker, desk.classify(str(product.gtin)))
    with pytest.raises(InvalidState, match="not finished yet: save it first"):
        desk.flag_for_supervisor(worker, draft.id, "odd")
    assert _row(db, draft.id).exception_cause is None and _events(db, draft.id) == []


def test_a_voided_item_is_refused(desk, worker, db):
    item = _plain(desk, worker, db)
    desk.void_item(worker, item.id, "wrong_answer")
    with pytest.raises(InvalidState, match="voided"):
        desk.flag_for_supervisor(worker, item.id, "odd")
    assert _events(db, item.id) == []


def test_another_stations_item_is_refused(desk, worker, db):
    item = _plain(desk, worker, db)
    _set(db, ReturnItem, item.id, station_id="D99")
    with pytest.raises(InvalidState, match="station D99"):
        desk.flag_for_supervisor(worker, item.id, "odd")
    assert _row(db, item.id).exception_cause is None


def test_an_inactive_badge_is_refused(desk, worker, db):
    item = _plain(desk, worker, db)
    _set(db, Operator, worker.id, active=False)
    with pytest.raises(PermissionDenied, match="not an active operator"):
        desk.flag_for_supervisor(worker, item.id, "odd")
    assert _row(db, item.id).exception_cause is None


def test_a_supervisor_may_flag_too(desk, worker, supervisor, db):
    item = _plain(desk, worker, db)
    desk.flag_for_supervisor(supervisor, item.id, "second opinion wanted")
    assert _row(db, item.id).exception_cause == "worker_flagged"
    assert _events(db, item.id)[0].operator_id == supervisor.id


def test_a_missing_item_is_said(desk, worker):
    with pytest.raises(NotFound):
        desk.flag_for_supervisor(worker, uuid.uuid4(), "odd")


def test_a_long_note_is_kept_short(desk, worker, db):
    item = _plain(desk, worker, db)
    desk.flag_for_supervisor(worker, item.id, "x" * 1000)
    assert len(_events(db, item.id)[0].detail) == 300

