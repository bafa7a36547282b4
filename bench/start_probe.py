"""Child process for the cold-start benchmark: prints the wall-clock time at which the window is ready.

`app`: the real start path (settings, database check, rules, main window); `empty`: a bare PySide6 window,
the floor we compare against.
"""

from __future__ import annotations

import sys
import time


def main() -> None:
    mode, db_url = sys.argv[1], sys.argv[2]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
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


if __name__ == "__main__":
    main()
