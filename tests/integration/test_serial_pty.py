"""Serial scanners over a real pty pair (os.openpty): a scan, a slow scanner, unplug and replug, two
scanners at once, and a serial scan reaching the station screen through the Qt signal."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest

from app.scanning.ports import parse_spec
from app.scanning.serial_reader import PortState, SerialReader
from tests.pty_scanner import PtyScanner

WAIT_S = 5.0  # generous upper bound for a wait, not a speed assertion


class Recorder:
    def __init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.fragments: queue.Queue[str] = queue.Queue()
        self.states: queue.Queue[PortState] = queue.Queue()

    def reader(self, spec_text: str) -> SerialReader:
        return SerialReader(parse_spec(spec_text), self.lines.put, lambda s, d: self.states.put(s),
                            self.fragments.put)

    def wait_state(self, state: PortState) -> None:
        while self.states.get(timeout=WAIT_S) is not state:
            pass

    def line(self) -> str:
        return self.lines.get(timeout=WAIT_S)


@pytest.fixture
def pty(tmp_path: Path):
    scanners: list[PtyScanner] = []

    def make(name: str = "scanner0") -> PtyScanner:
        scanner = PtyScanner(tmp_path / name)
        scanners.append(scanner)
        return scanner

    yield make
    for scanner in scanners:
        scanner.close()


@pytest.fixture
def readers():
    started: list[SerialReader] = []

    def start(reader: SerialReader) -> SerialReader:
        started.append(reader)
        reader.start()
        return reader

    yield start
    for reader in started:
        reader.stop()


def test_a_scan_arrives_whole_with_its_gs(pty, readers):
    port, rec = pty(), Recorder()
    readers(rec.reader(f"{port.link},baud=115200,term=CR"))
    rec.wait_state(PortState.CONNECTED)
    port.write(b"]C1010400638133393110LOT42\x1d21SN-77\r")
    assert rec.line() == "]C1010400638133393110LOT42\x1d21SN-77"


def test_slow_scanner_dribbling_bytes_is_one_scan(pty, readers):
    port, rec = pty(), Recorder()
    readers(rec.reader(str(port.link)))
    rec.wait_state(PortState.CONNECTED)
    done = threading.Event()
    for char in b"4006381333931\r\n":  # one byte at a time, each a separate read on the other side
        port.write(bytes([char]))
        done.wait(0.01)
    assert rec.line() == "4006381333931"
    port.write(b"RMA100001\r\n")
    assert rec.line() == "RMA100001"  # the CR LF pair did not make an empty scan in between
    assert rec.lines.empty()


def test_unplug_keeps_what_arrived_and_replug_reconnects(pty, readers):
    port, rec = pty(), Recorder()
    reader = readers(rec.reader(str(port.link)))
    rec.wait_state(PortState.CONNECTED)
    port.write(b"4006381333931\rRMA1000")  # one whole scan, then the cable is pulled mid-scan
    assert rec.line() == "4006381333931"
    port.unplug()
    rec.wait_state(PortState.DISCONNECTED)
    assert rec.fragments.get(timeout=WAIT_S) == "RMA1000"  # reported, not silently dropped or glued on
    port.plug()  # a new device node behind the same by-id link
    rec.wait_state(PortState.CONNECTED)
    port.write(b"RMA100001\r")
    assert rec.line() == "RMA100001"
    assert reader.reconnects == 1


def test_two_scanners_side_by_side(pty, readers):
    left, right, rec_left, rec_right = pty("left"), pty("right"), Recorder(), Recorder()
    readers(rec_left.reader(f"{left.link},name=Left"))
    readers(rec_right.reader(f"{right.link},name=Right,term=CRLF"))
    rec_left.wait_state(PortState.CONNECTED)
    rec_right.wait_state(PortState.CONNECTED)
    for i in range(20):
        left.write(f"L{i:04d}\r".encode())
        right.write(f"R{i:04d}\r\n".encode())
    assert [rec_left.line() for _ in range(20)] == [f"L{i:04d}" for i in range(20)]
    assert [rec_right.line() for _ in range(20)] == [f"R{i:04d}" for i in range(20)]


def test_scanner_missing_at_start_is_found_when_plugged(tmp_path, readers):
    rec = Recorder()
    link = tmp_path / "later"
    readers(rec.reader(str(link)))
    rec.wait_state(PortState.DISCONNECTED)
    port = PtyScanner(link)
    try:
        rec.wait_state(PortState.CONNECTED)
        port.write(b"B1001\r")
        assert rec.line() == "B1001"
    finally:
        port.close()


def test_serial_scan_reaches_the_station_and_status_bar(pty, qtbot, desk, db):
    from PySide6.QtCore import Qt

    from app.config import Settings
    from tests.helpers import product_where
    from tests.ui.conftest import Station
    from ui.main_window import MainWindow
    from ui.screens.station_controller import Step

    port = pty()
    settings = Settings(station_id="D01", db=desk.db.url, sound=False, serial_scanners=f"{port.link},name=Dock")
    window = MainWindow(desk, settings)
    qtbot.addWidget(window)
    window.show()
    try:
        station = Station(qtbot, window)
        qtbot.waitUntil(lambda: "Scanner Dock: connected" in window.scanners.status_label.text(), timeout=5000)
        port.write(b"B1001\r")  # the badge, scanned with the serial scanner at the sign-in screen
        qtbot.waitUntil(lambda: "PIN" in window.sign_in_view.prompt.text(), timeout=5000)
        qtbot.keyClicks(window.sign_in_view.field, "1111")
        qtbot.keyClick(window.sign_in_view.field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.station_view, timeout=5000)
        station.wait_idle()
        port.write(f"{product_where(db, serialized=False).gtin}\r".encode())
        qtbot.waitUntil(lambda: station.controller.step is Step.QUESTION, timeout=5000)
        port.write(b"RMA1000")  # the cable is pulled in the middle of a scan…
        qtbot.wait(300)  # …after the bytes reached the app (a pty drops what nobody read yet when it closes)
        port.unplug()
        qtbot.waitUntil(lambda: "scanner disconnected" in window.scanners.status_label.text(), timeout=5000)
        qtbot.waitUntil(lambda: "unplugged in the middle of a scan" in station.banner(), timeout=5000)
        assert "RMA1000" in station.banner() and station.controller.feedback.last == "bad"
        port.plug()
        qtbot.waitUntil(lambda: "Scanner Dock: connected" in window.scanners.status_label.text(), timeout=5000)
    finally:
        window.scanners.stop()
        window.ops.shutdown()
