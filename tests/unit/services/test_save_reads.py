"""Issue 12's cuts on the hot path keep their answers: the tote panel of a save (counted in the tote's own read)
is what counting the tote says; the draft is written once at scan with its flags; the first push of a draft needs
no look into the outbox, and a later change still gets the version central has."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from app.db.models import OutboxEntry, ReturnItem
from app.sync.outbox import enable_outbox
from tests.helpers import answer_all, product_where


@pytest.fixture
def station(desk):
    enable_outbox(desk.db)
    return desk


def _statements(desk):
    seen: list[str] = []
    event.listen(desk.db.engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: seen.append(sql))
    return seen


def test_the_save_says_how_full_the_tote_is_as_a_count_would(station, worker):
    gtin = product_where(station.db, serialized=False).gtin or ""
    confirmed = 0
    for n in range(5):
        item = answer_all(station, station.start_intake(worker, station.classify(gtin)))
        saved = station.save_item(worker, item.id)
        assert saved.tote == station.tote_of_item(item.id)  # the same view, counted afresh
        assert (saved.tote.items, saved.tote.confirmed) == (n + 1, confirmed)
        if n % 2 == 0:  # some confirmed, some not: the panel counts both
            station.confirm_tote(worker, item.id, saved.tote.code)
            confirmed += 1
    closed, following = station.close_tote(worker, saved.tote.code)
    assert (closed.items, closed.confirmed) == (5, 3) and (following.items, following.confirmed) == (0, 0)
    item = answer_all(station, station.start_intake(worker, station.classify(gtin)))
    saved = station.save_item(worker, item.id)
    assert saved.tote.code == following.code and (saved.tote.items, saved.tote.confirmed) == (1, 0)
    assert saved.tote == station.tote_of_item(item.id)


def test_scan_writes_the_draft_once_with_its_flags(station, worker):
    gtin = product_where(station.db, serialized=False).gtin or ""
    seen = _statements(station)
    item = station.start_intake(worker, station.classify(gtin))
    writes = [s for s in seen if "return_item" in s and not s.lstrip().startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith("INSERT INTO return_item"), writes
    with station.db.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, item.id)
        assert row is not None and row.flags == list(item.flags) and "no_rma" in row.flags


def test_first_push_of_a_draft_has_no_base_and_a_void_has_the_final_version(station, worker, supervisor):
    gtin = product_where(station.db, serialized=False).gtin or ""
    item = answer_all(station, station.start_intake(worker, station.classify(gtin)))
    seen = _statements(station)
    station.save_item(worker, item.id)
    assert not [s for s in seen if "FROM outbox" in s]  # no look for an earlier push of a draft
    station.void_item(supervisor, item.id, "other", "test")
    with station.db.unit_of_work() as uow:
        payloads = [e.payload for e in uow.session.scalars(
            select(OutboxEntry).where(OutboxEntry.entity == "return_item", OutboxEntry.entity_key == str(item.id))
            .order_by(OutboxEntry.id))]
    assert [p["status"] for p in payloads] == ["final", "voided"]
    assert payloads[0]["base_version"] is None
    assert payloads[1]["base_version"] == payloads[0]["version"] < payloads[1]["version"]
