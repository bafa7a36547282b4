"""The whole record of an item graded through the real desk: answers as asked, the why, audit, prints, sync."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import update

from app.db.models import OutboxEntry, ReturnItem
from app.db.uow import Database
from app.errors import NotFound
from app.review.record import item_record
from app.review.source import CENTRAL
from app.services.desk import Desk
from app.services.intake import template_of
from app.services.views import ItemView, OperatorView
from app.sync.outbox import enable_outbox
from tests.helpers import answer_all, product_where


def graded(desk: Desk, worker: OperatorView, db: Database) -> ItemView:
    product = product_where(db, category="general", serialized=False)
    assert product.gtin is not None
    item = desk.start_intake(worker, desk.classify(product.gtin))
    assert isinstance(item, ItemView)
    return desk.finalize(worker, answer_all(desk, item).id)


def test_the_record_has_the_answers_as_asked_the_why_the_audit_and_the_prints(
        desk: Desk, worker: OperatorView, db: Database) -> None:
    item = graded(desk, worker, db)
    with db.unit_of_work(read_only=True) as uow:
        record = item_record(uow, desk.ctx, item.id)
    template = template_of(desk.ctx, item)
    texts = {q.id: q.text for q in template.questions}
    assert [a.question_id for a in record.answers] == list(item.answer_order)
    assert [a.question for a in record.answers] == [texts[q] for q in item.answer_order]
    first = next(q for q in template.questions if q.id == item.answer_order[0])
    if first.options:  # answer_all picks option 1: its words, not its stored value
        assert record.answers[0].answer == first.options[0].label
    assert not any(a.auto for a in record.answers) and record.answers_note == ""
    assert record.grade_rules == list(item.grade_rules) and record.disposition_rules
    assert [a.action for a in record.audit][0] == "intake_started" and "finalized" in [a.action for a in record.audit]
    finalized = next(a for a in record.audit if a.action == "finalized")
    assert finalized.who == "B1001 Dana Worker" and finalized.after == {
        "lpn": item.lpn, "grade": item.grade, "disposition": item.disposition}
    assert {p.kind for p in record.prints} == {"label", "slip"}
    assert record.operator == "B1001 Dana Worker" and record.item.lpn == item.lpn
    assert record.sync == "on this station's database only (not synced)"
    assert record.override is None and record.version == item_version(db, item)


def item_version(db: Database, item: ItemView) -> int:
    with db.unit_of_work(read_only=True) as uow:
        row = uow.session.get(ReturnItem, item.id)
        assert row is not None
        return row.version


def test_sync_words_follow_the_outbox(desk: Desk, worker: OperatorView, db: Database) -> None:
    enable_outbox(db)
    item = graded(desk, worker, db)
    with db.unit_of_work(read_only=True) as uow:
        assert item_record(uow, desk.ctx, item.id).sync == "waiting to sync"
        assert item_record(uow, desk.ctx, item.id, CENTRAL).sync.startswith("at the central database (version ")
    with db.engine.begin() as conn:
        conn.execute(update(OutboxEntry).values(sent_at=OutboxEntry.created_at))
    with db.unit_of_work(read_only=True) as uow:
        assert item_record(uow, desk.ctx, item.id).sync.startswith("at the central database")
    with db.engine.begin() as conn:
        conn.execute(update(OutboxEntry).where(OutboxEntry.entity == "return_item")
                     .values(set_aside_at=OutboxEntry.created_at, last_error="duplicate LPN"))
    with db.unit_of_work(read_only=True) as uow:
        assert item_record(uow, desk.ctx, item.id).sync == "set aside: duplicate LPN (IT decides)"


def test_a_record_graded_with_a_checklist_no_longer_installed_still_reads(
        desk: Desk, worker: OperatorView, db: Database) -> None:
    item = graded(desk, worker, db)
    with db.unit_of_work() as uow:
        uow.session.execute(update(ReturnItem).where(ReturnItem.id == item.id).values(checklist_version=99))
    with db.unit_of_work(read_only=True) as uow:
        record = item_record(uow, desk.ctx, item.id)
    assert "v99, which is not installed here" in record.answers_note
    assert len(record.answers) == len(item.answer_order)


def test_an_item_that_does_not_exist(desk: Desk, db: Database) -> None:
    import uuid

    with db.unit_of_work(read_only=True) as uow, pytest.raises(NotFound):
        item_record(uow, desk.ctx, uuid.uuid4())
    assert replace(CENTRAL).site
