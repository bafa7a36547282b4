"""Issue 4 benchmarks: ZPL/PDF label and PDF slip rendering, labels/s through the queue to a loopback 9100
printer, and the longest GUI event-loop stall while 100 jobs print; each beside a floor from the same run.

Run: `python -m bench.bench_printing [--quick]`. Prints a table and writes bench/out/printing.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import socket
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.datasets import OUT  # noqa: E402


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    for _ in range(min(20, n)):  # warm caches (fonts, barcode tables)
        fn()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": statistics.median(samples), "p95_ms": pct(samples, 95), "n": len(samples)}


def documents() -> tuple[Any, Any]:
    from app.printing.documents import LabelDoc, SlipDoc

    label = LabelDoc("LP-D01-0000042", "USB-C cable ^XA~JA 2m", "B · RESTOCK", "SKU EL-CBL-0069", "2026-11-20 · D01")
    slip = SlipDoc("LP-D01-0000042", "Bay R1 - back to stock", "Voltra X5 smartphone 128GB Black", "EL-PHN-0001",
                   "B - very good", "Restock (sell as new)",
                   ("Score 88 of 100 -> grade B (80-94 is B)", "Grade B, works: open box resale",
                    "Found: Used or worn"),
                   tuple(f"Question {i}? Yes" for i in range(8)), "Changed mind", "RMA100060", "Dana Worker",
                   "2026-11-20 10:00", "D01", "TOTE-D01-00003")
    return label, slip


def rendering(n: int) -> dict[str, Any]:
    from reportlab.pdfgen.canvas import Canvas

    from app.printing.documents import dump
    from app.printing.layout import label_page, label_stock, slip_page, slip_stock
    from app.printing.pdf import render_pdf
    from app.printing.png import render_png
    from app.printing.zpl import render_zpl

    label, slip = documents()
    stock2x1, stock4x6, slip4x6 = label_stock("2x1", 203), label_stock("4x6", 203), slip_stock("4x6", 203)

    def empty_pdf() -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(288, 432), invariant=True, pageCompression=0)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    return {
        "json snapshot of the document (floor)": summary(timed(lambda: dump(label), n)),
        "ZPL label 2x1 (layout + ZPL)": summary(timed(lambda: render_zpl(label_page(label, stock2x1)), n)),
        "ZPL label 4x6": summary(timed(lambda: render_zpl(label_page(label, stock4x6)), n)),
        "empty reportlab page (floor)": summary(timed(empty_pdf, n)),
        "PDF label 2x1": summary(timed(lambda: render_pdf(label_page(label, stock2x1)), n)),
        "PDF label 4x6": summary(timed(lambda: render_pdf(label_page(label, stock4x6)), n)),
        "PDF slip 4x6": summary(timed(lambda: render_pdf(slip_page(slip, slip4x6)), n)),
        "PNG preview 2x1": summary(timed(lambda: render_png(label_page(label, stock2x1)), n)),
    }


def station(folder: Path, printers: str, label_printer: str, slip_printer: str) -> tuple[Any, Any]:
    """A station built as the app builds one (app/wiring.py), with the bench's printers."""
    from app.config import Settings
    from app.wiring import build_station

    built = build_station(Settings(db=f"sqlite:///{folder / 'bench-print.db'}", printers=printers,
                                   label_printer=label_printer, slip_printer=slip_printer))
    return built.db, built.ctx


def enqueue(db: Any, ctx: Any, labels: int, slips: int) -> None:
    from app.services import print_queue

    label, slip = documents()
    with db.unit_of_work() as uow:
        for _ in range(labels):
            print_queue.enqueue(uow, ctx, "label", label, ctx.printing.label_printer, None)
        for _ in range(slips):
            print_queue.enqueue(uow, ctx, "slip", slip, ctx.printing.slip_printer, None)


def throughput(n: int) -> dict[str, Any]:
    """Labels through the whole queue (claim, render ZPL, ~HS + send, mark printed: two commits each)."""
    from app.printing.layout import label_page, label_stock
    from app.printing.zpl import render_zpl
    from app.services.print_loop import PrintQueue
    from tests.printer_server import STATUS_QUERY, PrinterServer

    with PrinterServer() as zebra, tempfile.TemporaryDirectory() as tmp:
        db, ctx = station(Path(tmp), f"zebra=tcp://127.0.0.1:{zebra.port}", "zebra", "zebra")
        enqueue(db, ctx, n, 0)
        queue = PrintQueue(db, ctx)
        t = time.perf_counter()
        done = queue.process_due()
        zebra.wait_for(n)
        queue_s = time.perf_counter() - t
        assert done == n and len(zebra.jobs) == n
        queue.close()
        # Floor: the same bytes over fresh loopback connections with the status query, no database.
        payload = render_zpl(label_page(documents()[0], label_stock("2x1", 203)))
        t = time.perf_counter()
        for _ in range(n):
            with socket.create_connection(("127.0.0.1", zebra.port)) as sock:
                sock.sendall(STATUS_QUERY)
                received = b""
                while received.count(b"\x03") < 2:
                    received += sock.recv(1024)
                sock.sendall(payload)
                sock.shutdown(socket.SHUT_WR)
        zebra.wait_for(2 * n)
        raw_s = time.perf_counter() - t
        db.dispose()
    return {"labels": n, "queue_labels_per_s": n / queue_s, "raw_socket_labels_per_s": n / raw_s}


