"""Scanner benchmarks (issue 3): `python -m bench.bench_scanning` (offscreen Qt, a real pty).

1. Wedge: 1,000 scans fired back to back at scanner speed (8 ms per key, time-stamped QKeyEvents posted to
   the event queue at once) through the real WedgeInput, both to the station screen and, app-wide, to
   another focused widget: every scan must arrive exactly once, whole (zero lost, merged or split).
2. Serial: 1,000 scans written back to back into a pty, read by SerialReader, delivered by the Qt bridge
   (SerialScanners) on the GUI thread: zero lost/merged/split. Then terminator → signal latency, one scan
   at a time, beside two floors measured in the same run: a bare pty write → read, and a pty write → a
   reader thread waking up.
3. Parse throughput of classify_scan on a mixed corpus; floor: biip.parse alone on its GS1 part.
Figures print as a table; bench/README.md records them.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, Signal  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget  # noqa: E402

from app.domain.codes import check_digit  # noqa: E402
from app.scanning.classify import classify_scan  # noqa: E402
from app.scanning.ports import parse_spec  # noqa: E402
from tests.pty_scanner import PtyScanner  # noqa: E402
from ui.serial_scanners import SerialScanners  # noqa: E402
from ui.wedge_input import WedgeInput  # noqa: E402

GS = "\x1d"
RMA, BADGE = r"^RMA\d{6,}$", r"^B\d{4,}$"
N = 1000


def corpus(n: int, seed: int = 7) -> list[str]:
    """Realistic mix: EAN-13, GS1-128 with lot/serial/expiry and GS, RMA, LPN, badge, tote, command, SKU."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(n):
        payload = f"40{rng.randrange(10**10):010d}"
        ean = payload + check_digit(payload)
        kind = i % 8
        if kind in (0, 1):
            out.append(ean)
        elif kind in (2, 3):
            out.append(f"]C101{ean.zfill(14)}17{27 + i % 3:02d}1130" f"10L{rng.randrange(10**5):05d}{GS}21SN{i:06d}")
        elif kind == 4:
            out.append(f"RMA{100000 + i}")
        elif kind == 5:
            out.append(f"LP-D01-{i:07d}")
        elif kind == 6:
            out.append(f"TOTE-D01-{i % 100000:05d}")
        else:
            out.append(["CMD-NEXT", "B1001", "EL-PHN-0001"][i % 3])
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# 1. Wedge ---------------------------------------------------------------------------------------------
class Home(QWidget):
    """Stands in for the station screen: its keys go to WedgeInput.handle_key, as StationView's do."""

    def __init__(self, wedge: WedgeInput) -> None:
        super().__init__()
        self.wedge = wedge
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        self.wedge.handle_key(event)


def bench_wedge(app: QApplication, codes: list[str], app_wide: bool) -> dict[str, float]:
    window = QWidget()
    layout = QVBoxLayout(window)
    wedge = WedgeInput(40, "enter,tab", window)
    home = Home(wedge)
    other = QLineEdit()
    layout.addWidget(home)
    layout.addWidget(other)
    wedge.attach(home)
    window.show()
    target = other if app_wide else home
    target.setFocus()
    app.processEvents()
    got: list[str] = []
    wedge.line_entered.connect(lambda line: got.append(line.text))
    t = 1_000_000.0
    started = time.perf_counter()
    for code in codes:  # posted at once: the GUI meets them as one long queue, like a busy station
        for char in code:
            t += 8.0
            key = Qt.Key.Key_BracketRight if char == GS else Qt.Key(ord(char.upper())) if char.isalnum() else \
                Qt.Key.Key_Minus
            event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, char)
            event.setTimestamp(int(t))
            app.postEvent(target, event)
        t += 8.0
        enter = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "")
        enter.setTimestamp(int(t))
        app.postEvent(target, enter)
    while len(got) < len(codes) and time.perf_counter() - started < 60:
        app.processEvents()
    elapsed = time.perf_counter() - started
    keys = sum(len(c) + 1 for c in codes)
    window.close()
    app.removeEventFilter(wedge)
    return {
        "sent": len(codes), "received": len(got),
        "lost": len(set(codes) - set(got)) if len(set(codes)) == len(codes) else sum(1 for c in codes if c not in got),
        "wrong": sum(1 for a, b in zip(codes, got, strict=False) if a != b),
        "leaked_chars": len(other.text()),
        "keys_per_s": keys / elapsed,
    }


