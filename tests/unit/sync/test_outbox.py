"""The outbox is written in the same transaction as the change, only for what is worth pushing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import OutboxEntry, ReturnItem
from app.errors import InvalidState
from app.sync.codec import from_json, to_json
from app.sync.outbox import APPLYING_SYNC, enable_outbox
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
