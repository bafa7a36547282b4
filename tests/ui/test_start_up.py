"""The station never starts half-configured: broken rules stop start-up with the file and the problem."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import Settings
from app.errors import RulesError
from ui.main import build_desk


def test_broken_disposition_rules_stop_start_up(tmp_path: Path, db):
    (tmp_path / "disposition.toml").write_text(
        'version = 1\n[[rules]]\nid = "x"\nwhen = { grade_at_least = "Z" }\ndisposition = "restock"\nwhy = "x"\n'
    )
    settings = Settings(db=db.url, rules_dir=str(tmp_path))
    with pytest.raises(RulesError) as caught:
        build_desk(settings)
    message = str(caught.value)
    assert "disposition.toml" in message and "grade_at_least" in message


def test_start_up_migrates_a_new_database(tmp_path: Path):
    desk = build_desk(Settings(db=f"sqlite:///{tmp_path / 'fresh.db'}"))
    assert desk.open_draft() is None
    desk.db.dispose()


WARM_UP_PROBE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from ui.main import after_first_paint, start_warm_up
app = QApplication(sys.argv[:1])
w = QWidget(); w.resize(400, 300)
seen = {}
def first_paint():
    seen["at_paint"] = "app.scanning.gs1" in sys.modules
    start_warm_up()
after_first_paint(w, first_paint)
w.show()
started = time.monotonic()
def poll():
    loaded = "app.scanning.gs1" in sys.modules and "app.printing.render" in sys.modules
    if loaded or time.monotonic() - started > 20:
        print("at_paint", seen.get("at_paint"), "loaded", loaded, flush=True); app.quit()
    else:
        QTimer.singleShot(20, poll)
QTimer.singleShot(0, poll)
app.exec()
"""


def test_the_gs1_parser_and_renderers_are_warmed_on_a_thread_after_the_first_paint():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", WARM_UP_PROBE], capture_output=True, text=True, env=env,
                          cwd=root, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    # Not loaded by the time the window first paints (the start path stays light), loaded soon after.
    assert done.stdout.split() == ["at_paint", "False", "loaded", "True"], done.stdout + done.stderr[-2000:]
