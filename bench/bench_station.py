"""Issue 2 benchmarks: scan → item card, finalize, cold start; each beside its floor in the same run.

Run: `make bench` (or `python -m bench.bench_station [--quick]`). Prints a table and writes
bench/out/station.json. Figures are recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.datasets import OUT, bench_db, gtin13  # noqa: E402


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": statistics.median(samples), "p95_ms": pct(samples, 95), "n": len(samples)}


def raw_lookup_floor(path: Path, products: int, n: int) -> list[float]:
    conn = sqlite3.connect(path)
    rng = random.Random(1)
    out = []
    for _ in range(n):
        gtin = "0" + gtin13(rng.randrange(products))
        t = time.perf_counter()
        conn.execute("SELECT * FROM product WHERE gtin = ?", (gtin,)).fetchone()
        out.append((time.perf_counter() - t) * 1000)
    conn.close()
    return out


def scan_to_card(path: Path, products: int, n: int) -> list[float]:
    """Real window: scanner burst + Enter → item card and first question on screen."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.config import Settings
    from ui.main import build_desk
    from ui.main_window import MainWindow
    from ui.screens.station_controller import Step

    app = QApplication.instance() or QApplication([])
    settings = Settings(db=f"sqlite:///{path}", sound=False)
    desk = build_desk(settings)
    window = MainWindow(desk, settings)
    window.show()
    operator = desk.sign_in("B1001", "1111")
    window._signed_in(operator)
    controller, view = window.station, window.station_view

    def settle(step: Step) -> None:
        deadline = time.perf_counter() + 10
        while not (controller.idle and not window.ops.busy and controller.step is step):
            app.processEvents()
            if time.perf_counter() > deadline:
                raise RuntimeError(f"station did not reach {step}; banner: {view.banner.text()}")

    settle(Step.READY)
    rng = random.Random(2)
    out = []
    for i in range(n + 5):
        code = gtin13(rng.randrange(products))
        QTest.keyClicks(view, code)  # the burst arrives before Enter; timing starts at Enter
        t = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_Return)
        settle(Step.QUESTION)
        app.processEvents()  # paint the card
        elapsed = (time.perf_counter() - t) * 1000
        if i >= 5:  # warm-up
            out.append(elapsed)
        QTest.keyClick(view, Qt.Key.Key_Escape)
        QTest.keyClick(view, Qt.Key.Key_Escape)
        settle(Step.READY)
    window.close()
    window.ops.shutdown()
    desk.db.dispose()
    return out


def finalize_times(path: Path, products: int, n: int) -> list[float]:
    """Finalize in station mode (outbox on), as a station runs it (issue 12). On a realistic station file, with
    its audit events, print jobs, totes and outbox: `python -m bench.bench_station_file`."""
    from app.config import Settings
    from app.sync.outbox import enable_outbox
    from tests.helpers import answer_all
    from ui.main import build_desk

    desk = build_desk(Settings(db=f"sqlite:///{path}", sound=False))
    enable_outbox(desk.db)
    operator = desk.sign_in("B1001", "1111")
    rng = random.Random(4)
    out = []
    for _ in range(n):
        scan = desk.classify(gtin13(rng.randrange(products)))
        item = answer_all(desk, desk.start_intake(operator, scan))  # type: ignore[arg-type]
        t = time.perf_counter()
        desk.finalize(operator, item.id)
        out.append((time.perf_counter() - t) * 1000)
    desk.db.dispose()
    return out


def bare_commit_floor(n: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "floor.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")
        out = []
        for i in range(n):
            t = time.perf_counter()
            conn.execute("BEGIN")
            conn.execute("INSERT INTO t (payload) VALUES (?)", (f"row {i}",))
            conn.execute("COMMIT")
            out.append((time.perf_counter() - t) * 1000)
        conn.close()
    return out


def cold_start(mode: str, db_url: str, n: int) -> list[float]:
    out = []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for _ in range(n):
        t = time.time()
        done = subprocess.run([sys.executable, "-m", "bench.start_probe", mode, db_url], capture_output=True,
                              text=True, check=True, env=env, cwd=Path(__file__).parent.parent)
        out.append((float(done.stdout.strip().splitlines()[-1]) - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="100k products instead of 1M (a smoke run)")
    args = parser.parse_args()
    big = 100_000 if args.quick else 1_000_000
    sizes = [(10_000, 10_000), (big, big)]
    results: dict[str, Any] = {}
    for products, items in sizes:
        t = time.perf_counter()
        path = bench_db(products, items)
        print(f"dataset {products:,} products / {items:,} records ready ({time.perf_counter() - t:.1f} s)")
        work = OUT / f"work-{products}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        work.write_bytes(path.read_bytes())
        results[f"lookup_floor_{products}"] = summary(raw_lookup_floor(work, products, 500))
        results[f"scan_to_card_{products}"] = summary(scan_to_card(work, products, 200))
        results[f"finalize_{products}"] = summary(finalize_times(work, products, 200))
    results["bare_commit_floor"] = summary(bare_commit_floor(200))
    start_db = OUT / "work-10000.db"
    results["cold_start_app"] = summary(cold_start("app", f"sqlite:///{start_db}", 7))
    results["cold_start_empty_window"] = summary(cold_start("empty", "", 7))

    print(f"\n{'measure':34} {'p50 ms':>9} {'p95 ms':>9}")
    for name, figures in results.items():
        print(f"{name:34} {figures['p50_ms']:9.2f} {figures['p95_ms']:9.2f}")
    small, large = sizes[0][0], sizes[1][0]
    ratios = {
        "scan_to_card p95, large vs 10k catalog": results[f"scan_to_card_{large}"]["p95_ms"]
        / results[f"scan_to_card_{small}"]["p95_ms"],
        "scan_to_card p95 / raw lookup p95 (large)": results[f"scan_to_card_{large}"]["p95_ms"]
        / results[f"lookup_floor_{large}"]["p95_ms"],
        "finalize p95 / bare WAL commit p95 (large)": results[f"finalize_{large}"]["p95_ms"]
        / results["bare_commit_floor"]["p95_ms"],
        "cold start p50 / empty window p50": results["cold_start_app"]["p50_ms"]
        / results["cold_start_empty_window"]["p50_ms"],
    }
    print()
    for name, ratio in ratios.items():
        print(f"{name:45} {ratio:6.2f}x")
    results["ratios"] = ratios
    (OUT / "station.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
