"""Backfill on a SQLite central file (fast; PostgreSQL and MariaDB run the same steps in
tests/integration/test_sync_backfill.py): what a station made with the outbox off reaches central once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.cli import main
from app.db.models import ReturnItem
from app.domain.status import ItemStatus
from app.sync import outbox, state
from app.sync.backfill import BACKFILLED_AT, backfill
from app.sync.outbox import enable_outbox
from app.sync.runner import sync_once
from tests.backfill_scenarios import (
    connect_and_check,
    counts,
    outbox_rows,
    standalone_day,
    standalone_station,
)
from tests.sync_compare import assert_central_equals_station


@pytest.fixture
def station(tmp_path, central, configuration, clock):
    desk = standalone_station(tmp_path, central, "D04", configuration, clock)
    yield desk
    desk.db.dispose()


def test_a_standalone_day_reaches_central_once_at_the_first_sync(station, central, tmp_path):
    dock = standalone_day(station, tmp_path)
    dock.print_db.dispose()
    connect_and_check(station, central)
    with station.db.engine.connect() as conn:
        assert state.read(conn, BACKFILLED_AT)


def test_backfill_twice_in_small_chunks_queues_each_record_once(station, central, tmp_path):
    standalone_day(station, tmp_path).print_db.dispose()
    first = backfill(station.db, chunk=3)  # many local transactions, as an interrupted backfill resumes
    assert first == counts(station.db)  # every record once: totes, items, jobs, events
    rows = outbox_rows(station.db)
    assert sum(backfill(station.db).values()) == 0 and outbox_rows(station.db) == rows
    enable_outbox(station.db)
    sync_once(station.db, central, "D04")
    sync_once(station.db, central, "D04")
    assert counts(central) == counts(station.db)
    assert_central_equals_station(station.db, central)


def test_a_station_with_the_outbox_on_all_along_backfills_nothing(tmp_path, central, configuration, clock):
    """The live outbox rows and backfill agree on what "current" is (dates, totes, print states)."""
    desk = standalone_station(tmp_path, central, "D05", configuration, clock)
    enable_outbox(desk.db)
    dock = standalone_day(desk, tmp_path)
    dock.print_db.dispose()
    rows = outbox_rows(desk.db)
    assert rows > 0
    assert sum(backfill(desk.db).values()) == 0 and outbox_rows(desk.db) == rows
    desk.db.dispose()


def test_changes_made_standalone_after_station_mode_go_up_after_backfill(
        station, central, tmp_path, monkeypatch, capsys):
    enable_outbox(station.db)
    dock = standalone_day(station, tmp_path)
    sync_once(station.db, central, "D04")
    assert_central_equals_station(station.db, central, after="a day in station mode")

    with monkeypatch.context() as standalone:  # the station runs standalone for a while
        standalone.setattr(outbox, "_station_databases", set())
        dock.desk.void_item(dock.worker, dock.items[1].id, "wrong_answer")  # an item central has, changed
        dock.new_item()  # and a new one, with its print jobs and events
        dock.print_all()
    dock.print_db.dispose()
    assert sync_once(station.db, central, "D04").pushed.sent == 0  # the outbox knows nothing of them

    local, remote = f"sqlite:///{tmp_path / 'D04.db'}", central.url
    assert main(["--db", local, "--station", "D04", "sync", "--once", "--central", remote]) == 1
    out = capsys.readouterr()
    assert "Pushed 0 changes: nothing was waiting." in out.out
    assert "lacks 1 of this station's final or voided items" in out.err and "sync --backfill" in out.err

    assert main(["--db", local, "sync", "--backfill"]) == 0
    out = capsys.readouterr().out
    assert "Queued" in out and "return_item 2" in out and "print_job" in out and "audit_event" in out

    assert main(["--db", local, "--station", "D04", "sync", "--once", "--central", remote]) == 0
    assert "conflict" not in capsys.readouterr().out.replace("0 conflict(s)", "")
    assert_central_equals_station(station.db, central, after="backfill after a standalone spell")
    with central.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, dock.items[1].id).status == ItemStatus.VOIDED  # the update applied
        assert len(uow.session.scalars(select(ReturnItem)).all()) == counts(station.db)["return_item"]

    assert main(["--db", local, "sync", "--backfill"]) == 0
    assert "Queued 0 changes" in capsys.readouterr().out
