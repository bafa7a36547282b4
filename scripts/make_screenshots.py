"""Render the station's main screens to docs/screenshots/*.png (offscreen), from a demo database.

Run: `make screenshots`. Look at them at arm's length: that is how a dock worker sees the screen.
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
from sqlalchemy import select  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db.models import Product, ReturnItem, Rma, RmaLine  # noqa: E402
from app.demo_history import _is_a_problem, load_demo  # noqa: E402
from ui.main import build_desk  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def wait(app: QApplication, window: MainWindow, ms: int = 150) -> None:
    deadline = time.monotonic() + ms / 1000
    while time.monotonic() < deadline or window.ops.busy or not window.station.idle:
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
        wait(app, window)

        field = window.sign_in_view.field
        QTest.keyClicks(field, "B1001")
        QTest.keyClick(field, Qt.Key.Key_Return)
        wait(app, window)
        window.grab().save(str(OUT / "01-sign-in.png"))
        QTest.keyClicks(field, "1111")
        QTest.keyClick(field, Qt.Key.Key_Return)
        wait(app, window)

        rma, gtin, serial = _unreceived_serialized_line(desk)
        view = window.station_view
        for code in (rma, gtin, serial):
            QTest.keyClicks(view, code)
            QTest.keyClick(view, Qt.Key.Key_Return)
            wait(app, window)
        window.grab().save(str(OUT / "02-item-card-and-question.png"))
        for key in ("2", "1", "2"):  # opened; powers on; light scratches
            QTest.keyClick(view, key)
            wait(app, window, 200)
        window.grab().save(str(OUT / "03-checklist-question.png"))
        while window.station.step.name == "QUESTION":
            question = window.station.question()
            assert question is not None
            if question.kind == "number":
                QTest.keyClicks(view, "86")
                QTest.keyClick(view, Qt.Key.Key_Return)
            else:  # the answer a good-condition item gets
                clean = [o for o in question.options if not _is_a_problem(o.effects)] or list(question.options)
                QTest.keyClick(view, str(clean[0].key))
            wait(app, window, 200)
        window.grab().save(str(OUT / "04-result-with-reasons.png"))
        QTest.keyClick(view, Qt.Key.Key_Return)
        wait(app, window)
        preview = window.station_view.print_panel.preview
        deadline = time.monotonic() + 10  # the label preview renders on its own lane
        while (preview.pixmap() is None or preview.pixmap().isNull()) and time.monotonic() < deadline:
            app.processEvents()
        wait(app, window, 400)  # and the feedback flash fades
        window.grab().save(str(OUT / "05-saved-ready-for-next.png"))
        window.close()
        window.ops.shutdown()
        desk.db.dispose()
    print(f"screenshots written to {OUT}")


def _unreceived_serialized_line(desk) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    with desk.db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(Rma.rma_number, Product.gtin, RmaLine.expected_serial)
            .join(RmaLine, RmaLine.rma_id == Rma.id)
            .join(Product, Product.sku == RmaLine.sku)
            .outerjoin(ReturnItem, ReturnItem.rma_line_id == RmaLine.id)
            .where(RmaLine.expected_serial.is_not(None), Product.category == "electronics",
                   Product.hazmat.is_(False), ReturnItem.id.is_(None), Rma.rma_number < "RMA900000")
            .order_by(Rma.id.desc())
        ).all()
    return tuple(str(v) for v in rows[0])  # type: ignore[return-value]


if __name__ == "__main__":
    main()
