"""No error vanishes: one real failure on each background path of the real window, and where it shows.

Every failure must reach the screen in words that say what to do, and the log, classified by its type
(`error_kind` on the record: an expected failure of the core, e.g. a locked database, versus a bug). The
failures are real: the station's SQLite file locked by another connection, a table gone, a stored print job
damaged, a printer port with nobody listening, a central database that cannot be reached.
"""

from __future__ import annotations

import logging
import socket
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.config import Settings
from app.db import engine
from app.db.uow import Database
from app.printing.setup import print_setup
from app.services.context import StationContext
from app.services.desk import Desk
from app.station.state import Step
from app.sync.runner import SyncErrorKind, SyncStatus
from tests.helpers import gtin_where
from tests.ui.conftest import Station
from ui.main_window import MainWindow
from ui.sync_worker import problem_line

CENTRAL_NOBODY_LISTENS = "postgresql+psycopg://station@127.0.0.1:1/returns"


def sqlite_path(db: Database) -> str:
    return db.url.removeprefix("sqlite:///")


def run_sql(db: Database, *statements: str) -> None:
    """Another program changing the station's file under the app (an admin, a broken upgrade, a restore)."""
    other = sqlite3.connect(sqlite_path(db), isolation_level=None)
    try:
        for sql in statements:
            other.execute(sql)
    finally:
        other.close()


def records(caplog: pytest.LogCaptureFixture, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger and r.levelno >= logging.WARNING]


def classified(record: logging.LogRecord) -> str:
    return str(getattr(record, "error_kind", ""))


def save_one_item(station: Station, db: Database) -> None:
    station.scan(gtin_where(db, serialized=False, category="apparel"))
    station.answer_all()
    station.key(Qt.Key.Key_Return)
    assert station.controller.step is Step.READY and "Saved" in station.banner()


# The database lane ------------------------------------------------------------------------------------
def test_a_db_call_without_its_own_handler_reaches_the_banner_and_the_log(
        station: Station, db: Database, caplog: pytest.LogCaptureFixture) -> None:
    station.sign_in()
    run_sql(db, "DROP TABLE print_job")
    station.window.ops.run_db(station.window.desk.print_jobs, lambda _jobs: None, writes=False)
    station.qtbot.waitUntil(lambda: bool(station.banner()), timeout=5000)
    assert "could not be reached" in station.banner() and "call IT" in station.banner()
    logged = records(caplog, "returns_desk.ui")
    assert logged and classified(logged[-1]) == "DatabaseUnavailable"
    assert "no such table: print_job" in logged[-1].getMessage()


@pytest.fixture
def quick_lock_desk(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    """The same station file, opened with a 300 ms busy timeout (instead of 5 s) so a lock fails fast."""
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 300)
    quick = Desk(Database(desk.db.url), desk.ctx)
    yield quick
    quick.db.dispose()


