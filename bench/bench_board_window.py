"""The supervisor's board in the real window: how long F6 → tiles and charts drawn takes, and the longest GUI
stall while it loads, on a station file with 50,000 items today across 20 stations and 1,000,000 of history.

A 5 ms heartbeat timer on the GUI thread records every gap between its ticks: a gap is the time the window could
not answer a key. The floor is the same heartbeat over an idle stretch of the same length, in the same loop
(interleaved with the loads). Run: `python -m bench.bench_board_window [--today N] [--history N] [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db.models import Operator  # noqa: E402
from app.security import hash_pin  # noqa: E402
from app.services.context import FixedClock  # noqa: E402
from app.wiring import build_station  # noqa: E402
from bench.bench_board import NOW, load_sqlite  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402


class Heartbeat:
    """Gaps between 5 ms ticks on the GUI thread, in ms."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps.clear()
        self._clock.start()
        self._timer.start()

    def stop(self) -> list[float]:
        self._timer.stop()
        return list(self.gaps)

    def _tick(self) -> None:
        self.gaps.append(max(0.0, self._clock.restart() - 5.0))  # beyond the 5 ms the timer was asked for


def spin(app: QApplication, until: float) -> None:
    while time.monotonic() < until:
        app.processEvents()
        time.sleep(0.001)


def wait_for(app: QApplication, done: object, timeout_s: float = 60.0) -> float:
    start = time.monotonic()
    while not done():  # type: ignore[operator]
        app.processEvents()
        time.sleep(0.0005)
        if time.monotonic() - start > timeout_s:
            raise TimeoutError("the board did not load in time")
    return time.monotonic() - start


def _board_drawn(window: MainWindow) -> bool:
    review = window.review
    return review is not None and not review.lane.busy and len(review.board.tiles) > 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=int, default=50_000)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "board.db"
        started = time.monotonic()
        load_sqlite(path, args.today, args.history).dispose()
        print(f"station file: {args.today:,} today + {args.history:,} history, "
              f"{path.stat().st_size / 1e6:.0f} MB, built in {time.monotonic() - started:.0f} s", flush=True)
        settings = Settings(station_id="D01", db=f"sqlite:///{path}", sound=False)
        station = build_station(settings, clock=FixedClock(NOW))
        with station.db.unit_of_work() as uow:
            uow.session.add(Operator(badge="B2001", name="Sam Supervisor", role="supervisor",
                                     pin_hash=hash_pin("2222")))
        window = MainWindow(station.desk, settings)
        window.resize(1280, 860)
        window.show()
        field = window.sign_in_view.field
        for text in ("B2001", "2222"):
            QTest.keyClicks(field, text)
            QTest.keyClick(field, Qt.Key.Key_Return)
            spin(app, time.monotonic() + 0.5)
        spin(app, time.monotonic() + 1.0)  # a supervisor reads the station a moment before pressing F6
        heartbeat = Heartbeat()
        loads: list[float] = []
        stalls: list[float] = []
        floors: list[float] = []
        for run in range(args.runs):
            heartbeat.start()
            if run == 0:
                QTest.keyClick(window.station_view, Qt.Key.Key_F6)
            else:
                window.review.refresh()  # type: ignore[union-attr]
            seconds = wait_for(app, lambda: _board_drawn(window))
            spin(app, time.monotonic() + 0.05)  # the redraw after the result
            loads.append(seconds)
            stalls.append(max(heartbeat.stop()))
            heartbeat.start()  # the floor: the same window, idle, for as long
            spin(app, time.monotonic() + seconds + 0.05)
            floors.append(max(heartbeat.stop()))
        review = window.review
        assert review is not None
        graded = next(t.value.text() for t in review.board.tiles if t.tile.key == "graded_today")
        window.review.desk.close()  # type: ignore[union-attr]
        window.printing.stop()
        window.ops.shutdown()
        station.close()
    load = os.getloadavg()
    print(f"board in the window (graded today shows {graded}), {args.runs} runs, load {load[0]:.2f}:")
    print(f"  first F6 (builds the screen): {loads[0] * 1000:.0f} ms, longest GUI stall {stalls[0]:.1f} ms")
    loads, stalls = loads[1:], stalls[1:]
    print(f"  refresh -> drawn: median {statistics.median(loads) * 1000:.0f} ms, max {max(loads) * 1000:.0f} ms")
    print(f"  longest GUI stall while loading: median {statistics.median(stalls):.1f} ms, max {max(stalls):.1f} ms")
    print(f"  floor (idle, same loop): median {statistics.median(floors):.1f} ms, max {max(floors):.1f} ms")


if __name__ == "__main__":
    main()
