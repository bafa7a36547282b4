"""Crash reports: an uncaught exception (main thread or another) and a hard crash (a segfault, caught by
faulthandler) each leave a report next to the logs; the next start says so once and offers doctor --bundle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app import crash

RUN = "import sys; from app import crash, logging_setup; from pathlib import Path; folder = Path(sys.argv[1]); " \
      "logging_setup.configure_logging(folder); crash.install(folder); "


def _run(code: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", RUN + code, str(folder)], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[2])


def test_an_uncaught_exception_writes_a_report_and_the_log(tmp_path):
    done = _run("raise RuntimeError('the scanner thread fell over, password=hunter2')", tmp_path)
    assert done.returncode == 1
    reports = list(tmp_path.glob("crash-*-exception.txt"))
    assert len(reports) == 1
    body = reports[0].read_text()
    assert "RuntimeError: the scanner thread fell over" in body and "Version" in body
    assert "hunter2" not in body
    assert "uncaught exception" in (tmp_path / "returns-desk.log").read_text()


def test_an_exception_in_another_thread_writes_a_report(tmp_path):
    code = ("import threading; t = threading.Thread(target=lambda: 1/0, name='print-lane'); t.start(); t.join(); "
            "crash.uninstall()")
    done = _run(code, tmp_path)
    assert done.returncode == 0
    [report] = tmp_path.glob("crash-*-exception.txt")
    assert "print-lane" in report.read_text() and "ZeroDivisionError" in report.read_text()
    assert not (tmp_path / crash.FAULT_FILE).exists()  # a clean exit leaves no fault file


def test_a_hard_crash_is_found_and_told_about_at_the_next_start(tmp_path):
    done = _run("import faulthandler; faulthandler._sigsegv()", tmp_path)
    assert done.returncode != 0
    assert (tmp_path / crash.FAULT_FILE).stat().st_size > 0
    reports = crash.new_reports(tmp_path)
    assert len(reports) == 1 and reports[0].name.endswith("-hard.txt")
    assert "Segmentation fault" in reports[0].read_text()
    notice = crash.crash_notice(reports)
    assert notice is not None and "doctor --bundle" in notice and str(reports[0]) in notice
    crash.mark_seen(reports)
    assert crash.new_reports(tmp_path) == []  # told once
    assert crash.crash_notice([]) is None


def test_install_at_the_next_start_adopts_the_previous_fault_file(tmp_path):
    (tmp_path / crash.FAULT_FILE).write_text("Fatal Python error: Aborted\n")
    guard = crash.install(tmp_path)
    try:
        assert [p.name.endswith("-hard.txt") for p in crash.new_reports(tmp_path)] == [True]
        assert guard.fault_file.name == str(tmp_path / crash.FAULT_FILE)
    finally:
        crash.uninstall()


def test_old_reports_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setattr(crash, "KEEP_REPORTS", 3)
    for n in range(6):
        (tmp_path / f"crash-2026010{n}-000000-exception.txt").write_text("x")
    crash.prune(tmp_path)
    assert len(list(tmp_path.glob("crash-*.txt"))) == 3
