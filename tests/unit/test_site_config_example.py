"""packaging/site/station.toml.example lists exactly the settings there are, commented, IT's first."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from pathlib import Path

from app.config import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "packaging" / "site" / "station.toml.example"
SETTING_LINE = re.compile(r"^# ([a-z_]+) = (.*)$")  # one setting, commented out: "# key = value"
# Shown with an example value instead of the default (the default depends on the machine, or is empty).
EXAMPLE_VALUES = {"db", "central_db"}
IT_FIRST = ["station_id", "mode", "central_db", "printers", "label_printer", "slip_printer", "serial_scanners",
            "kiosk"]


def setting_lines() -> list[tuple[str, str]]:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    return [(m.group(1), m.group(2)) for m in map(SETTING_LINE.match, lines) if m]


def uncommented() -> dict[str, object]:
    return tomllib.loads("\n".join(f"{key} = {value}" for key, value in setting_lines()))


def test_the_example_lists_every_setting_once_and_nothing_else():
    keys = [key for key, _ in setting_lines()]
    assert len(keys) == len(set(keys)), "a setting is listed twice"
    assert set(keys) == {f.name for f in fields(Settings)}


def test_every_setting_has_a_comment_above_it():
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        if SETTING_LINE.match(line):
            above = lines[n - 1]
            assert above.startswith("#") and (SETTING_LINE.match(above) or len(above) > 10), line


def test_the_it_settings_come_first_in_their_order():
    keys = [key for key, _ in setting_lines()]
    positions = [keys.index(key) for key in IT_FIRST]
    assert positions == sorted(positions)
    assert keys[:3] == ["station_id", "mode", "central_db"]
    assert keys.index("kiosk") < keys.index("rma_pattern")


def test_the_shown_values_are_the_defaults():
    values, defaults = uncommented(), Settings()
    for key, value in values.items():
        if key not in EXAMPLE_VALUES:
            assert value == getattr(defaults, key), key


def test_as_installed_it_changes_nothing_and_uncommented_it_loads(tmp_path):
    system = tmp_path / "station.toml"
    system.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_settings(env={}, system_file=system, user_file=tmp_path / "none.toml") == Settings()
    every = "\n".join(f"{k} = {v}" for k, v in setting_lines())
    system.write_text(every.replace('mode = "standalone"', 'mode = "station"'), encoding="utf-8")
    settings = load_settings(env={}, system_file=system, user_file=tmp_path / "none.toml")
    assert settings.mode == "station" and settings.central_db.startswith("postgresql+psycopg://returns_station@")


def test_the_commented_examples_of_tables_load_too(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    examples = re.findall(r"^#   ((?:printers|serial_scanners) = .*)$", text, re.MULTILINE)
    assert len(examples) == 4  # each as a string and as a table
    for example in examples:
        key = example.split(" ", 1)[0]
        value = tomllib.loads(example)[key]
        extra = {"label_printer": "dock", "slip_printer": "office"} if key == "printers" else {}
        settings = Settings().with_overrides({key: value, **extra}, "example")
        assert getattr(settings, key)
