"""`returns-desk stations [--json]` and `stations claim --by BADGE` on a SQLite central file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app.cli import main
from app.db import migrate
from app.db.models import StationReport
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.sync.fleet import StationIdTaken
from app.sync.runner import sync_once
from tests.fleet_scenarios import station
from tests.helpers import quick_pins


@pytest.fixture
def site(tmp_path, monkeypatch, configuration, clock):
    quick_pins(monkeypatch)
    central = Database(f"sqlite:///{tmp_path / 'central.db'}")
    migrate.upgrade(central)
    load_demo_master_data(central)
    desks = {name: station(tmp_path, central, name, name, configuration, clock) for name in ("D01", "D02")}
    for name, desk in desks.items():
        sync_once(desk.db, central, name)
        desk.db.dispose()
    with central.engine.begin() as conn:
        table = StationReport.__table__
        conn.execute(update(table).where(table.c.station_id == "D02")
                     .values(last_seen=datetime.now(UTC) - timedelta(hours=3)))
    for key, value in {"MODE": "station", "CENTRAL_DB": central.url, "STATION_ID": "D01",
                       "FLEET_OFFLINE_MIN": "20"}.items():
        monkeypatch.setenv(f"RETURNS_DESK_{key}", value)
    yield central
    central.dispose()


def run(capsys, tmp_path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", f"sqlite:///{tmp_path / 'D01.db'}", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_stations_json_lists_every_station_with_what_is_wrong(site, tmp_path, capsys):
    code, out, _ = run(capsys, tmp_path, "stations", "--json")
    assert code == 1  # a station needs IT: scripts and monitoring see it in the exit code
    shown = json.loads(out)
    assert shown["policy"] == {"offline_min": 20, "stuck_min": 30, "min_version": None}
    by_id = {s["station"]: s for s in shown["stations"]}
    assert set(by_id) == {"D01", "D02"}
    assert by_id["D01"]["ok"] is True and by_id["D01"]["problems"] == []
    assert by_id["D02"]["ok"] is False and by_id["D02"]["problems"][0].startswith("offline for 3 h 0 min")
    assert by_id["D02"]["seen_s_ago"] >= 3 * 3600 and by_id["D01"]["build"]


def test_stations_table_says_it_in_words(site, tmp_path, capsys):
    code, out, _ = run(capsys, tmp_path, "stations")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["station", "version", "build"]
    assert any(line.startswith("D01") and line.endswith("ok") for line in lines)
    assert any(line.startswith("D02") and "offline for 3 h" in line for line in lines)
    assert lines[-1] == "2 station(s), 1 need IT."


def test_a_standalone_station_has_no_fleet(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RETURNS_DESK_MODE", "standalone")
    code, _, err = run(capsys, tmp_path, "stations")
    assert code != 0 and "standalone: there is no central database" in err


def test_only_an_admin_claims_an_id_and_the_old_holder_is_refused(site, tmp_path, capsys, monkeypatch,
                                                                  configuration, clock):
    again = station(tmp_path, site, "reinstalled", "D01", configuration, clock)  # D01 on a new file
    again.db.dispose()
    argv = ["--db", again.db.url, "stations", "claim", "--by"]
    monkeypatch.setenv("RETURNS_DESK_PIN", "2222")
    assert main([*argv, "B2001"]) != 0
    assert "Only an admin can give a station id to this station" in capsys.readouterr().err
    monkeypatch.setenv("RETURNS_DESK_PIN", "9999")
    assert main([*argv, "B9001"]) == 0
    assert "Station id D01 is now this station's" in capsys.readouterr().out
    old = Database(f"sqlite:///{tmp_path / 'D01.db'}")
    with pytest.raises(StationIdTaken):
        sync_once(old, site, "D01")
    old.dispose()
