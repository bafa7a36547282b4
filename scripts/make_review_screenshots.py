"""Render the supervisor's desk to docs/screenshots/review-*.png (offscreen), from a demo database with today's
intake: the board, a tile's items with a whole record, the exceptions queue, operators.

Run: `make screenshots` (with the station's screens).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.config import Settings  # noqa: E402
from app.demo_history import load_demo  # noqa: E402
from ui.main import build_desk  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.review_dialogs import OverrideDialog  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def settle(app: QApplication, window: MainWindow, ms: int = 300) -> None:
    """Let the review lane answer and the screen redraw."""
    deadline = time.monotonic() + ms / 1000
    review = window.review
    while time.monotonic() < deadline or window.ops.busy or (review is not None and review.lane.busy):
        app.processEvents()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=f"sqlite:///{Path(tmp) / 'shots.db'}", sound=False)
        desk = build_desk(settings)
        load_demo(desk.db, settings, today=date.today())
        window = MainWindow(desk, settings)
        window.resize(1280, 860)
        window.show()
        settle(app, window)
        field = window.sign_in_view.field
        for text in ("B2001", "2222"):
            QTest.keyClicks(field, text)
            QTest.keyClick(field, Qt.Key.Key_Return)
            settle(app, window)
        QTest.keyClick(window.station_view, Qt.Key.Key_F6)
        settle(app, window, 800)
        review = window.review
        assert review is not None
        review.board.focus_first()
        settle(app, window)
        window.grab().save(str(OUT / "review-1-board.png"))
        QTest.keyClick(review.board.tiles[0], Qt.Key.Key_Return)
        settle(app, window, 800)
        review.items.open_selected()
        settle(app, window, 800)
        window.grab().save(str(OUT / "review-2-items-and-record.png"))
        review.tabs.setCurrentWidget(review.exceptions)
        settle(app, window, 800)
        window.grab().save(str(OUT / "review-3-exceptions.png"))
        row = review.exceptions.rows[0]
        policy = review.desk.override_policy()
        dialog = OverrideDialog(row.lpn, row.grade, row.disposition, policy.reasons, True, parent=window)
        dialog.disposition.setCurrentIndex(dialog.disposition.findData("destroy"))
        dialog.note.setText("Leaking cell: destroy, not recycle")
        dialog.approver.setText("B9001")
        dialog.show()
        settle(app, window)
        dialog.grab().save(str(OUT / "review-5-override-dialog.png"))
        dialog.close()
        review.tabs.setCurrentWidget(review.operators)
        settle(app, window, 800)
        window.grab().save(str(OUT / "review-4-operators.png"))
        window.printing.stop()
        window.ops.shutdown()
        review.desk.close()
    print(f"wrote {OUT}/review-*.png")


if __name__ == "__main__":
    main()
