"""The station window in station mode: sync runs beside the station and the status bar says how it goes."""

from __future__ import annotations

import socket

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.config import Settings
from app.db.models import ReturnItem
from app.demo import load_demo_master_data
from tests.integration.stations import new_station, plain_gtins
from tests.ui.conftest import Station
from ui.main_window import MainWindow


def _window(qtbot, desk, central_db: str) -> MainWindow:
    settings = Settings(station_id=desk.ctx.station_id, db=desk.db.url, sound=False, mode="station",
                        central_db=central_db, sync_interval_s=1)
    window = MainWindow(desk, settings)
    qtbot.addWidget(window)
    window.show()
    return window


def test_finished_item_reaches_the_central_database(qtbot, central, tmp_path, configuration, clock):
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    window = _window(qtbot, desk, central.url)
    try:
        station = Station(qtbot, window)
        station.sign_in()
        station.scan(plain_gtins(desk.db, 1)[0])
        station.answer_all(pick=1)
        station.key(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: _central_lpns(central) == ["LP-D01-0000001"], timeout=10000)
        qtbot.waitUntil(lambda: ", 0 waiting" in window.sync.status_label.text(), timeout=10000)
        assert "last sync" in window.sync.status_label.text()
    finally:
        window.close()


def test_status_bar_says_when_the_central_database_is_unreachable(qtbot, desk):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    window = _window(qtbot, desk, f"postgresql+psycopg://station@127.0.0.1:{port}/returns")
    try:
        label = window.sync.status_label
        qtbot.waitUntil(lambda: "unreachable" in label.text(), timeout=10000)
        assert "work continues here" in label.text()
        assert "cannot be reached" in label.toolTip()
    finally:
        window.close()


def _central_lpns(central):
    with central.unit_of_work() as uow:
        return list(uow.session.scalars(select(ReturnItem.lpn)))
