"""Every item reaches the central database, whatever mode it was made in (issue 9, part 5), on PostgreSQL and
MariaDB: a standalone station's day goes up at its first sync exactly once, and the demo history made in
station mode syncs like any other work."""

from __future__ import annotations

from sqlalchemy import select

from app.cli import main
from app.db.models import ReturnItem
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.domain.status import PUSHED_ITEM_STATUSES
from tests.backfill_scenarios import connect_and_check, counts, standalone_day, standalone_station
from tests.sync_compare import assert_central_equals_station


def test_a_standalone_day_reaches_central_exactly_once(central, tmp_path, configuration, clock):
    load_demo_master_data(central)
    desk = standalone_station(tmp_path, central, "D01", configuration, clock)
    try:
        standalone_day(desk, tmp_path).print_db.dispose()
        here = connect_and_check(desk, central)
        assert here["return_item"] >= 8 and here["print_job"] >= 16  # the day was a real one
    finally:
        desk.db.dispose()


def test_demo_history_made_in_station_mode_syncs(central, tmp_path, monkeypatch, capsys):
    load_demo_master_data(central)  # IT loaded the demo master data centrally
    monkeypatch.setenv("RETURNS_DESK_MODE", "station")
    monkeypatch.setenv("RETURNS_DESK_CENTRAL_DB", central.url)
    local = f"sqlite:///{tmp_path / 'D07.db'}"
    assert main(["--db", local, "--station", "D07", "demo", "load", "--history", "60"]) == 0
    out = capsys.readouterr().out
    assert "master data pulled from" in out and "graded items of history" in out

    assert main(["--db", local, "--station", "D07", "sync", "--once"]) == 0
    out = capsys.readouterr().out
    assert "Pushed 0 changes" not in out and "0 conflict(s)" in out
    station = Database(local)
    try:
        assert_central_equals_station(station, central, after="demo load in station mode and one sync")
        assert counts(station)["return_item"] >= 50  # beyond the demo RMAs; a repeated random serial is skipped
        with central.unit_of_work() as uow:
            lpns = uow.session.scalars(select(ReturnItem.lpn).where(ReturnItem.status.in_(
                sorted(PUSHED_ITEM_STATUSES)))).all()
        assert lpns and all(lpn and lpn.startswith("LP-D07-") for lpn in lpns)  # graded as this station
    finally:
        station.dispose()


def test_demo_load_in_station_mode_says_when_central_has_no_catalog(central, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RETURNS_DESK_MODE", "station")
    monkeypatch.setenv("RETURNS_DESK_CENTRAL_DB", central.url)
    local = f"sqlite:///{tmp_path / 'D08.db'}"
    assert main(["--db", local, "--station", "D08", "demo", "load"]) == 2
    err = capsys.readouterr().err
    assert "has no catalog yet" in err and "demo load --history 0" in err
