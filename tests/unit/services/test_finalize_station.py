"""Finalize in station mode (outbox on), after issue 12 made it write its record once and its outbox rows in one
statement: every change still reaches the outbox exactly once with its final values, in push order; the draft is
claimed by version; the LPN is never behind the records; change ids are unique and time-ordered."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, update

from app.db.models import OutboxEntry, ReturnItem, StationCounter
from app.errors import InvalidState
from app.services import finalize as fin
from app.sync.outbox import enable_outbox, new_change_id
from tests.helpers import answer_all, product_where


@pytest.fixture
def station(desk):
    enable_outbox(desk.db)
    return desk


def _draft(desk, worker):
    gtin = product_where(desk.db, serialized=False).gtin or ""
    return answer_all(desk, desk.start_intake(worker, desk.classify(gtin)))


def _outbox(desk, after: int = 0) -> list[OutboxEntry]:
    with desk.db.unit_of_work() as uow:
        rows = uow.session.scalars(select(OutboxEntry).where(OutboxEntry.id > after).order_by(OutboxEntry.id)).all()
        uow.session.expunge_all()
        return list(rows)


def _last_id(desk) -> int:
    rows = _outbox(desk)
    return rows[-1].id if rows else 0


def test_a_save_puts_each_change_in_the_outbox_once_with_its_final_values_in_push_order(station, worker):
    first = _draft(station, worker)
    station.save_item(worker, first.id)  # the first item of its disposition also opens the tote
    draft = _draft(station, worker)
    before = _last_id(station)
    saved = station.save_item(worker, draft.id)
    rows = _outbox(station, before)
    assert [r.entity for r in rows] == ["return_item", "print_job", "print_job", "audit_event"]  # push order
    item = rows[0].payload
    assert saved.tote is not None
    assert (item["id"], item["lpn"], item["status"]) == (str(draft.id), saved.item.lpn, "final")
    assert item["container_code"] == saved.tote.code and item["container_id"] == saved.tote.id
    assert item["base_version"] is None  # never pushed before: a draft is not
    with station.db.unit_of_work() as uow:
        assert item["version"] == uow.session.get(ReturnItem, draft.id).version
    assert {r.payload["kind"] for r in rows[1:3]} == {"label", "slip"}
    assert all(r.payload["item_id"] == str(draft.id) for r in rows[1:3])
    assert rows[3].payload["action"] == "finalized" and rows[3].payload["detail"] == saved.item.lpn
    assert len({r.change_id for r in rows}) == 4


def test_the_next_change_of_the_item_is_based_on_the_version_the_outbox_has(station, worker):
    draft = _draft(station, worker)
    saved = station.save_item(worker, draft.id)
    finalized_version = next(r for r in _outbox(station) if r.entity == "return_item").payload["version"]
    before = _last_id(station)
    station.void_item(worker, saved.item.id, "wrong_answer")
    voided = [r for r in _outbox(station, before) if r.entity == "return_item"]
    assert len(voided) == 1 and voided[0].payload["base_version"] == finalized_version
    assert voided[0].payload["status"] == "voided"


def test_a_draft_saved_twice_is_saved_once(station, worker):
    draft = _draft(station, worker)
    station.save_item(worker, draft.id)
    before = _last_id(station)
    with pytest.raises(InvalidState):
        station.save_item(worker, draft.id)
    assert _outbox(station, before) == []


def test_a_claim_lost_to_another_writer_saves_nothing(station, worker, monkeypatch):
    draft = _draft(station, worker)
    read = fin.load_draft

    def read_then_lose_the_race(uow, item_id):
        row = read(uow, item_id)  # another writer moves the draft on between the read and the claim
        uow.session.connection().execute(update(ReturnItem).where(ReturnItem.id == item_id)
                                         .values(version=ReturnItem.version + 1))
        return row

    monkeypatch.setattr(fin, "load_draft", read_then_lose_the_race)
    before = _last_id(station)
    with pytest.raises(InvalidState, match="saved or changed somewhere else"):
        station.finalize(worker, draft.id)
    with station.db.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, draft.id).lpn is None
    assert [r.entity for r in _outbox(station, before)] == []


def test_the_lpn_is_never_behind_the_records(station, worker):
    first = station.save_item(worker, _draft(station, worker).id).item
    with station.db.unit_of_work() as uow:  # a copied file: the counter went back
        uow.session.get(StationCounter, "D01").next_lpn = 1
    second = station.save_item(worker, _draft(station, worker).id).item
    assert first.lpn is not None and second.lpn is not None and second.lpn > first.lpn


def test_change_ids_are_unique_and_time_ordered():
    ids = [new_change_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids[:50])
    stamps = [i.int >> 80 for i in ids]
    assert stamps == sorted(stamps)  # the first 48 bits are the time in ms: new rows go at the index's end
