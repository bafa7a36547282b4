"""`returns-desk` subcommands, run in a real subprocess against real SQLite files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__


def run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_version():
    out = run("--version")
    assert out.returncode == 0 and __version__ in out.stdout


def test_db_upgrade_then_demo_load_if_empty(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    first = run("--db", url, "db", "upgrade")
    assert first.returncode == 0 and "upgraded to" in first.stdout
    assert "already at" in run("--db", url, "db", "upgrade").stdout
    loaded = run("--db", url, "demo", "load", "--if-empty", "--history", "12")  # graded through the real services
    assert loaded.returncode == 0, loaded.stderr
    assert "209 products" in loaded.stdout and "12 graded items" in loaded.stdout
    again = run("demo", "load", "--if-empty", env_extra={"RETURNS_DESK_DB": url})
    assert again.returncode == 0 and "not loaded" in again.stdout


@pytest.mark.slow
def test_import_reports_bad_row_and_exit_code(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    csv = tmp_path / "catalog.csv"
    csv.write_text(
        "sku,gtin,description,category,unit_value\n"
        "KT-1,4006381333931,Kettle,small_appliances,19.99\n"
        "KT-2,4006381333932,Kettle 2,small_appliances,19.99\n"
    )
    bad = run("--db", url, "import", "catalog", str(csv))
    assert bad.returncode == 2
    assert "row 3" in bad.stderr and "gtin" in bad.stderr and "check digit" in bad.stderr
    skipped = run("--db", url, "import", "catalog", str(csv), "--skip-bad")
    assert skipped.returncode == 1 and "1 new" in skipped.stdout and "skipped: " in skipped.stdout
    missing = run("--db", url, "import", "catalog", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_rules_check_passes_on_shipped_rules():
    out = run("rules", "check")
    assert out.returncode == 0, out.stdout
    assert "valid" in out.stdout


def test_rules_check_names_the_broken_file(tmp_path: Path):
    (tmp_path / "grading.toml").write_text("version = 1\n[[caps]\n")
    out = run("rules", "check", env_extra={"RETURNS_DESK_RULES_DIR": str(tmp_path)})
    assert out.returncode == 1
    assert "grading.toml" in out.stdout and "line 2" in out.stdout


def test_bad_config_is_reported_not_a_traceback(tmp_path: Path):
    out = run("--station", "not a station", "db", "upgrade")
    assert out.returncode == 2 and "station_id" in out.stderr and "Traceback" not in out.stderr
