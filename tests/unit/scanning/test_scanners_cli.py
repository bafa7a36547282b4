"""`returns-desk scanners`, the scanner settings, and the core staying free of Qt."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.cli import main
from app.config import Settings
from app.errors import ConfigError


def test_scanners_lists_ports_and_configured_scanners(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("RETURNS_DESK_SERIAL_SCANNERS", f"usb:0c2e:0b61,name=Left;{tmp_path / 'none'},name=Right")
    assert main(["--db", f"sqlite:///{tmp_path / 'x.db'}", "scanners"]) == 0
    out = capsys.readouterr().out
    assert "configured: Left: NOT FOUND (unplugged?)" in out
    assert "configured: Right: NOT FOUND" in out


def test_scanners_sheet_writes_pdfs(capsys, tmp_path):
    for which in ("test", "commands"):
        path = tmp_path / f"{which}.pdf"
        assert main(["scanners", "sheet", which, str(path)]) == 0
        assert path.read_bytes().startswith(b"%PDF")
    assert "Print it at 100% scale" in capsys.readouterr().out


def test_bad_scanner_settings_stop_with_a_clear_message(capsys, monkeypatch):
    monkeypatch.setenv("RETURNS_DESK_SERIAL_SCANNERS", "usb:0c2e")
    assert main(["scanners"]) == 2
    assert "usb:VID:PID" in capsys.readouterr().err


@pytest.mark.parametrize(("key", "value", "words"), [
    ("scan_terminators", "return", "use enter, tab or enter,tab"),
    ("scan_min_length", "0", "1 to 64"),
])
def test_scanner_settings_are_checked(key, value, words):
    with pytest.raises(ConfigError) as info:
        Settings().with_overrides({key: value}, "station.toml")
    assert words in str(info.value)


def test_scanning_core_imports_no_qt():
    modules = ["classify", "commands", "diagnose", "gs1", "layouts", "normalize", "ports", "serial_reader",
               "sheets", "wedge", "cli_scanners"]
    code = "import sys\n" + "".join(f"import app.scanning.{m}\n" for m in modules) + \
        "print(any(name.startswith('PySide6') for name in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
