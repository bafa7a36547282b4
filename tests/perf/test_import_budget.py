"""Start-up import budget (issue 12): the window's real start path, `python -X importtime`, in a subprocess.

Start-up was 80% imports. The station starts through `returns-desk` (app.cli:main) to scan-ready and quits
(RETURNS_DESK_EXIT_WHEN_READY=1, ui/main.py); importtime lists every module it imported. The test fails when a
module that belongs to later work (printing sheets, the scanner wizard, pyserial, the sync machinery, the
central drivers, migrations) is imported before the window is ready, or when the number of modules grows past
the budget. The count is deterministic (times are not, on a shared machine): a new eager import of a library
shows up as tens of modules. One start, ~1-2 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.db.uow import Database

ROOT = Path(__file__).resolve().parents[2]
# ~525 modules on 2026-12 (issue 12: biip, reportlab, python-barcode and the label layout load after the first
# paint); room for a few new modules of our own, not for a library.
MODULE_BUDGET = 560
# Imported later, on first use (or on the sync lane, off the GUI thread), never on the start path.
NOT_AT_START = (
    "reportlab.graphics.renderPDF",  # scanner sheets (the setup wizard, `scanners sheet`)
    "ui.screens.scanner_setup",  # the wizard: at its first F2
    "ui.screens.review_screen",  # the supervisor's desk: at the first F6
    "tomlkit",  # writing settings (the wizard)
    "serial",  # pyserial: only with serial scanners set up
    "app.sync.runner", "app.sync.push", "app.sync.pull",  # the sync lane imports them itself
    "psycopg", "pymysql", "MySQLdb",  # central database drivers
    "alembic",  # migrations run only when the file is behind
    "app.cli_printing",  # the printing subcommands
    "app.scanning.gs1",  # the GS1 parser: at the first GS1 scan, or warmed on a thread after the first paint
    "biip",  # the same (app.domain.codes imports it where a check digit is needed)
    "reportlab", "barcode", "app.printing.layout",  # label and slip rendering: the print thread, at its first job
)


def imported_modules(stderr: str) -> dict[str, tuple[int, int]]:
    """Module → (self µs, cumulative µs) from `-X importtime` output."""
    out = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, total, name = line.removeprefix("import time:").split("|")
        out[name.strip()] = (int(own), int(total))
    return out


def start_with_importtime(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home"
    (home / "run").mkdir(parents=True, mode=0o700)
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_STATE_HOME": str(home / "state"),
           "XDG_RUNTIME_DIR": str(home / "run"), "QT_QPA_PLATFORM": "offscreen",
           "RETURNS_DESK_EXIT_WHEN_READY": "1", "RETURNS_DESK_DB": url, "RETURNS_DESK_STATION_ID": "P01"}
    env.pop("RETURNS_DESK_CENTRAL_DB", None)
    code = "import sys; from app.cli import main; sys.exit(main([]))"
    # One stream for both: what -X importtime lists before `ready` was imported before scan-ready (the warm-up
    # thread's imports after the first paint come after it).
    return subprocess.run([sys.executable, "-X", "importtime", "-c", code], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT, timeout=120, check=False)


def test_the_start_path_imports_stay_within_the_budget(tmp_path: Path, empty_db: Database) -> None:
    done = start_with_importtime(tmp_path, empty_db.url)
    before, ready, _after = done.stdout.partition("\nready ")
    assert done.returncode == 0 and ready, done.stdout[-3000:]
    modules = imported_modules(before)
    assert "ui.main_window" in modules and "sqlalchemy.orm" in modules  # it measured the real start path
    early = sorted(m for m in modules if any(m == bad or m.startswith(bad + ".") for bad in NOT_AT_START))
    assert not early, f"imported before the window is scan-ready (make them lazy): {early}"
    heaviest = sorted(modules.items(), key=lambda kv: -kv[1][0])[:10]
    listing = ", ".join(f"{name} {own / 1000:.0f} ms" for name, (own, _total) in heaviest)
    assert len(modules) <= MODULE_BUDGET, (
        f"the start path imports {len(modules)} modules, budget {MODULE_BUDGET}: find the new eager import "
        f"(python -X importtime) and make it lazy, or raise the budget with a reason. Heaviest: {listing}")
