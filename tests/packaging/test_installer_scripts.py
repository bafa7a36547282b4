"""The installers' scripts, checked without building anything (these run with `make test`)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NSI = ROOT / "packaging" / "windows" / "returns-desk.nsi"
POSTRM = ROOT / "packaging" / "linux" / "postrm"


def nsis_code() -> list[str]:
    """The script's lines without comments, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", NSI.read_text(encoding="utf-8"))
    return [line.split(";")[0].strip() if not line.strip().startswith(";") else ""
            for line in text.splitlines()]


def test_every_message_box_has_a_silent_default() -> None:
    boxes = [line for line in nsis_code() if line.startswith("MessageBox")]
    assert boxes, "no MessageBox found: has the script moved?"
    without = [line for line in boxes if "/SD " not in line]
    assert not without, f"/S would wait for a person at: {without}"


def test_silent_install_takes_config_and_station_and_installs_per_machine() -> None:
    code = "\n".join(nsis_code())
    assert '${GetOptions} $R0 "/CONFIG=" $ConfigSource' in code
    assert '${GetOptions} $R0 "/STATION=" $StationId' in code
    assert "RequestExecutionLevel admin" in code
    assert code.count("SetShellVarContext all") >= 2  # installer and uninstaller: all users' Start menu
    assert "WriteUninstaller" in code and 'CreateShortCut "$SMPROGRAMS' in code
    # The site configuration goes where app/config.py reads the system file on Windows.
    assert '!define SITE_DIR "$APPDATA\\ReturnsDesk"' in code


def _postrm(action: str, root: Path) -> None:
    subprocess.run(["sh", str(POSTRM), action], env={"DPKG_ROOT": str(root), "PATH": "/usr/bin:/bin"},
                   check=True)


def test_postrm_removes_the_site_folder_only_on_purge_and_never_home(tmp_path: Path) -> None:
    site = tmp_path / "etc/xdg/ReturnsDesk"
    site.mkdir(parents=True)
    (site / "station.toml.dpkg-old").write_text("# IT's old edits\n")
    data = tmp_path / "home/worker/.local/share/ReturnsDesk/returns-desk.db"
    data.parent.mkdir(parents=True)
    data.write_bytes(b"SQLite format 3\x00")
    for action in ("remove", "upgrade"):
        _postrm(action, tmp_path)
        assert site.is_dir(), f"postrm {action} removed the site configuration"
    _postrm("purge", tmp_path)
    assert not site.exists()
    assert data.is_file(), "purge must never touch a user's data"


def test_postrm_refuses_an_unknown_action(tmp_path: Path) -> None:
    done = subprocess.run(["sh", str(POSTRM), "explode"], env={"DPKG_ROOT": str(tmp_path)}, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 1 and "unknown argument" in done.stderr
