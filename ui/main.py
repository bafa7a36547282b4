"""Start the station: settings → database (migrated) → rules (checked) → window."""

from __future__ import annotations

import gc
import logging
import sys

from app.config import Settings, data_dir
from app.errors import ReturnsDeskError
from app.services.desk import Desk
from app.wiring import build_station

UI_SWITCH_INTERVAL_S = 0.001


def build_desk(settings: Settings) -> Desk:
    """The station's services, built by the one composition root (app/wiring.py)."""
    return build_station(settings).desk


def run_gui(settings: Settings) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.main_window import MainWindow
    from ui.single_instance import ALREADY_RUNNING_EXIT, RaiseServer, claim_station

    log_dir = data_dir()
    log_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=log_dir / "returns-desk.log", level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv)
    # One window per station and database: a second start brings the first to the front and exits.
    lock = claim_station(settings)
    if lock is None:
        return ALREADY_RUNNING_EXIT
    raiser = RaiseServer(settings)
    try:
        desk = build_desk(settings)
    except ReturnsDeskError as exc:
        # Never start half-configured: say what is wrong and stop.
        QMessageBox.critical(None, "Returns Desk cannot start", f"{exc}\n\nThe station did not start.")
        return 2
    window = MainWindow(desk, settings)
    raiser.window = window
    window.show_on_screen()  # full screen in kiosk mode, never larger than the screen
    # Start-up objects live until exit: keep them out of the collector's full passes, which would otherwise
    # stall the GUI thread (and every other) for tens of milliseconds during a long sync push.
    gc.freeze()
    # Background threads (sync, printing, serial) hand the interpreter back to the GUI thread within 1 ms
    # instead of 5 ms, so a busy sync push never makes the screen stutter.
    sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
    code = app.exec()
    desk.db.dispose()
    lock.release()
    return int(code)