def test_a_failed_station_call_is_shown_and_the_station_keeps_taking_input(
        make_station: Callable[..., Station], quick_lock_desk: Desk, db: Database,
        caplog: pytest.LogCaptureFixture) -> None:
    station = make_station(quick_lock_desk)
    station.sign_in()
    gtin = gtin_where(db, serialized=False, category="apparel")
    lock = sqlite3.connect(sqlite_path(db), isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # another program writing the station's file, for longer than the timeout
    try:
        station.scan(gtin)
        assert station.controller.step is Step.READY and station.controller.item is None
        assert "locked" in station.banner() and "try again" in station.banner()
        assert station.controller.feedback.last == "bad"
        logged = records(caplog, "returns_desk.station")
        assert logged and classified(logged[-1]) == "DatabaseUnavailable"
    finally:
        lock.rollback()
        lock.close()
    station.scan(gtin)  # the same scan again, once the file is free: the station did not stall
    assert station.controller.step is Step.QUESTION and station.controller.idle
    assert station.banner() == ""


# Printing -----------------------------------------------------------------------------------------------
def test_a_print_queue_that_cannot_be_recovered_at_start_reaches_the_banner(
        make_station: Callable[..., Station], db: Database, caplog: pytest.LogCaptureFixture) -> None:
    """The print lane's start-up step (jobs left printing by a crash go back to the queue) has no handler of
    its own: its failure goes to the window's one error handler."""
    run_sql(db, "DROP TABLE print_job")
    station = make_station()
    banner = station.window.sign_in_view.banner
    station.qtbot.waitUntil(lambda: banner.isVisible(), timeout=5000)
    assert "could not be reached" in banner.text() and "no such table: print_job" in banner.text()
    assert any(classified(r) == "DatabaseUnavailable" for r in records(caplog, "returns_desk.ui"))


def test_a_failed_print_pass_shows_in_the_print_status(
        station: Station, db: Database, caplog: pytest.LogCaptureFixture) -> None:
    station.sign_in()
    run_sql(db, "DROP TABLE print_job")
    label = station.window.printing.status_label
    station.window.printing.worker.kick()
    station.qtbot.waitUntil(lambda: "cannot read the print queue" in label.text(), timeout=5000)
    assert "no such table: print_job" in label.toolTip()
    logged = records(caplog, "returns_desk.print")
    assert logged and classified(logged[-1]) == "DatabaseUnavailable"


def closed_port() -> int:
    """A local TCP port nobody listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def unreachable_printer_desk(desk: Desk, tmp_path: Path) -> Desk:
    printing = print_setup(f"zebra=tcp://127.0.0.1:{closed_port()}?timeout=1,files=file:{tmp_path / 'printed'}",
                           "zebra", "files")
    ctx = StationContext("D01", desk.ctx.configuration, clock=desk.ctx.clock, local_today=desk.ctx.local_today,
                         printing=printing)
    return Desk(desk.db, ctx)


def test_an_unreachable_printer_shows_in_the_print_status(
        make_station: Callable[..., Station], unreachable_printer_desk: Desk, db: Database) -> None:
    station = make_station(unreachable_printer_desk)
    station.sign_in()
    save_one_item(station, db)
    label = station.window.printing.status_label
    station.qtbot.waitUntil(lambda: "zebra" in label.toolTip(), timeout=8000)
    assert label.styleSheet(), "a failing printer is shown in the warning colour"
    assert "zebra" in label.text() or "wait" in label.text().lower()


def test_a_failed_label_preview_says_no_label_preview(
        station: Station, db: Database, caplog: pytest.LogCaptureFixture) -> None:
    # The label job is stored damaged (as a failing disk or a bad restore would leave it).
    run_sql(db, "CREATE TRIGGER damage_label AFTER INSERT ON print_job WHEN NEW.kind = 'label' "
                "BEGIN UPDATE print_job SET payload = X'7B' WHERE id = NEW.id; END")
    station.sign_in()
    save_one_item(station, db)
    preview = station.view.print_panel.preview
    station.qtbot.waitUntil(lambda: preview.text() == "No label preview", timeout=5000)
    logged = records(caplog, "returns_desk.print")
    assert logged and classified(logged[0]) == "PrintError"
    assert "damaged" in logged[0].getMessage()


def test_a_failed_print_queue_refresh_shows_in_its_banner(
        station: Station, db: Database, caplog: pytest.LogCaptureFixture) -> None:
    station.sign_in()
    station.key(Qt.Key.Key_F9)
    dialog = station.window.printing.dialog
    assert dialog is not None and dialog.isVisible()
    run_sql(db, "DROP TABLE print_job")
    dialog.refresh()
    station.qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=5000)
    assert "could not be reached" in dialog.banner.text()
    assert any(classified(r) == "DatabaseUnavailable" for r in records(caplog, "returns_desk.ui"))
    dialog.close()


# Sync ---------------------------------------------------------------------------------------------------
def test_an_unreachable_central_database_shows_in_the_sync_status(
        qtbot: QtBot, desk: Desk) -> None:
    settings = Settings(station_id="D01", db=desk.db.url, sound=False, mode="station",
                        central_db=CENTRAL_NOBODY_LISTENS, sync_interval_s=1)
    window = MainWindow(desk, settings)
    qtbot.addWidget(window)
    try:
        label = window.sync.status_label
        qtbot.waitUntil(lambda: "unreachable" in label.text(), timeout=10000)
        assert "work continues here" in label.text()
        assert "cannot be reached" in label.toolTip() and "127.0.0.1" in label.toolTip()
    finally:
        window.sync.stop()
        window.printing.stop()
        window.ops.shutdown()


@pytest.mark.parametrize(("kind", "words"), [
    (SyncErrorKind.UNREACHABLE, "unreachable, 3 waiting (work continues here)"),
    (SyncErrorKind.REFUSED, "refused by the central database: ask IT. 3 waiting"),
    (SyncErrorKind.SCHEMA, "another version; ask IT to upgrade. 3 waiting"),
    (SyncErrorKind.OTHER, "Sync problem: The server said no. 3 waiting"),
])
def test_the_sync_status_line_follows_the_kind_of_error_not_its_text(kind: SyncErrorKind, words: str) -> None:
    # The same text for every kind: only the recorded kind decides the line.
    status = SyncStatus(3, None, "The server said no. It cannot be reached, they say.", 0, kind)
    assert words in problem_line(status)
