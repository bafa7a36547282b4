"""Start the station: settings → database (migrated) → rules (checked) → window.

A start that fails says why in a dialog, in words, with what to do (never only a traceback on stderr): bad
settings, a database that cannot be opened, missing Qt system libraries (told without Qt, which could not
open a window). The log and crash reports are in the platform log folder (app/logging_setup.py, app/crash.py).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from app import __version__, crash
from app.config import Settings
from app.doctor.startup import TITLE, startup_failure_words
from app.errors import ReturnsDeskError
from app.logging_setup import configure_logging, log_dir
from app.services.desk import Desk
from app.wiring import build_station

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QWidget

WARM_UP_DELAY_MS = 300  # no one scans a badge within 0.3 s of the window appearing
UI_SWITCH_INTERVAL_S = 0.001  # the same as app.gc_policy.SWITCH_INTERVAL_S (bench_sync reads it here)
# With this set to 1 the window quits itself once scan-ready and prints `ready <unix time>` (bench/bench_startup.py,
# the artefact smoke test): the whole real start path, measured from outside the process.
READY_ENV = "RETURNS_DESK_EXIT_WHEN_READY"
READY_TIMEOUT_S = 60.0
log = logging.getLogger(__name__)


def build_desk(settings: Settings) -> Desk:
    """The station's services, built by the one composition root (app/wiring.py)."""
    return build_station(settings).desk


def run_gui(settings: Settings) -> int:
    _start_logging()
    log.info("Returns Desk %s starting: station %s, %s mode, database %s", __version__, settings.station_id,
             settings.mode, _describe(settings))
    if not _qt_can_start():
        return 2
    from PySide6.QtWidgets import QApplication

    from ui.single_instance import ALREADY_RUNNING_EXIT, claim_station

    # The bundle's entry script (packaging/entry.py) makes the application itself and probes readiness itself.
    probe = os.environ.get(READY_ENV) == "1" and QApplication.instance() is None
    app = QApplication.instance() or QApplication(sys.argv)
    if probe:
        exit_when_ready(app)
    try:
        _refuse_missing_database_folder(settings)  # before the station's lock file is made next to it
    except ReturnsDeskError as exc:
        log.error("start-up failed: %s", exc)
        show_startup_failure(startup_failure_words(exc, settings, log_dir()))
        return 2
    # One window per station and database: a second start brings the first to the front and exits.
    lock = claim_station(settings)
    if lock is None:
        return ALREADY_RUNNING_EXIT
    crash.install()  # after the claim: a second start must not touch the running window's fault file
    try:
        return _run_window(app, settings)
    finally:
        lock.release()
        crash.uninstall()
        log.info("Returns Desk stopped")


def _run_window(app: QCoreApplication, settings: Settings) -> int:
    from ui.main_window import MainWindow
    from ui.single_instance import RaiseServer

    raiser = RaiseServer(settings)
    try:
        desk = build_desk(settings)
    except Exception as exc:
        # Never start half-configured: say what is wrong and stop.
        log.exception("start-up failed")
        show_startup_failure(startup_failure_words(exc, settings, log_dir()))
        return 2
    window = MainWindow(desk, settings)
    raiser.window = window
    window.show_on_screen()  # full screen in kiosk mode, never larger than the screen
    after_first_paint(window, start_warm_up)
    _tell_about_crashes(window)
    tune_runtime()
    code = app.exec()
    desk.db.dispose()
    return int(code)


def tune_runtime() -> None:
    """The interpreter settings the window runs with (app/gc_policy; bench/bench_gui.py applies the same): start-up
    objects frozen out of the collector's full passes, full passes at idle moments, a 1 ms thread switch."""
    from app.gc_policy import tune_runtime as tune_station_runtime

    tune_station_runtime()


