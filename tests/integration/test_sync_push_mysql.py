"""The MariaDB push (app/sync/push_mysql.py): awkward text arrives unchanged, the session's SQL mode is put back,
and a batch larger than one JSON document is applied whole."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from app.db.models import AuditEvent, ReturnItem
from app.demo import load_demo_master_data
from app.sync import push_mysql
from app.sync.push import push_once
from tests.integration.stations import grade, new_station, plain_gtins


@pytest.fixture(params=["mariadb"])
def central_url(request: pytest.FixtureRequest):  # noqa: ANN201 - overrides the two-engine fixture
    from tests.integration.servers import throwaway_database

    with throwaway_database(request.param) as url:
        yield url


def test_text_with_quotes_backslashes_and_accents_arrives_unchanged(central, tmp_path, configuration, clock,
                                                                   monkeypatch):
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    worker = desk.sign_in("B1001", "1111")
    items = [grade(desk, worker, gtin) for gtin in plain_gtins(desk.db, 3)]
    awkward = "O'Brien \\ \"quoted\" \\n tab\t é ß 日本 \\u00e9 ' ;--"
    with desk.db.unit_of_work() as uow:  # an ORM write: the outbox records it
        uow.session.execute(update(ReturnItem).where(ReturnItem.id == items[0].id)
                            .values(unknown_description=awkward, version=ReturnItem.version + 1))
    monkeypatch.setattr(push_mysql, "DOC_BYTES", 2000)  # many small documents for one batch
    with central.engine.connect() as conn:
        mode_before = conn.exec_driver_sql("SELECT @@SESSION.sql_mode").scalar_one()
    result = push_once(desk.db, central, "D01")
    assert result.sent > 10 and not result.conflicts
    with central.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, items[0].id).unknown_description == awkward
        assert len(uow.session.scalars(select(ReturnItem)).all()) == 3
    with central.unit_of_work() as uow, desk.db.unit_of_work() as here:
        central_events = sorted((e.action, str(e.item_id), e.at) for e in uow.session.scalars(select(AuditEvent)))
        local_events = sorted((e.action, str(e.item_id), e.at) for e in here.session.scalars(select(AuditEvent)))
        assert central_events == local_events
    with central.engine.connect() as conn:  # the pooled connection the push used is back to its own mode
        assert conn.execute(text("SELECT @@SESSION.sql_mode")).scalar_one() == mode_before
        assert "NO_BACKSLASH_ESCAPES" not in mode_before


def test_batch_partly_applied_before_applies_only_the_new_changes(central, tmp_path, configuration, clock,
                                                                 monkeypatch):
    """The claim's fast path (a plain INSERT IGNORE whose count says every id is new) falls back to RETURNING
    when some ids were applied before: those are skipped, the rest applied once, in the same batch."""
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    worker = desk.sign_in("B1001", "1111")
    gtins = plain_gtins(desk.db, 3)
    for gtin in gtins[:2]:
        grade(desk, worker, gtin)
    first = push_once(desk.db, central, "D01")
    with desk.db.engine.begin() as conn:  # applied centrally, but the station never heard back
        conn.execute(text("UPDATE outbox SET sent_at = NULL"))
    grade(desk, worker, gtins[2])
    monkeypatch.setattr(push_mysql, "DOC_BYTES", 600)  # documents wholly replayed, mixed, and wholly new
    second = push_once(desk.db, central, "D01")
    assert first.sent > 0 and second.replayed == first.sent and second.sent > second.replayed
    with central.unit_of_work() as uow, desk.db.unit_of_work() as here:
        assert len(uow.session.scalars(select(ReturnItem)).all()) == 3
        central_events = sorted((e.action, str(e.item_id), e.at) for e in uow.session.scalars(select(AuditEvent)))
        local_events = sorted((e.action, str(e.item_id), e.at) for e in here.session.scalars(select(AuditEvent)))
        assert central_events == local_events  # no audit event twice
    with central.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sync_applied")).scalar_one() == second.sent
