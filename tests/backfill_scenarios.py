"""A station's day made with the outbox off (standalone), then the station connected: the steps shared by the
SQLite-central unit tests and the PostgreSQL/MariaDB integration tests of backfill (app/sync/backfill.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.db import migrate
from app.db.models import AuditEvent, Container, OutboxEntry, PrintJob, ReturnItem
from app.db.uow import Database
from app.domain.rules_check import Configuration
from app.services.context import StationContext
from app.services.desk import Desk
from app.sync.backfill import backfill
from app.sync.outbox import enable_outbox, outbox_enabled
from app.sync.pull import pull_once
from app.sync.runner import read_status, sync_once
from tests.conftest import DEMO_TODAY, MutableClock
from tests.helpers import product_where
from tests.sync_compare import Dock, assert_central_equals_station

PUSHED = (Container, ReturnItem, PrintJob, AuditEvent)


def standalone_station(tmp_path: Path, central: Database, station_id: str, configuration: Configuration,
                       clock: MutableClock) -> Desk:
    """A station file with the central master data (as after a pull) but the outbox off: standalone mode."""
    local = Database(f"sqlite:///{tmp_path / f'{station_id}.db'}")
    migrate.upgrade(local)
    pull_once(local, central)
    assert not outbox_enabled(local)
    return Desk(local, StationContext(station_id, configuration, clock=clock, local_today=lambda: DEMO_TODAY))


def standalone_day(desk: Desk, tmp_path: Path) -> Dock:
    """Every kind of change a station makes (finalize, print, void, reprint, totes...), none of them synced."""
    dock = Dock(desk, tmp_path, product_where(desk.db, serialized=False).gtin or "")
    for _name, step in dock.steps():
        step()
    return dock


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {m.__tablename__: int(conn.execute(select(func.count()).select_from(m)).scalar_one()) for m in PUSHED}


def outbox_rows(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(OutboxEntry)).scalar_one())


def connect_and_check(desk: Desk, central: Database) -> dict[str, int]:
    """Switch the station to station mode, sync once: central == station; backfill and sync again: nothing
    doubled. Returns the station's counts per table."""
    assert outbox_rows(desk.db) == 0  # the day wrote no outbox rows: without backfill nothing would go up
    enable_outbox(desk.db)
    first = sync_once(desk.db, central, desk.ctx.station_id)  # the first round backfills by itself
    assert first.pushed.sent > 0 and not first.pushed.conflicts
    assert read_status(desk.db).waiting == 0
    assert_central_equals_station(desk.db, central, after="the first sync of a standalone station")
    here = counts(desk.db)
    assert all(here.values()), here  # the day made rows in every pushed table

    assert sum(backfill(desk.db).values()) == 0  # everything is in the outbox now: nothing queued again
    assert sync_once(desk.db, central, desk.ctx.station_id).pushed.sent == 0
    assert counts(central) == here
    assert_central_equals_station(desk.db, central, after="backfill and sync again")
    return here
