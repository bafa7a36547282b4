"""The wizard's settings are merged into the user's station.toml, checked before anything is written."""

from __future__ import annotations

import tomllib

import pytest

from app.config import load_settings
from app.config_write import save_user_settings
from app.errors import ConfigError


def test_values_are_merged_and_read_back(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text('station_id = "D07"\nsound = false\n', encoding="utf-8")
    save_user_settings({"gs_substitute": "~", "burst_gap_ms": 70, "scan_prefix": "\x02"}, path)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data == {"station_id": "D07", "sound": False, "gs_substitute": "~", "burst_gap_ms": 70,
                    "scan_prefix": "\x02"}
    settings = load_settings(env={}, system_file=tmp_path / "none.toml", user_file=path)
    assert (settings.station_id, settings.gs_substitute, settings.burst_gap_ms) == ("D07", "~", 70)


def test_a_bad_value_is_never_written(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text('station_id = "D07"\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        save_user_settings({"burst_gap_ms": "fast"}, path)
    assert path.read_text(encoding="utf-8") == 'station_id = "D07"\n'
