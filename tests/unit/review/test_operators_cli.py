"""`returns-desk operators ...` in a real subprocess on a real SQLite file: add, list (table and JSON), reset a
PIN, unlock after a lock-out, role changes refused to supervisors; never a PIN or hash in the output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from app.db.uow import Database
from app.services.desk import Desk
from tests.conftest import MutableClock
from tests.unit.review.test_operators_lockout import wrong


def _run(db_path: Path, *args: str, pin: str = "2222") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, RETURNS_DESK_DB=f"sqlite:///{db_path}", RETURNS_DESK_PIN=pin,
               RETURNS_DESK_STATION_ID="D01", RETURNS_DESK_MODE="standalone")
    return subprocess.run([sys.executable, "-m", "app.cli", "operators", *args], capture_output=True, text=True,
                          env=env, timeout=120, stdin=subprocess.DEVNULL)


def test_operators_from_the_command_line(desk: Desk, db: Database, tmp_path: Path, clock: MutableClock) -> None:
    clock.at = datetime.now(UTC)  # the command reads the real clock: lock now, so the lock still holds there
    for _ in range(5):
        wrong(desk, "B1001")
    db.dispose()
    path = tmp_path / "station.db"
    listed = _run(path, "list")
    assert listed.returncode == 0, listed.stderr
    assert "B1001" in listed.stdout and "locked until" in listed.stdout and "1 locked" in listed.stdout
    added = _run(path, "add", "B1234", "Robin Newstart", "--by", "B2001")
    assert added.returncode == 0, added.stderr
    assert "Added B1234 (Robin Newstart): worker, active, no PIN yet" in added.stdout
    assert "chooses a new PIN" in added.stdout
    data = json.loads(_run(path, "list", "--json").stdout)
    by_badge = {o["badge"]: o for o in data["operators"]}
    assert by_badge["B1234"]["has_pin"] is False and by_badge["B1001"]["locked_until"] is not None
    assert "pin_hash" not in by_badge["B1001"] and "scrypt" not in json.dumps(data)
    unlocked = _run(path, "unlock", "B1001", "--by", "B2001")
    assert unlocked.returncode == 0 and "Unlocked B1001" in unlocked.stdout
    assert json.loads(_run(path, "list", "--json").stdout)["operators"][0]["locked_until"] is None
    reset = _run(path, "reset-pin", "B1001", "--by", "B2001")
    assert reset.returncode == 0 and "no PIN yet" in reset.stdout
    refused = _run(path, "set-role", "B1001", "admin", "--by", "B2001")
    assert refused.returncode == 2 and "Only an admin can change roles" in refused.stderr
    promoted = _run(path, "set-role", "B1234", "supervisor", "--by", "B9001", pin="9999")
    assert promoted.returncode == 0 and "supervisor, active" in promoted.stdout
    bad_pin = _run(path, "deactivate", "B1234", "--by", "B2001", pin="0000")
    assert bad_pin.returncode == 2 and "Wrong PIN (1 of 5)" in bad_pin.stderr and "0000" not in bad_pin.stderr
