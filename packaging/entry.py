"""Entry script of the bundle (PyInstaller): the same `returns-desk` command as the source install.

With RETURNS_DESK_EXIT_WHEN_READY=1 the window quits itself as soon as it is scan-ready (shown, the event
loop idle, the badge field focused) and prints `ready <unix time>` on stdout: the artefact smoke test and
bench/bench_bundle.py start the real binary this way, as qutebrowser's release smoke test does.
"""

from __future__ import annotations

import os
import sys
import time

READY_ENV = "RETURNS_DESK_EXIT_WHEN_READY"
READY_TIMEOUT_S = 60.0


def _exit_when_ready() -> None:
    """Create the application first and poll from its event loop until the main window is scan-ready."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    started = time.monotonic()

    def check() -> None:
        # The window's own focus widget, not the application's: with no window manager (a bare X server)
        # the window is never activated, yet it is on screen with the badge field focused within it.
        ready = [w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()
                 and w.focusWidget() is not None and w.windowHandle() is not None and w.windowHandle().isExposed()]
        if ready:
            print(f"ready {time.time():.6f}", flush=True)
            app.quit()
        elif time.monotonic() - started > READY_TIMEOUT_S:
            print(f"not scan-ready after {READY_TIMEOUT_S:.0f} s", file=sys.stderr, flush=True)
            app.exit(3)
        else:
            QTimer.singleShot(5, check)

    QTimer.singleShot(0, check)  # runs once app.exec() in ui/main.py has started the loop


def main() -> int:
    if os.environ.get(READY_ENV) == "1" and len(sys.argv) == 1:
        _exit_when_ready()
    from app.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
