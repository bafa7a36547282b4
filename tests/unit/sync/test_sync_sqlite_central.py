"""The sync logic on a SQLite 'central' file (fast; the real servers are in tests/integration)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db import migrate
from app.db.models import AuditEvent, Product, ReturnItem
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.services.context import StationContext
from app.services.desk import Desk
from app.sync.outbox import enable_outbox
from app.sync.runner import read_status, sync_once
from tests.conftest import DEMO_TODAY
from tests.helpers import answer_all, product_where


def test_round_trip_through_a_sqlite_central(tmp_path, configuration, clock):
    central = Database(f"sqlite:///{tmp_path / 'central.db'}")
    migrate.upgrade(central)
    load_demo_master_data(central)
    local = Database(f"sqlite:///{tmp_path / 'station.db'}")
    migrate.upgrade(local)
    enable_outbox(local)
    desk = Desk(local, StationContext("D02", configuration, clock=clock, local_today=lambda: DEMO_TODAY))

    first = sync_once(local, central, "D02")
    with local.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Product)) == first.pulled.rows["product"] > 0
    worker = desk.sign_in("B1001", "1111")
    item = answer_all(desk, desk.start_intake(worker, desk.classify(product_where(local, serialized=False).gtin)))
    final = desk.finalize(worker, item.id)
    assert read_status(local).waiting > 0

    sync_once(local, central, "D02")
    assert read_status(local).waiting == 0
    with central.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, final.id).lpn == "LP-D02-0000001"
        central_events = uow.session.scalar(select(func.count()).select_from(AuditEvent))
    with local.unit_of_work() as uow:
        assert central_events == uow.session.scalar(select(func.count()).select_from(AuditEvent))
    local.dispose()
    central.dispose()


def test_a_batch_stops_at_its_byte_budget(tmp_path, monkeypatch):
    import uuid
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from app.db.models import OutboxEntry
    from app.sync import push

    local = Database(f"sqlite:///{tmp_path / 'station.db'}")
    migrate.upgrade(local)
    now = datetime.now(UTC)
    with local.engine.begin() as conn:  # three print jobs with big PDFs waiting
        conn.execute(insert(OutboxEntry), [
            {"change_id": uuid.uuid4(), "entity": "print_job", "entity_key": str(i), "payload": {"pdf": "x" * 1000},
             "created_at": now, "attempts": 0} for i in range(3)])
    monkeypatch.setattr(push, "MAX_BATCH_BYTES", 1500)
    first = push.next_batch(local, 100)
    assert [c.key for c in first] == ["0", "1"]  # the budget is reached with the second row
    assert [c.key for c in push.next_batch(local, 100, first[-1].outbox_id)] == ["2"]
    local.dispose()