# 2. Serial --------------------------------------------------------------------------------------------
def bench_serial(app: QApplication, codes: list[str]) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp())
    port = PtyScanner(folder / "scanner")
    scanners = SerialScanners([parse_spec(f"{port.link},baud=115200,term=CR,name=Bench")])
    got: list[str] = []
    arrived: list[float] = []

    def received(label: str, text: str) -> None:
        arrived.append(time.perf_counter())
        got.append(text)

    scanners.line_received.connect(received)
    scanners.start()
    deadline = time.perf_counter() + 5
    while "connected" not in scanners.summary().replace("disconnected", "") and time.perf_counter() < deadline:
        app.processEvents()
    # Zero loss: everything written back to back.
    port.write(b"".join(code.encode() + b"\r" for code in codes))
    deadline = time.perf_counter() + 30
    while len(got) < len(codes) and time.perf_counter() < deadline:
        app.processEvents()
    ok = got == codes
    result: dict[str, float] = {"sent": len(codes), "received": len(got), "in_order_whole": float(ok)}
    # Latency: one scan at a time, clock from the terminator's write (in a writer thread) to the slot on the
    # GUI thread, which waits in its event loop as the station does between scans.
    latencies: list[float] = []
    delivered = threading.Event()
    scanners.line_received.connect(lambda label, text: delivered.set())
    loop = QEventLoop()
    finished = _Finished()
    finished.done.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

    def writer() -> None:
        for code in codes[:300]:
            delivered.clear()
            port.write(code.encode())
            time.sleep(0.002)  # the body arrives first; the terminator is what starts the clock
            arrived.clear()
            start = time.perf_counter()
            port.write(b"\r")
            delivered.wait(2)
            latencies.append((arrived[-1] - start) * 1000)
        finished.done.emit()  # queued to the GUI thread's loop

    thread = threading.Thread(target=writer)
    thread.start()
    loop.exec()
    thread.join()
    scanners.stop()
    port.close()
    result.update(p50=statistics.median(latencies), p95=pct(latencies, 0.95))
    return result


class _Finished(QObject):
    done = Signal()


def bench_pty_floor(rounds: int = 300) -> dict[str, float]:
    master, slave = os.openpty()
    import tty

    tty.setraw(slave)
    same: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        os.write(master, b"\r")
        os.read(slave, 16)
        same.append((time.perf_counter() - start) * 1000)
    woke = threading.Event()
    stop = False

    def reader() -> None:
        while not stop:
            if os.read(slave, 16):
                woke.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    handoff: list[float] = []
    for _ in range(rounds):
        woke.clear()
        start = time.perf_counter()
        os.write(master, b"\r")
        woke.wait(1)
        handoff.append((time.perf_counter() - start) * 1000)
    stop = True
    os.write(master, b"\r")
    thread.join(1)
    os.close(master)
    os.close(slave)
    return {"same_p50": statistics.median(same), "same_p95": pct(same, 0.95),
            "thread_p50": statistics.median(handoff), "thread_p95": pct(handoff, 0.95)}


# 3. Parse ---------------------------------------------------------------------------------------------
def bench_parse(codes: list[str]) -> dict[str, float]:
    import biip

    rounds = 3
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for code in codes:
            classify_scan(code, RMA, BADGE)
        best = min(best, time.perf_counter() - start)
    gs1 = [c for c in codes if c.startswith("]C1")]
    floor = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for code in gs1:
            biip.parse(code)
        floor = min(floor, time.perf_counter() - start)
    gs1_only = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for code in gs1:
            classify_scan(code, RMA, BADGE)
        gs1_only = min(gs1_only, time.perf_counter() - start)
    return {"scans_per_s": len(codes) / best, "biip_gs1_per_s": len(gs1) / floor,
            "gs1_share": len(gs1) / len(codes), "gs1_only_per_s": len(gs1) / gs1_only}


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    codes = corpus(N)
    rows = []
    for app_wide in (False, True):
        r = bench_wedge(app, codes, app_wide)
        where = "app-wide (other widget focused)" if app_wide else "station screen"
        rows.append(f"| wedge, {where} | {r['sent']:.0f} | {r['received']:.0f} | lost {r['lost']:.0f}, "
                    f"wrong {r['wrong']:.0f}, leaked chars {r['leaked_chars']:.0f} | {r['keys_per_s']:,.0f} keys/s |")
    s = bench_serial(app, codes)
    rows.append(f"| serial pty → Qt signal | {s['sent']:.0f} | {s['received']:.0f} | "
                f"{'all whole, in order' if s['in_order_whole'] else 'MISMATCH'} | |")
    print("| path | sent | received | integrity | speed |\n|---|---:|---:|---|---:|")
    print("\n".join(rows))
    f = bench_pty_floor()
    print("\n| latency (ms) | p50 | p95 |\n|---|---:|---:|")
    print(f"| bare pty write → read, same thread (floor) | {f['same_p50']:.3f} | {f['same_p95']:.3f} |")
    print(f"| bare pty write → reader thread wakes (floor) | {f['thread_p50']:.3f} | {f['thread_p95']:.3f} |")
    print(f"| **serial terminator → Qt signal on the GUI thread** | {s['p50']:.3f} | {s['p95']:.3f} |")
    print(f"\nratio serial p95 / thread floor p95: {s['p95'] / f['thread_p95']:.1f}×")
    p = bench_parse(codes * 5)
    print(f"\nparse: {p['scans_per_s']:,.0f} scans/s on the mixed corpus ({p['gs1_share']:.0%} GS1); "
          f"GS1 strings alone: {p['gs1_only_per_s']:,.0f} scans/s; "
          f"floor biip.parse alone on the GS1 strings: {p['biip_gs1_per_s']:,.0f}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
