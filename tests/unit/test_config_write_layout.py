"""Saving the wizard's settings edits the user's file in place: comments, order, blank lines and tables stay."""

from __future__ import annotations

import tomllib

from app.config import load_settings
from app.config_write import save_user_settings

IT_FILE = '''# Dock 7, left of the door (IT ticket 4411)
station_id = "D07"   # printed in every LPN

sound = false  # the office next door complained
scan_prefix = "]C1"

# The two Zebras
[printers.dock]
address = "tcp://10.0.0.5:9100"  # ZT230
timeout = 5
'''


def test_comments_layout_and_tables_survive_a_save(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text(IT_FILE, encoding="utf-8")
    save_user_settings({"scan_prefix": "", "gs_substitute": "\x1d", "burst_gap_ms": 70}, path)
    text = path.read_text(encoding="utf-8")
    # Every line IT wrote is still there, in order, except the one value that changed.
    kept = [line for line in IT_FILE.splitlines() if line and "scan_prefix" not in line]
    lines = text.splitlines()
    assert [line for line in lines if line in kept] == kept
    assert 'scan_prefix = ""' in lines
    # New keys sit with the other top-level keys, before the first table (else they would belong to it).
    assert text.index("burst_gap_ms = 70") < text.index("[printers.dock]")
    data = tomllib.loads(text)
    assert data["printers"] == {"dock": {"address": "tcp://10.0.0.5:9100", "timeout": 5}}
    assert (data["gs_substitute"], data["burst_gap_ms"]) == ("\x1d", 70)
    settings = load_settings(env={}, system_file=tmp_path / "none.toml", user_file=path,
                             cli={"label_printer": "dock", "slip_printer": "dock"})
    assert settings.printers == "dock=tcp://10.0.0.5:9100?timeout=5"


def test_a_changed_value_keeps_its_end_of_line_comment(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text(IT_FILE, encoding="utf-8")
    save_user_settings({"sound": True}, path)
    assert "sound = true  # the office next door complained" in path.read_text(encoding="utf-8")


def test_a_new_file_is_created_with_its_folder(tmp_path):
    path = tmp_path / "new" / "station.toml"
    save_user_settings({"burst_gap_ms": 55}, path)
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"burst_gap_ms": 55}
    assert [p.name for p in path.parent.iterdir()] == ["station.toml"]  # no temporary file left behind
