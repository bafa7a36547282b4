"""The outbox is written in the same transaction as the change, only for what is worth pushing."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update

from app.db.models import AuditEvent, OutboxEntry, PrintJob, ReturnItem
from app.db.uow import Database
from app.domain.status import JobStatus
from app.errors import InvalidState
from app.sync.codec import from_json, to_json
from app.sync.outbox import APPLYING_SYNC, enable_outbox, outbox_enabled
from tests.helpers import answer_all, product_where


def outbox(db):
    with db.unit_of_work() as uow:
        entries = uow.session.scalars(select(OutboxEntry).order_by(OutboxEntry.id))
        return [(e.entity, e.entity_key, e.payload) for e in entries]


def test_finalize_and_void_write_outbox_rows_drafts_do_not(desk, worker):
    enable_outbox(desk.db)
    gtin = product_where(desk.db, serialized=False).gtin
    item = desk.start_intake(worker, desk.classify(gtin))
    item = answer_all(desk, item)
    assert {entity for entity, _, _ in outbox(desk.db)} == {"audit_event"}  # a draft is not pushed

    final = desk.finalize(worker, item.id)
    items = [p for entity, key, p in outbox(desk.db) if entity == "return_item"]
    assert len(items) == 1
    assert items[0]["status"] == "final" and items[0]["lpn"] == final.lpn and items[0]["base_version"] is None

    desk.void_item(worker, item.id, "wrong_answer")
    items = [p for entity, key, p in outbox(desk.db) if entity == "return_item"]
    assert [p["status"] for p in items] == ["final", "voided"]
    assert items[1]["base_version"] == items[0]["version"] < items[1]["version"]  # the version central has
    events = [p["action"] for entity, _, p in outbox(desk.db) if entity == "audit_event"]
    assert events[-2:] == ["finalized", "voided"]


def test_a_failed_change_writes_no_outbox_row(desk, worker):
    enable_outbox(desk.db)
    item = desk.start_intake(worker, desk.classify(product_where(desk.db, serialized=False).gtin))
    before = outbox(desk.db)
    with pytest.raises(InvalidState):
        desk.finalize(worker, item.id)  # the checklist is not finished: the transaction rolls back
    assert outbox(desk.db) == before


def test_standalone_writes_no_outbox(desk, worker):
    item = answer_all(desk, desk.start_intake(worker, desk.classify(product_where(desk.db, serialized=False).gtin)))
    desk.finalize(worker, item.id)
    assert outbox(desk.db) == []


def test_applying_central_data_is_not_pushed_back(desk, worker):
    enable_outbox(desk.db)
    item = answer_all(desk, desk.start_intake(worker, desk.classify(product_where(desk.db, serialized=False).gtin)))
    desk.finalize(worker, item.id)
    count = len(outbox(desk.db))
    with desk.db.unit_of_work() as uow:
        uow.session.info[APPLYING_SYNC] = True
        uow.session.get(ReturnItem, item.id).grade = "B"
    assert len(outbox(desk.db)) == count


def test_payload_round_trips_every_column(desk, worker):
    item = answer_all(desk, desk.start_intake(worker, desk.classify(product_where(desk.db, serialized=False).gtin)))
    desk.finalize(worker, item.id)
    table = ReturnItem.__table__
    with desk.db.engine.connect() as conn:
        row = dict(conn.execute(select(table)).one()._mapping)
    assert from_json(table, to_json(table, row)) == row


def test_any_database_opened_on_the_station_file_writes_the_outbox(desk, worker, tmp_path, monkeypatch):
    """The print thread, the CLI or a second window open their own `Database` on the same file."""
    enable_outbox(desk.db)
    monkeypatch.chdir(tmp_path)
    other = Database("sqlite:///station.db")  # the same file, spelled relative to the working folder
    try:
        final = desk.finalize(worker, answer_all(desk, desk.start_intake(
            worker, desk.classify(product_where(desk.db, serialized=False).gtin))).id)
        with other.unit_of_work() as uow:
            jobs = uow.session.scalars(select(PrintJob).where(PrintJob.item_id == final.id)).all()
            for job in jobs:
                job.status = JobStatus.DONE
        last = {key: p["status"] for entity, key, p in outbox(desk.db) if entity == "print_job"}
        assert [last[str(job.id)] for job in jobs] == ["done", "done"]  # the label and the slip
    finally:
        other.dispose()


def test_bulk_updates_through_a_session_are_captured(desk, worker):
    enable_outbox(desk.db)
    final = desk.finalize(worker, answer_all(desk, desk.start_intake(
        worker, desk.classify(product_where(desk.db, serialized=False).gtin))).id)
    with desk.db.unit_of_work() as uow:  # ORM-enabled UPDATE … WHERE: the rowcount still reaches the caller
        result = uow.session.execute(update(PrintJob).where(PrintJob.item_id == final.id, PrintJob.kind == "label")
                                     .values(status=JobStatus.DONE))
        assert result.rowcount == 1  # type: ignore[attr-defined]
    with desk.db.unit_of_work() as uow:  # a Core table statement through the session, and UPDATE by primary key
        ids = list(uow.session.scalars(select(PrintJob.id).where(PrintJob.kind == "slip")))
        uow.session.execute(update(PrintJob.__table__).where(PrintJob.id.in_(ids)).values(attempts=3))
        uow.session.execute(update(PrintJob), [{"id": i, "status": JobStatus.CANCELLED} for i in ids])
    jobs = {key: p for entity, key, p in outbox(desk.db) if entity == "print_job"}  # the last change of each
    assert sorted((p["kind"], p["status"], p["attempts"]) for p in jobs.values()) == [
        ("label", "done", 0), ("slip", "cancelled", 3), ("tote_label", "queued", 0)]


def test_writes_the_central_database_could_not_follow_are_refused(desk, worker):
    enable_outbox(desk.db)
    final = desk.finalize(worker, answer_all(desk, desk.start_intake(
        worker, desk.classify(product_where(desk.db, serialized=False).gtin))).id)
    before = outbox(desk.db)
    with pytest.raises(InvalidState, match="never deleted"), desk.db.unit_of_work() as uow:
        uow.session.delete(uow.session.get(ReturnItem, final.id))
    with pytest.raises(InvalidState, match="bulk DELETE on print_job"), desk.db.unit_of_work() as uow:
        uow.session.execute(delete(PrintJob).where(PrintJob.item_id == final.id))
    with pytest.raises(InvalidState, match="bulk INSERT on audit_event"), desk.db.unit_of_work() as uow:
        uow.session.execute(insert(AuditEvent), [{"station_id": "D01", "action": "x", "detail": ""}])
    assert outbox(desk.db) == before
    draft = desk.start_intake(worker, desk.classify(product_where(desk.db, serialized=False).gtin))
    desk.cancel_draft(worker, draft.id)  # a draft was never pushed: cancelling deletes it


def test_a_standalone_database_in_the_same_process_writes_no_outbox(desk, worker, tmp_path):
    station = Database(f"sqlite:///{tmp_path / 'other-station.db'}")
    enable_outbox(station)  # another database is a station; this one stays standalone
    station.dispose()
    item = answer_all(desk, desk.start_intake(worker, desk.classify(product_where(desk.db, serialized=False).gtin)))
    desk.finalize(worker, item.id)
    assert outbox(desk.db) == [] and not outbox_enabled(desk.db)
