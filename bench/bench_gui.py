"""The window as the worker lives with it (issue 12): stalls, GUI-thread CPU per item, memory over a shift.

The real `MainWindow` in station mode, with the app's own start-up settings (`ui.main.tune_runtime`: gc frozen,
1 ms switch interval) and its own event loop (`app.exec()`): it prints every label and slip to a loopback
Zebra-like server in another process (port 9100's protocol on an ephemeral port) and syncs to a throwaway
PostgreSQL database (127.0.0.1:5432, env RETURNS_DESK_TEST_PG). A driver thread grades items through the wedge
at dock speed: the GTIN as a scanner burst (8 ms a key, Enter), each answer a key after a pause (--think-ms),
Enter on the result. Keys are posted to the station screen's event queue, as the window system delivers them.

Measured, in the same loop:
- **stalls**: a 5 ms `QTimer` on the GUI thread records every tick; a gap beyond 5 ms is a stall. The floor is
  the same timer's gaps while the window idles (the driver pauses `--idle-ms` after every 10th item and marks it).
- **CPU per item**: GUI-thread CPU (`time.thread_time` on the GUI thread) over the graded items, beside the
  *services only* floor: the driver grades one item through the same services (`Desk`, standalone file, the
  same answers) on its own thread right after each window item, timed with its own thread's CPU. Heartbeat
  ticks while the floor runs are left out of the stall figures (it competes for the interpreter).
- **RSS** of the process every `--rss-every` items (bench/bench_shift.py: a simulated shift).

Run: `python -m bench.bench_gui [--items 300] [--think-ms 150] [--profile]` (offscreen, or xcb under Xvfb).
Writes bench/out/gui.json.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
HEARTBEAT_MS = 5
KEY_MS = 8  # a scanner's burst: one key every 8 ms
PRINTER = (
    "import sys\n"
    "from tests.printer_server import PrinterServer\n"
    "server = PrinterServer()\n"
    "print(server.port, flush=True)\n"
    "sys.stdin.read()\n"
    "print(len(server.jobs), flush=True)\n"
)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


@dataclass
class Marks:
    """What the driver was doing when: ticks inside a floor run are left out; idle spans are the floor."""

    floor: list[tuple[float, float]] = field(default_factory=list)
    idle: list[tuple[float, float]] = field(default_factory=list)

    @contextmanager
    def span(self, spans: list[tuple[float, float]]) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            spans.append((start, time.perf_counter()))


def gaps_in(ticks: Sequence[float], spans: list[tuple[float, float]], inside: bool) -> list[float]:
    """Gaps (ms) between ticks whose interval is wholly inside (or touches none of) the spans."""
    out, j = [], 0
    for a, b in zip(ticks, ticks[1:], strict=False):
        while j < len(spans) and spans[j][1] < a:
            j += 1
        touches = j < len(spans) and spans[j][0] <= b
        within = touches and spans[j][0] <= a and b <= spans[j][1]
        if (inside and within) or (not inside and not touches):
            out.append((b - a) * 1000)
    return out


def gaps_during(ticks: Sequence[float], floor: list[tuple[float, float]], lo: float, hi: float) -> list[float]:
    """Gaps (ms) outside the floor runs and wholly between `lo` and `hi` (the grading, not start-up or drain)."""
    return [(ticks[i + 1] - ticks[i]) * 1000 for i in _outside_indices(ticks, floor)
            if lo <= ticks[i] and ticks[i + 1] <= hi]


def _outside_indices(ticks: Sequence[float], spans: list[tuple[float, float]]) -> list[int]:
    out, j = [], 0
    spans = sorted(spans)
    for i in range(len(ticks) - 1):
        a, b = ticks[i], ticks[i + 1]
        while j < len(spans) and spans[j][1] < a:
            j += 1
        if not (j < len(spans) and spans[j][0] <= b):
            out.append(i)
    return out


def top_gaps(ticks: Sequence[float], cpus: Sequence[float], floor: list[tuple[float, float]], start: float,
             samples: list[tuple[float, str, str]], count: int = 8) -> list[dict[str, Any]]:
    """The longest gaps outside the floor runs: when (s after the driver started), how long, how much of it the
    GUI thread spent on its CPU (near the gap: it was busy; near 0: it waited, for the GIL or a core), and,
    with --trace-gaps, where the other threads were seen during it."""
    keep = _outside_indices(ticks, floor)
    keep.sort(key=lambda i: ticks[i] - ticks[i + 1])
    out = []
    for i in keep[:count]:
        a, b = ticks[i], ticks[i + 1]
        seen = Counter(f"{name}: {where}" for t, name, where in samples if a <= t <= b)
        out.append({"at_s": round(a - start, 3), "ms": round((b - a) * 1000, 1),
                    "gui_cpu_ms": round((cpus[i + 1] - cpus[i]) * 1000, 1),
                    "seen": [f"{n}× {what}" for what, n in seen.most_common(3)]})
    return out


class Sampler(threading.Thread):
    """--trace-gaps: every 2 ms, where each other thread is (its innermost frame in this project, else its
    innermost). It needs the interpreter itself, so it runs only when asked."""

    def __init__(self, skip: set[int]) -> None:
        super().__init__(daemon=True, name="gap-sampler")
        self.skip = skip
        self.samples: list[tuple[float, str, str]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        self.skip.add(threading.get_ident())
        while not self.stopped.wait(0.002):
            now = time.perf_counter()
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident not in self.skip and not waiting(frame):
                    self.samples.append((now, names.get(ident, str(ident)), where(frame)))


def waiting(frame: Any) -> bool:
    """A thread parked (a pool worker on its queue, a wait, the driver's sleeps): not what held the GIL."""
    code = frame.f_code
    return code.co_name in {"_worker", "wait", "idle", "grade", "sign_in"} and (
        code.co_filename.endswith(("thread.py", "threading.py", "bench_gui.py")))


def where(frame: Any) -> str:
    inner = frame
    while frame is not None:
        if str(ROOT) in frame.f_code.co_filename and "bench_gui" not in frame.f_code.co_filename:
            break
        frame = frame.f_back
    frame = frame or inner
    return f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno} {frame.f_code.co_name}"