def after_first_paint(window: QWidget, then: Callable[[], None]) -> None:
    """Call `then` from the event loop once `window` has painted for the first time (scan-ready, on screen)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                QTimer.singleShot(0, then)  # after this paint has finished
                self.deleteLater()
            return False

    window.installEventFilter(FirstPaint(window))


def start_warm_up() -> None:
    """What the first scan and the first print would otherwise import on the GUI thread, imported on a
    background thread once the window is on screen: the GS1 parser (biip) and the label/slip renderers
    (python-barcode, reportlab, bidi). A failure here is only logged: the same import runs again where used.
    It starts WARM_UP_DELAY_MS after the first paint, so it never competes with the window becoming scan-ready
    (focus, exposure) and the start-path import budget test can tell the two apart."""
    from PySide6.QtCore import QTimer

    QTimer.singleShot(WARM_UP_DELAY_MS, lambda: threading.Thread(target=_warm_up, name="warm-up", daemon=True).start())


def _warm_up() -> None:
    try:
        from app.scanning.classify import warm_up

        warm_up()
        import app.printing.render  # noqa: F401 - the print thread's renderers
    except Exception:
        log.exception("warm-up import failed")


def exit_when_ready(app: QCoreApplication) -> None:
    """Poll from the event loop until the main window is scan-ready (shown, exposed, its focus widget set),
    then print `ready <unix time>` and quit. The window's own focus widget, not the application's: on a bare
    X server the window is never activated, yet it is on screen with the badge field focused."""
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    started = time.monotonic()

    def check() -> None:
        ready = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()
                 and w.focusWidget() is not None and w.windowHandle() is not None
                 and w.windowHandle().isExposed()]
        if ready:
            print(f"ready {time.time():.6f}", flush=True)
            app.quit()
        elif time.monotonic() - started > READY_TIMEOUT_S:
            print(f"not scan-ready after {READY_TIMEOUT_S:.0f} s", file=sys.stderr, flush=True)
            app.exit(3)
        else:
            QTimer.singleShot(5, check)

    QTimer.singleShot(0, check)  # runs once app.exec() has started the loop


def _refuse_missing_database_folder(settings: Settings) -> None:
    from app.db.engine import ensure_folder
    from app.db.identity import sqlite_file

    path = sqlite_file(settings.db) if settings.mode != "direct" else None
    if path is not None:
        ensure_folder(path)


def show_startup_failure(text: str) -> None:
    """The failure in a dialog (and on stderr, for a terminal). Creates the application when there is none."""
    print(f"error: {text}", file=sys.stderr)
    if not _qt_can_start():
        return
    from PySide6.QtWidgets import QApplication, QMessageBox

    _app = QApplication.instance() or QApplication(sys.argv)
    QMessageBox.critical(None, TITLE, text)


def start_failed_before_settings(error: BaseException) -> int:
    """Settings that do not load (app/cli.py, before run_gui): the same dialog."""
    _start_logging()
    log.error("start-up failed: %s", error)
    show_startup_failure(startup_failure_words(error, None, log_dir()))
    return 2


def _tell_about_crashes(window: QWidget) -> None:
    from PySide6.QtWidgets import QMessageBox

    reports = crash.new_reports()
    notice = crash.crash_notice(reports)
    if notice is None:
        return
    log.warning("%d crash report(s) since the last start, latest %s", len(reports), reports[-1])
    crash.mark_seen(reports)
    QMessageBox.information(window, "Returns Desk stopped unexpectedly", notice)


def _start_logging() -> None:
    try:
        configure_logging()
    except OSError as exc:  # an unwritable log folder must not stop the station; doctor reports it
        print(f"warning: cannot write the log in {log_dir()}: {exc}", file=sys.stderr)


def _qt_can_start() -> bool:
    """False (after telling, without Qt) when the window's platform plugin cannot load: Qt would abort."""
    from app.doctor.qt import startup_problem

    problem = startup_problem()
    if problem is None:
        return True
    words = problem.words()
    log.error("%s", words)
    print(f"error: {words}", file=sys.stderr)
    _tell_without_qt(TITLE, words)
    return False


def _tell_without_qt(title: str, text: str) -> None:
    """A message box from the desktop's own tools, so a launcher icon that cannot start still says why."""
    for tool, args in (("zenity", ["--error", f"--title={title}", f"--text={text}"]),
                       ("kdialog", ["--title", title, "--error", text]),
                       ("xmessage", ["-center", f"{title}\n\n{text}"])):
        path = shutil.which(tool)
        if path is None:
            continue
        try:
            subprocess.run([path, *args], timeout=600, check=False, capture_output=True)
            return
        except (OSError, subprocess.TimeoutExpired):
            continue


def _describe(settings: Settings) -> str:
    from app.db.engine import describe_url

    try:
        return describe_url(settings.db) if settings.mode != "direct" else "central (direct mode)"
    except Exception:
        return "(not a database URL)"
