"""The station window when the central database goes silent: the status bar says so, with the real count."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from app.config import Settings
from app.demo import load_demo_master_data
from tests.integration.stations import bulk_final_items, new_station
from tests.integration.tcp_proxy import CuttingProxy
from ui.main_window import MainWindow


def test_status_bar_says_not_answering_with_the_waiting_count_then_recovers(qtbot, central, tmp_path,
                                                                            configuration, clock):
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    bulk_final_items(desk, desk.sign_in("B1001", "1111"), 20, clock)
    url = make_url(central.url)
    proxy = CuttingProxy(url.host or "127.0.0.1", url.port or 0)
    proxy.set_silent(True)  # takes every connection, answers none
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    settings = Settings(station_id="D01", db=desk.db.url, sound=False, mode="station", central_db=through,
                        sync_interval_s=1, central_timeout_s=2)
    window = MainWindow(desk, settings)
    qtbot.addWidget(window)
    window.show()
    try:
        label = window.sync.status_label
        qtbot.waitUntil(lambda: "not answering" in label.text(), timeout=15000)
        assert label.text().startswith("Sync: central database not answering")
        assert "41 waiting" in label.text()  # 20 items, their audit events and the tote: not "0 waiting"
        assert "nothing within 2 s" in label.toolTip()
        proxy.set_silent(False)
        window.sync.wake()
        qtbot.waitUntil(lambda: ", 0 waiting" in label.text(), timeout=20000)
    finally:
        window.close()
        proxy.close()