def stall_figures(gaps: list[float]) -> dict[str, float]:
    return {"ticks": len(gaps), "p50_ms": statistics.median(gaps) if gaps else 0.0, "p99_ms": pct(gaps, 99),
            "max_ms": max(gaps, default=0.0), "over_50ms": sum(1 for g in gaps if g > 50),
            "over_20ms": sum(1 for g in gaps if g > 20)}


class Printer:
    """The loopback Zebra in its own process: it does not compete with the window for the interpreter."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", PRINTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, cwd=ROOT)
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())

    def close(self) -> int:
        out, _ = self.proc.communicate(input="", timeout=30)
        return int(out.split()[-1])


def prepare(root: Path, central: str, printer_port: int) -> tuple[Any, Any]:
    """The station's settings (station mode, the loopback printer) and its file with the master data pulled;
    plus a standalone station file for the services-only floor."""
    from app.config import Settings
    from app.db import migrate
    from app.db.uow import Database
    from app.demo import load_demo_master_data
    from app.sync.runner import sync_once
    from app.wiring import build_station

    db = Database(central)
    migrate.upgrade(db)
    try:
        load_demo_master_data(db)
        local_master = False
    except Exception as exc:  # the importer is being changed by another part of issue 12: still measure
        print(f"note: the demo catalog did not load into PostgreSQL ({type(exc).__name__}); "
              "it is loaded into the station file instead", file=sys.stderr)
        local_master = True
    settings = Settings(station_id="G01", db=f"sqlite:///{root / 'G01.db'}", mode="station", central_db=central,
                        sync_interval_s=5, sound=False, printers=f"zebra=tcp://127.0.0.1:{printer_port}?timeout=2",
                        label_printer="zebra", slip_printer="zebra")
    station = build_station(settings)
    if local_master:
        load_demo_master_data(station.db)
    sync_once(station.db, db, "G01", site_folder=root / "site")
    station.close()
    db.dispose()
    floor = Settings(station_id="F01", db=f"sqlite:///{root / 'F01.db'}", sound=False)
    floor_station = build_station(floor)
    load_demo_master_data(floor_station.db)
    return settings, floor_station


class Driver(threading.Thread):
    """Grades items in the window by posting keys, and one services-only item after each (the floor)."""

    def __init__(self, window: Any, floor_desk: Any, gtins: list[str], args: argparse.Namespace,
                 on_done: Callable[[], None]) -> None:
        super().__init__(daemon=True)
        self.window, self.floor_desk, self.gtins, self.args, self.on_done = window, floor_desk, gtins, args, on_done
        self.drained: dict[str, int] = {}
        self.on_graded: Callable[[], None] = lambda: None
        self.marks = Marks()
        self.floor_cpu: list[float] = []
        self.item_wall: list[float] = []
        self.rss: list[tuple[int, float]] = []
        # The bench's own heartbeat record grows with the run (16 bytes a tick, ~40 MB over a 3,000-item shift):
        # sampled beside the RSS so the station's own memory can be told from the bench's.
        self.bench_mb: Callable[[], float] = lambda: 0.0
        self.bench_rss: list[tuple[int, float]] = []
        self.error: BaseException | None = None
        self.start_at = self.graded_at = time.perf_counter()
        # The GUI thread's CPU clock, read from here: its CPU while the window idles (heartbeat, timers).
        self.gui_clock = time.pthread_getcpuclockid(threading.get_ident())
        self.idle_gui_cpu = 0.0
        self._operator: Any = None  # the floor's operator, signed in at the first floor item

    def key(self, key: Any, text: str = "") -> None:
        from PySide6.QtCore import QCoreApplication, QEvent, Qt
        from PySide6.QtGui import QKeyEvent

        event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, text)
        QCoreApplication.postEvent(self.window.station_view, event)

    def wait(self, ready: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not ready():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the station did not reach {what}: {self.window.station_view.banner.text()}")
            time.sleep(0.002)

    def settled(self, step: Any) -> bool:
        c = self.window.station
        return bool(c.idle and c.step is step and not c.wedge.decoder.text)

    def run(self) -> None:
        self.start_at = time.perf_counter()
        try:
            self.sign_in()
            for n in range(self.args.items):
                self.grade(self.gtins[n % len(self.gtins)])
                self.floor_item(self.gtins[n % len(self.gtins)])
                if (n + 1) % self.args.rss_every == 0:
                    self.rss.append((n + 1, rss_mb()))
                    self.bench_rss.append((n + 1, round(self.bench_mb(), 1)))
                if (n + 1) % 10 == 0:
                    self.idle()
            self.graded_at = time.perf_counter()
            self.on_graded()
            self.drained = drain(self.window.desk.db)
        except BaseException as exc:  # reported by main, after the window closes
            self.error = exc
        finally:
            self.on_done()

    def idle(self) -> None:
        cpu = time.clock_gettime(self.gui_clock)
        with self.marks.span(self.marks.idle):
            time.sleep(self.args.idle_ms / 1000)
        self.idle_gui_cpu += time.clock_gettime(self.gui_clock) - cpu

    def sign_in(self) -> None:
        from PySide6.QtCore import QCoreApplication, QEvent, Qt
        from PySide6.QtGui import QKeyEvent

        from ui.screens.station_controller import Step

        field = self.window.sign_in_view.field
        for text in ("B1001", "1111"):
            for char in text:
                QCoreApplication.postEvent(field, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier,
                                                            char))
            QCoreApplication.postEvent(field, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return,
                                                        Qt.KeyboardModifier.NoModifier, "\r"))
            time.sleep(0.5)
        self.wait(lambda: self.settled(Step.READY), "the station screen")

    def grade(self, gtin: str) -> None:
        from PySide6.QtCore import Qt

        from ui.screens.station_controller import Step

        c = self.window.station
        start = time.perf_counter()
        for char in gtin:
            self.key(0, char)
            time.sleep(KEY_MS / 1000)
        self.key(Qt.Key.Key_Return, "\r")
        self.wait(lambda: self.settled(Step.QUESTION), "the first question")
        while c.step is Step.QUESTION:
            time.sleep(self.args.think_ms / 1000)
            question = c.question()
            before = c.state.item
            if question is not None and question.kind == "number":
                for char in f"{question.maximum if question.maximum is not None else 100:g}":
                    self.key(0, char)
                self.key(Qt.Key.Key_Return, "\r")
            else:
                self.key(0, "1")
            def answered(b: Any = before) -> bool:
                return bool(c.idle and c.state.item is not b and not c.wedge.decoder.text)

            self.wait(answered, "the next answer")
        self.wait(lambda: self.settled(Step.RESULT), "the result")
        time.sleep(self.args.think_ms / 1000)
        self.key(Qt.Key.Key_Return, "\r")
        self.wait(lambda: self.settled(Step.READY), "the saved item")
        self.item_wall.append((time.perf_counter() - start) * 1000)

    def floor_item(self, gtin: str) -> None:
        from tests.helpers import answer_all

        desk = self.floor_desk
        with self.marks.span(self.marks.floor):
            cpu = time.thread_time()
            operator = self._operator = self._operator or desk.sign_in("B1001", "1111")
            item = desk.start_intake(operator, desk.classify(gtin))
            desk.save_item(operator, answer_all(desk, item).id)
            self.floor_cpu.append((time.thread_time() - cpu) * 1000)


def _quitter_class() -> Any:
    from PySide6.QtCore import QObject, Signal

    class _Quitter(QObject):
        done = Signal()
        graded = Signal()

    return _Quitter


def Quitter() -> Any:  # noqa: N802 - a class made on first use (Qt is imported late)
    return _quitter_class()()


def gtins_of(db: Any, count: int) -> list[str]:
    from tests.integration.stations import plain_gtins

    return plain_gtins(db, count)


def run_window(settings: Any, floor_station: Any, args: argparse.Namespace) -> dict[str, Any]:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from app.wiring import build_station
    from ui.main import after_first_paint, start_warm_up, tune_runtime
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    station = build_station(settings)
    window = MainWindow(station.desk, settings)
    window.show_on_screen()
    after_first_paint(window, start_warm_up)  # as ui/main does: the GS1 parser and the renderers load on a thread
    ticks = array("d")  # 8 bytes a tick, not a float object's 32: a long shift's record stays small
    cpus = array("d")  # the GUI thread's CPU at each tick: was a long gap spent working or waiting?

    def tick() -> None:
        ticks.append(time.perf_counter())
        cpus.append(time.thread_time())

    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(tick)
    heartbeat.start(HEARTBEAT_MS)
    quitter = Quitter()
    quitter.done.connect(app.quit)  # emitted on the driver's thread, delivered on the GUI thread
    driver = Driver(window, floor_station.desk, gtins_of(station.db, 20), args, on_done=quitter.done.emit)
    driver.bench_mb = lambda: (ticks.itemsize * len(ticks) + cpus.itemsize * len(cpus)) / 2**20
    sampler = Sampler({threading.get_ident()}) if args.trace_gaps else None
    # Under the driver's floor thread the window thread's CPU is read on the GUI thread itself.
    cpu: dict[str, float] = {}

    def begin() -> None:
        cpu["gui"], cpu["process"] = time.thread_time(), time.process_time()
        driver.start()
        if sampler is not None:
            sampler.start()

    def graded() -> None:  # on the GUI thread: its CPU over the grading, not the drain after it
        cpu["gui_end"], cpu["process_end"] = time.thread_time(), time.process_time()
        cpu["sync"] = window.sync.status_label.text()  # type: ignore[assignment]

    quitter.graded.connect(graded)
    driver.on_graded = quitter.graded.emit

    # Timed with the thread's CPU, as the target is: wall time would count waits for the GIL in whatever
    # call released it (a signal emit, a queue put) while a background thread ran.
    profile = cProfile.Profile(time.thread_time) if args.profile else None
    if profile is not None:
        QTimer.singleShot(0, profile.enable)  # the GUI thread only
    QTimer.singleShot(200, begin)
    tune_runtime()
    app.exec()
    if profile is not None:
        profile.disable()
    if sampler is not None:
        sampler.stopped.set()
        sampler.join()
    gui_cpu, process_cpu = cpu["gui_end"] - cpu["gui"], cpu["process_end"] - cpu["process"]
    heartbeat.stop()
    window.sync.stop()
    window.printing.stop()
    window.ops.shutdown()
    window.close()
    station.close()
    results: dict[str, Any] = {"print_jobs_not_done": driver.drained.get("pending"),
                               "outbox_waiting": driver.drained.get("waiting"), "sync_line": cpu.get("sync")}
    if driver.error is not None:
        raise driver.error
    items = len(driver.item_wall)
    idle_s = sum(b - a for a, b in driver.marks.idle)
    # The window's own floor: what the GUI thread burns idle (the 5 ms heartbeat itself, the print and sync
    # timers), per second, times the seconds the grading took.
    idle_rate = driver.idle_gui_cpu / idle_s if idle_s else 0.0
    results.update({
        "items": items,
        "stalls_window": stall_figures(gaps_in(ticks, driver.marks.floor, inside=False)),
        "stalls_grading": stall_figures(gaps_during(ticks, driver.marks.floor, driver.start_at, driver.graded_at)),
        "stalls_idle_floor": stall_figures(gaps_in(ticks, driver.marks.idle, inside=True)),
        "gui_cpu_ms_per_item": gui_cpu * 1000 / max(items, 1),
        "idle_gui_cpu_ms_per_s": idle_rate * 1000,
        "gui_cpu_ms_per_item_less_idle": (gui_cpu - idle_rate * (driver.graded_at - driver.start_at)) * 1000
                                         / max(items, 1),
        "process_cpu_ms_per_item": (process_cpu * 1000 - sum(driver.floor_cpu)) / max(items, 1),
        "services_only_cpu_ms_per_item": statistics.mean(driver.floor_cpu) if driver.floor_cpu else 0.0,
        "item_wall_ms_p50": statistics.median(driver.item_wall) if driver.item_wall else 0.0,
        "grading_wall_s": driver.graded_at - driver.start_at,
        "rss_mb": driver.rss,
        "bench_heartbeat_mb": driver.bench_rss,  # of the RSS above, the bench's own tick record
        "longest_gaps": top_gaps(ticks, cpus, driver.marks.floor, driver.start_at,
                                 sampler.samples if sampler is not None else []),
    })
    if profile is not None:
        stats = pstats.Stats(profile)
        OUT.mkdir(parents=True, exist_ok=True)
        stats.dump_stats(str(OUT / "gui.prof"))  # for `python -m pstats bench/out/gui.prof` (callers, tottime)
        stats.sort_stats("cumulative").print_stats(35)
    return results


def drain(db: Any) -> dict[str, int]:
    """Wait (bounded) for the print queue and the outbox to empty, the window still running."""
    from sqlalchemy import func, select

    from app.db.models import OutboxEntry, PrintJob
    from app.domain.status import JobStatus

    open_jobs = [JobStatus.QUEUED.value, JobStatus.PRINTING.value, JobStatus.SENDING.value, JobStatus.WAITING.value]
    deadline = time.monotonic() + 120
    pending = waiting = -1
    while time.monotonic() < deadline:
        with db.unit_of_work() as uow:
            pending = uow.session.scalar(select(func.count()).select_from(PrintJob)
                                         .where(PrintJob.status.in_(open_jobs))) or 0
            waiting = uow.session.scalar(select(func.count()).select_from(OutboxEntry)
                                         .where(OutboxEntry.sent_at.is_(None))) or 0
        if not pending and not waiting:
            break
        time.sleep(0.5)
    return {"pending": pending, "waiting": waiting}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--think-ms", type=int, default=150, help="pause before each answer and the save")
    parser.add_argument("--idle-ms", type=int, default=1000, help="idle pause after every 10th item (the floor)")
    parser.add_argument("--rss-every", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="cProfile the GUI thread; print the top functions")
    parser.add_argument("--trace-gaps", action="store_true",
                        help="sample the other threads every 2 ms and say where they were during the longest gaps")
    parser.add_argument("--out", type=Path, default=OUT / "gui.json")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.integration.servers import throwaway_database

    load_before = os.getloadavg()
    printer = Printer()
    with throwaway_database("postgresql") as central, tempfile.TemporaryDirectory(prefix="bench-gui-") as tmp:
        root = Path(tmp)
        os.environ["XDG_DATA_HOME"] = os.environ["XDG_CONFIG_HOME"] = os.environ["XDG_STATE_HOME"] = str(root)
        settings, floor_station = prepare(root, central, printer.port)
        results = run_window(settings, floor_station, args)
        floor_station.close()
    results["printed_at_the_printer"] = printer.close()
    results["load"] = {"before": load_before, "after": os.getloadavg(), "cores": os.cpu_count()}
    results["platform"] = os.environ.get("QT_QPA_PLATFORM")
    results["cpu_ratio"] = results["gui_cpu_ms_per_item"] / max(results["services_only_cpu_ms_per_item"], 1e-9)
    OUT.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