def gui_stall(jobs: int) -> dict[str, Any]:
    """Longest gap between ticks of a 2 ms QTimer on the GUI thread while the print worker sends `jobs`
    (half ZPL labels to the loopback printer, half PDF slips to files); floor: the same timer, idle."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.services.print_loop import PrintQueue
    from tests.printer_server import PrinterServer
    from ui.print_worker import PrintWorker

    _app = QApplication.instance() or QApplication([])  # noqa: F841 - the loop needs one

    def largest_gap(until: Callable[[], bool], limit_s: float) -> tuple[float, float]:
        clock = QElapsedTimer()
        clock.start()
        last, worst = [0.0], [0.0]

        def tick() -> None:
            now = clock.nsecsElapsed() / 1e6
            worst[0] = max(worst[0], now - last[0])
            last[0] = now

        # A real event loop (not a Python loop spinning processEvents, which would hold the GIL itself).
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(2)
        timer.timeout.connect(tick)
        check = QTimer()
        check.setInterval(20)
        check.timeout.connect(lambda: loop.quit() if until() or clock.elapsed() > limit_s * 1000 else None)
        timer.start()
        check.start()
        loop.exec()
        timer.stop()
        check.stop()
        return worst[0], clock.elapsed() / 1000

    with PrinterServer() as zebra, tempfile.TemporaryDirectory() as tmp:
        db, ctx = station(Path(tmp), f"zebra=tcp://127.0.0.1:{zebra.port}, files=file:{tmp}/out", "zebra", "files")
        enqueue(db, ctx, jobs // 2, jobs - jobs // 2)
        queue = PrintQueue(db, ctx)
        worker = PrintWorker(queue, poll_ms=50)
        started = time.perf_counter()
        worker.start()
        # Done when the worker reports an empty queue (no DB query here: that would be on the GUI thread).
        stall, elapsed = largest_gap(
            lambda: worker.idle and worker.last_status is not None and worker.last_status.waiting == 0, 60)
        took = time.perf_counter() - started
        worker.shutdown()
        queue.close()
        idle_stall, _ = largest_gap(lambda: False, min(elapsed, 3))
        printed = len(zebra.jobs) + len(list(Path(tmp, "out").iterdir()))
        db.dispose()
    return {"jobs": jobs, "printed": printed, "seconds": took, "max_gap_ms": stall, "idle_max_gap_ms": idle_stall}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 100 if args.quick else 500
    results = {"rendering": rendering(n), "throughput": throughput(200 if args.quick else 1000),
               "gui": gui_stall(100)}
    print(f"{'measure':<40} {'p50 ms':>8} {'p95 ms':>8}")
    for name, row in results["rendering"].items():
        print(f"{name:<40} {row['p50_ms']:8.3f} {row['p95_ms']:8.3f}")
    r = results["rendering"]
    zpl_ratio = r["ZPL label 2x1 (layout + ZPL)"]["p95_ms"] / r["json snapshot of the document (floor)"]["p95_ms"]
    pdf_ratio = r["PDF label 2x1"]["p95_ms"] / r["empty reportlab page (floor)"]["p95_ms"]
    print(f"ZPL 2x1 p95 / json floor p95: {zpl_ratio:.1f}x; PDF label 2x1 p95 / empty page p95: {pdf_ratio:.1f}x")
    t = results["throughput"]
    print(f"queue → loopback 9100: {t['queue_labels_per_s']:.0f} labels/s; raw sockets (floor): "
          f"{t['raw_socket_labels_per_s']:.0f}/s; ratio {t['raw_socket_labels_per_s'] / t['queue_labels_per_s']:.1f}x")
    g = results["gui"]
    print(f"GUI: {g['printed']}/{g['jobs']} jobs in {g['seconds']:.2f} s; longest event-loop gap "
          f"{g['max_gap_ms']:.1f} ms (idle floor {g['idle_max_gap_ms']:.1f} ms)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "printing.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
