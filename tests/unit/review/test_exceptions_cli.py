"""`returns-desk exceptions --json`, `resolve` and `override` in a real subprocess on a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.unit.review.exceptions_helpers import graded, product_by_value, unknown_item


def _run(db_path: Path, *args: str, pin: str = "2222") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, RETURNS_DESK_DB=f"sqlite:///{db_path}", RETURNS_DESK_PIN=pin,
               RETURNS_DESK_STATION_ID="D01", RETURNS_DESK_MODE="standalone")
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_exceptions_json_then_resolve_and_override_from_the_command_line(desk, worker, db, tmp_path):
    held = unknown_item(desk, worker)
    fine = graded(desk, worker, product_by_value(db, below_cents=5_000))
    db.dispose()
    path = tmp_path / "station.db"
    listed = _run(path, "exceptions", "--json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert data["count"] == 1 and data["exceptions"][0]["lpn"] == held.lpn
    assert data["exceptions"][0]["cause"] == "unknown_item" and data["exceptions"][0]["resolutions"][0] == "identify"
    refused = _run(path, "resolve", held.lpn, "release", "--disposition", "recycle", "--note", "x",
                   "--by", "B1001", pin="1111")
    assert refused.returncode == 2 and "Only a supervisor" in refused.stderr
    done = _run(path, "resolve", held.lpn, "release", "--disposition", "recycle", "--note", "broken kettle",
                "--by", "B2001")
    assert done.returncode == 0, done.stderr
    assert f"Resolved (release) {held.lpn}" in done.stdout and "Recycle" in done.stdout
    assert "No open exceptions" in _run(path, "exceptions").stdout
    no_note = _run(path, "override", fine.lpn, "--grade", "D", "--reason", "grading_error", "--note", " ",
                   "--by", "B2001")
    assert no_note.returncode == 2 and "Write a short note" in no_note.stderr
    changed = _run(path, "override", fine.lpn, "--grade", "D", "--reason", "grading_error",
                   "--note", "dent under the base", "--by", "B2001")
    assert changed.returncode == 0, changed.stderr
    assert f"Overridden {fine.lpn}: grade D" in changed.stdout
