"""The fleet view's scenarios, run on a SQLite central (tests/unit/sync/test_fleet.py) and on the real
PostgreSQL and MariaDB (tests/integration/test_fleet_central.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from app.db import migrate
from app.db.models import PrintJob, SiteInfo, StationReport
from app.db.uow import Database
from app.domain.rules_check import Configuration
from app.errors import CentralSchemaMismatch
from app.review.stations import FleetPolicy, fleet_health
from app.services.context import StationContext
from app.services.desk import Desk
from app.sync import fleet
from app.sync.fleet import CentralSchemaTooNew, StationIdTaken, StationTooOld, claim_again, running_version
from app.sync.outbox import enable_outbox
from app.sync.pull import pull_once
from app.sync.runner import SyncErrorKind, read_status, sync_once
from tests.conftest import DEMO_TODAY
from tests.helpers import answer_all, product_where


def station(tmp_path: Path, central: Database, name: str, station_id: str, configuration: Configuration,
            clock: object) -> Desk:
    """A station with its own database file `name` (two files may carry one station id)."""
    local = Database(f"sqlite:///{tmp_path / f'{name}.db'}")
    migrate.upgrade(local)
    enable_outbox(local)
    pull_once(local, central)
    return Desk(local, StationContext(station_id, configuration, clock=clock,  # type: ignore[arg-type]
                                      local_today=lambda: DEMO_TODAY))


def report_of(central: Database, station_id: str) -> Any:
    table = StationReport.__table__
    with central.engine.connect() as conn:
        return conn.execute(select(table).where(table.c.station_id == station_id)).one()


def every_round_reports(tmp_path: Path, central: Database, configuration: Configuration, clock: object) -> None:
    desk = station(tmp_path, central, "first", "D07", configuration, clock)
    worker = desk.sign_in("B1001", "1111")
    item = desk.finalize(worker, answer_all(desk, desk.start_intake(
        worker, desk.classify(product_where(desk.db, serialized=False).gtin))).id)
    before = datetime.now(UTC)
    sync_once(desk.db, central, "D07")
    row = report_of(central, "D07")
    version, build = running_version()
    assert (row.version, row.build) == (version, build) and row.host
    assert row.last_seen >= before - timedelta(seconds=1)
    assert row.outbox_depth == 0 and row.last_error is None
    # The item's label and slip (and a tote's) are still queued (no print loop ran): the report says so.
    with desk.db.unit_of_work(read_only=True) as uow:
        queued = uow.session.scalars(select(PrintJob)).all()
    assert any(job.item_id == item.id for job in queued)
    assert row.print_queue_depth == len(queued) and row.oldest_print_at is not None
    desk.db.dispose()


def a_second_station_with_the_same_id_is_refused(tmp_path: Path, central: Database,
                                                 configuration: Configuration, clock: object) -> None:
    first = station(tmp_path, central, "first", "D07", configuration, clock)
    sync_once(first.db, central, "D07")
    claimed = report_of(central, "D07")
    second = station(tmp_path, central, "second", "D07", configuration, clock)
    worker = second.sign_in("B1001", "1111")
    second.finalize(worker, answer_all(second, second.start_intake(
        worker, second.classify(product_where(second.db, serialized=False).gtin))).id)
    with pytest.raises(StationIdTaken, match="Station id D07 is already used by another station") as refused:
        sync_once(second.db, central, "D07")
    assert "same LPNs" in str(refused.value) and "returns-desk stations claim" in str(refused.value)
    status = read_status(second.db)
    assert status.error_kind is SyncErrorKind.REFUSED and status.waiting > 0  # nothing went up
    after = report_of(central, "D07")
    assert (after.instance_key, after.last_seen) == (claimed.instance_key, claimed.last_seen)
    with central.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM return_item WHERE station_id = 'D07'")).scalar() == 0
    # IT re-claims the id for the second (a re-installed D07): it syncs, and the first is refused from then on.
    assert claim_again(second.db, central, "D07").previous_host == claimed.host
    assert sync_once(second.db, central, "D07").pushed.sent > 0
    with pytest.raises(StationIdTaken):
        sync_once(first.db, central, "D07")
    first.db.dispose()
    second.db.dispose()


def the_same_file_is_the_same_station(tmp_path: Path, central: Database, configuration: Configuration,
                                      clock: object) -> None:
    desk = station(tmp_path, central, "first", "D07", configuration, clock)
    sync_once(desk.db, central, "D07")
    again = Database(desk.db.url)  # another process on the same file (the CLI while the window runs)
    sync_once(again, central, "D07")
    assert report_of(central, "D07").instance_key == fleet.instance_key(desk.db)
    again.dispose()
    desk.db.dispose()


def an_old_station_says_it_must_be_upgraded(tmp_path: Path, central: Database, configuration: Configuration,
                                            clock: object) -> None:
    desk = station(tmp_path, central, "first", "D07", configuration, clock)
    with pytest.raises(StationTooOld, match=r"must be upgraded: it runs Returns Desk .* needs 99.0 or later"):
        sync_once(desk.db, central, "D07", min_version="99.0")
    row = report_of(central, "D07")
    assert row.last_error and "must be upgraded" in row.last_error and row.last_error_kind == "refused"
    shown = fleet_health_of(central, FleetPolicy(min_version="99.0"))
    assert any("below the site's min_version 99.0: must be upgraded" in p for p in shown["D07"])
    sync_once(desk.db, central, "D07", min_version=running_version()[0])  # at the minimum: syncs
    desk.db.dispose()


def an_unknown_central_schema_is_refused_naming_the_version(tmp_path: Path, central: Database,
                                                            configuration: Configuration, clock: object) -> None:
    desk = station(tmp_path, central, "first", "D07", configuration, clock)
    with central.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0042_future'"))
        info = SiteInfo.__table__
        conn.execute(update(info).where(info.c.key == "schema_app_version").values(value="7.3.0"))
    with pytest.raises(CentralSchemaTooNew, match=r"must be upgraded.*0042_future.*Install Returns Desk 7\.3\.0"):
        sync_once(desk.db, central, "D07")
    assert read_status(desk.db).error_kind is SyncErrorKind.SCHEMA
    with central.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0006_review_indexes'"))
    with pytest.raises(CentralSchemaMismatch, match=r"older than this station's .*upgrade the central database"):
        sync_once(desk.db, central, "D07")
    with central.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": migrate.HEAD_REVISION})
    desk.db.dispose()


def fleet_health_of(central: Database, policy: FleetPolicy, now: datetime | None = None) -> dict[str, list[str]]:
    with central.engine.connect() as conn:
        return {s.station_id: s.problems for s in fleet_health(conn, policy, now)}


def the_view_says_what_is_wrong(tmp_path: Path, central: Database, configuration: Configuration,
                                clock: object) -> None:
    for name in ("D01", "D02", "D03", "D04"):
        desk = station(tmp_path, central, name, name, configuration, clock)
        sync_once(desk.db, central, name)
        desk.db.dispose()
    now = datetime.now(UTC)
    with central.engine.begin() as conn:
        table = StationReport.__table__
        conn.execute(update(table).where(table.c.station_id == "D02").values(last_seen=now - timedelta(hours=2)))
        conn.execute(update(table).where(table.c.station_id == "D03").values(
            outbox_depth=40, oldest_outbox_at=now - timedelta(minutes=50), print_queue_depth=3,
            oldest_print_at=now - timedelta(minutes=5), last_error="The central database refused a change. More."))
        conn.execute(update(table).where(table.c.station_id == "D04").values(version="0.0.9"))
    problems = fleet_health_of(central, FleetPolicy(offline_min=15, stuck_min=30), now)
    assert problems["D01"] == []
    assert problems["D02"] == [f"offline for 2 h 0 min (last seen "
                               f"{(now - timedelta(hours=2)).astimezone():%Y-%m-%d %H:%M})"]
    assert problems["D03"] == ["sync error: The central database refused a change.",
                               "40 change(s) to send stuck, the oldest for 50 min"]  # 5 min of print: fine
    assert problems["D04"] == [f"runs an older version (0.0.9) than the newest station ({running_version()[0]})"]
    assert fleet_health_of(central, FleetPolicy(offline_min=180, stuck_min=60), now)["D02"] == []
