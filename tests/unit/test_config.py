from __future__ import annotations

import pytest

from app.config import load_settings
from app.errors import ConfigError


def test_layers_in_order(tmp_path):
    system, user = tmp_path / "system.toml", tmp_path / "user.toml"
    system.write_text('station_id = "S01"\nburst_gap_ms = 30\nsound = false\n')
    user.write_text('station_id = "U01"\n')
    settings = load_settings(env={}, system_file=system, user_file=user)
    assert (settings.station_id, settings.burst_gap_ms, settings.sound) == ("U01", 30, False)
    settings = load_settings(env={"RETURNS_DESK_STATION_ID": "E01"}, system_file=system, user_file=user)
    assert settings.station_id == "E01"
    settings = load_settings(cli={"station_id": "C01", "db": None}, env={"RETURNS_DESK_STATION_ID": "E01"},
                             system_file=system, user_file=user)
    assert settings.station_id == "C01"


def test_db_from_environment(tmp_path):
    settings = load_settings(env={"RETURNS_DESK_DB": "sqlite:///x.db"}, system_file=tmp_path / "none",
                             user_file=tmp_path / "none")
    assert settings.db == "sqlite:///x.db"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('station = "D01"\n', "unknown setting 'station'"),
        ('station_id = "dock one"\n', "station_id"),
        ("burst_gap_ms = 'fast'\n", "whole number"),
        ("station_id = \n", "not valid TOML"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "user.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(env={}, system_file=tmp_path / "none", user_file=path)
    assert str(path) in str(caught.value)
