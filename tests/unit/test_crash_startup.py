"""A start that fails shows a dialog in words (never only a traceback): a database folder that does not exist,
a file that is not a database, bad settings, missing Qt system libraries; a crash since the last start is told."""

from __future__ import annotations

import pytest

from app import crash
from app.config import Settings
from app.doctor import qt
from ui import main as ui_main


@pytest.fixture
def dialogs(monkeypatch, tmp_path, qapp) -> list[str]:
    """The texts of the critical dialogs shown; logs and crash reports go to the test's folder. A window that
    opens by mistake closes itself after 5 s (the test then fails on the missing dialog, rather than hanging)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    QTimer.singleShot(5000, qapp.quit)

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    yield shown
    from app.logging_setup import stop_logging

    stop_logging()


def test_an_explicit_database_in_a_missing_folder_is_refused_in_words(dialogs, tmp_path, qapp):
    missing = tmp_path / "not-mounted" / "station.db"
    assert ui_main.run_gui(Settings(db=f"sqlite:///{missing}")) == 2
    [text] = dialogs
    assert "does not exist" in text and str(missing.parent) in text and "doctor" in text
    assert "Traceback" not in text
    assert not missing.parent.exists()  # no empty database made
    log = (tmp_path / "state" / "ReturnsDesk" / "log" / "returns-desk.log").read_text()
    assert "start-up failed" in log and "does not exist" in log


def test_a_file_that_is_not_a_database_is_named(dialogs, tmp_path, qapp):
    bad = tmp_path / "station.db"
    bad.write_bytes(b"this is a spreadsheet, not a database" * 200)
    assert ui_main.run_gui(Settings(db=f"sqlite:///{bad}")) == 2
    [text] = dialogs
    assert "not a Returns Desk database or is damaged" in text and "backup" in text
    assert "Traceback" not in text
    log = (tmp_path / "state" / "ReturnsDesk" / "log" / "returns-desk.log").read_text()
    assert "start-up failed" in log and "Traceback" in log  # the details are for IT, in the log


def test_bad_settings_show_the_dialog(dialogs, tmp_path, qapp):
    from app.cli import main

    config = tmp_path / "config" / "ReturnsDesk" / "station.toml"
    config.parent.mkdir(parents=True)
    config.write_text("station_id = 'lower case'\n")
    assert main([]) == 2
    [text] = dialogs
    assert "station_id" in text and "capital letters" in text


def test_missing_qt_libraries_are_told_without_qt(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    told: list[str] = []
    monkeypatch.setattr(qt, "startup_problem",
                        lambda: qt.QtProblem(["libxcb-icccm.so.4"], ["libxcb-icccm4"]))
    monkeypatch.setattr(ui_main, "_tell_without_qt", lambda _title, text: told.append(text))
    try:
        assert ui_main.run_gui(Settings(db=f"sqlite:///{tmp_path / 'x.db'}")) == 2
    finally:
        from app.logging_setup import stop_logging

        stop_logging()
    [text] = told
    assert "libxcb-icccm.so.4" in text and "sudo apt-get install libxcb-icccm4" in text


def test_the_next_start_tells_about_a_crash_once(monkeypatch, tmp_path, qtbot):
    from PySide6.QtWidgets import QMessageBox, QWidget

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = tmp_path / "state" / "ReturnsDesk" / "log"
    folder.mkdir(parents=True)
    (folder / crash.FAULT_FILE).write_text("Fatal Python error: Segmentation fault\n")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: shown.append(text))
    window = QWidget()
    qtbot.addWidget(window)
    ui_main._tell_about_crashes(window)
    ui_main._tell_about_crashes(window)
    assert len(shown) == 1 and "doctor --bundle" in shown[0] and "-hard.txt" in shown[0]
