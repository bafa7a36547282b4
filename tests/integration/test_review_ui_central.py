"""The supervisor's desk in a station-mode window on the real central engines: the board counts every
station's items, and an override of another station's item, made in this window, is written to the central
database and reaches that station with its next sync round (relabel queued there with the new decision)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.config import Settings
from app.db.models import PrintJob, ReturnItem
from app.demo import load_demo_master_data
from app.printing.documents import LabelDoc, load
from app.sync.runner import sync_once
from tests.integration.stations import grade, new_station, plain_gtins
from tests.ui.conftest import Station
from tests.ui.test_review_screen import answer_dialog
from ui.main_window import MainWindow
from ui.review_dialogs import OverrideDialog

pytestmark = pytest.mark.slow


def test_the_board_reads_every_station_and_an_override_reaches_the_other_station(
        qtbot, central, tmp_path, configuration, clock):
    load_demo_master_data(central)
    here = new_station(tmp_path, central, "D01", configuration, clock)
    there = new_station(tmp_path, central, "D02", configuration, clock)
    for desk in (here, there):
        worker = desk.sign_in("B1001", "1111")
        grade(desk, worker, plain_gtins(desk.db, 1)[0])
        sync_once(desk.db, central, desk.ctx.station_id, ctx=desk.ctx)
    settings = Settings(station_id="D01", db=here.db.url, sound=False, mode="station", central_db=central.url,
                        sync_interval_s=3600)
    window = MainWindow(here, settings)
    qtbot.addWidget(window)
    window.show()
    try:
        station = Station(qtbot, window)
        station.sign_in("B2001", "2222")
        station.key(Qt.Key.Key_F6)
        review = window.review
        assert review is not None
        qtbot.waitUntil(lambda: any(t.tile is not None and t.tile.key == "graded_today" and t.value.text() == "2"
                                    for t in review.board.tiles), timeout=10000)
        assert "central" in review.scope_label.text()
        review.show_items(review.item_filter.__class__(station="D02"))
        qtbot.waitUntil(lambda: len(review.items.rows) == 1, timeout=10000)
        row = review.items.rows[0]

        def fill(dialog: OverrideDialog) -> None:
            dialog.disposition.setCurrentIndex(dialog.disposition.findData("liquidate"))
            dialog.note.setText("Seen on the camera: box crushed")
            dialog.buttons.accepted.emit()

        answer_dialog(OverrideDialog, fill)
        review.flows.override(row)
        qtbot.waitUntil(lambda: "overridden" in review.banner.text(), timeout=10000)
    finally:
        window.close()
    with central.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, row.id).disposition == "liquidate"
    sync_once(there.db, central, "D02", ctx=there.ctx)  # D02's next round
    with there.db.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, row.id).disposition == "liquidate"
        labels = uow.session.scalars(select(PrintJob).where(PrintJob.item_id == row.id,
                                                            PrintJob.kind == "label")).all()
        again = [job for job in labels if (job.reason or "").startswith("Changed centrally")]
        assert len(again) == 1 and len(labels) == 2  # the relabel with the new decision is queued at D02
        doc = load("label", again[0].payload)
        assert isinstance(doc, LabelDoc) and "LIQUIDATE" in doc.headline
