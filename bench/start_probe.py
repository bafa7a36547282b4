"""Child process for the start-up benchmarks.

`app` / `empty` (bench/bench_station.py): prints the wall-clock time at which the window is ready; `app` is the
real start path (settings, database check, rules, main window), `empty` a bare PySide6 window, the floor.

`first-scan` (issue 12): the first scan after a start, as the station meets it. The window is built and shown as
ui/main.py does (with its after-first-paint warm-up, when the tree has one), a worker signs in DELAY_MS after the
first paint, then a GTIN arrives as one scanner burst; printed: `first-scan <ms>`, from the burst's Enter to the
item card on screen (the first question asked, the controller idle). Each run works on a copy of the SQLite
file, so every run starts alike. Run from the repo root, per tree:
`QT_QPA_PLATFORM=offscreen python -m bench.start_probe first-scan sqlite:////path/demo.db [DELAY_MS]`.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEMO_BADGE, DEMO_PIN = "B1001", "1111"


def main() -> None:
    mode, db_url = sys.argv[1], sys.argv[2]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    if mode == "first-scan":
        delay_ms = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
        first_scan(app, db_url, delay_ms)
        return
    if mode == "empty":
        window = QWidget()
    else:
        from app.config import Settings
        from ui.main import build_desk
        from ui.main_window import MainWindow

        settings = Settings(db=db_url, sound=False)
        window = MainWindow(build_desk(settings), settings)
    window.show()

    def ready() -> None:
        print(f"{time.time():.6f}", flush=True)
        app.quit()

    QTimer.singleShot(0, ready)  # runs once the first paint and all start-up events are done
    app.exec()


def first_scan(app: Any, db_url: str, delay_ms: int) -> None:
    from PySide6.QtCore import QTimer
    from sqlalchemy import text

    import ui.main as start
    from app.config import Settings
    from ui.main_window import MainWindow
    from ui.screens.station_controller import Step

    # A copy of the file each run: the scan leaves an item open, which the next sign-in would offer to resume.
    copy = Path(tempfile.mkdtemp(prefix="first-scan-")) / "station.db"
    shutil.copyfile(db_url.removeprefix("sqlite:///"), copy)
    settings = Settings(db=f"sqlite:///{copy}", sound=False)
    desk = start.build_desk(settings)
    with desk.db.engine.connect() as conn:
        gtin = str(conn.execute(text("SELECT gtin FROM product WHERE serialized = 0 AND gtin IS NOT NULL "
                                     "ORDER BY id LIMIT 1")).scalar_one())
    window = MainWindow(desk, settings)
    window.show_on_screen()
    c = window.station

    def settled(step: Step) -> bool:
        return bool(c.operator is not None and c.idle and c.step is step and not c.wedge.decoder.text)

    def sign_in() -> None:
        _keys(window.sign_in_view.field, DEMO_BADGE)
        _when(lambda: "PIN" in window.sign_in_view.prompt.text(), pin)

    def pin() -> None:
        _keys(window.sign_in_view.field, DEMO_PIN)
        _when(lambda: settled(Step.READY), scan)

    def scan() -> None:
        started = time.perf_counter()
        _keys(window.station_view, gtin)

        def done() -> None:
            print(f"first-scan {(time.perf_counter() - started) * 1000:.1f}", flush=True)
            app.quit()

        _when(lambda: settled(Step.QUESTION), done)

    def painted() -> None:
        warm = getattr(start, "start_warm_up", None)  # trees before issue 12's part have none
        if warm is not None:
            warm()
        QTimer.singleShot(delay_ms, sign_in)

    hook = getattr(start, "after_first_paint", None)
    if hook is not None:
        hook(window, painted)
    else:
        QTimer.singleShot(0, painted)
    QTimer.singleShot(60_000, lambda: app.exit(3))
    app.exec()
    window.printing.stop()
    window.ops.shutdown()


def _keys(target: Any, line: str) -> None:
    """A scanner burst: every key of `line`, then Enter, posted at once."""
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    for char in line:
        QCoreApplication.postEvent(target, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, char))
    QCoreApplication.postEvent(target, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return,
                                                 Qt.KeyboardModifier.NoModifier, "\r"))


def _when(ready: Any, then: Any) -> None:
    """`then()` from the event loop as soon as `ready()` (polled every millisecond)."""
    from PySide6.QtCore import QTimer

    QTimer.singleShot(1, lambda: then() if ready() else _when(ready, then))


if __name__ == "__main__":
    main()
