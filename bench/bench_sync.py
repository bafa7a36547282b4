"""Issue 5 benchmarks: push 100,000 records to PostgreSQL beside a raw COPY of the same rows, the longest GUI
event-loop stall during such a push, and pulling 1,000,000 catalog rows; each beside a floor in the same run.

Needs the PostgreSQL of the dev/CI machine (127.0.0.1:5432, trust; env RETURNS_DESK_TEST_PG to change).
Run: `make bench-sync` (or `python -m bench.bench_sync [--records N] [--catalog N]`). Writes bench/out/sync.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import insert, select, text  # noqa: E402

from app.db import migrate  # noqa: E402
from app.db.models import Operator, OutboxEntry, Product, ReturnItem  # noqa: E402
from app.db.uow import Database  # noqa: E402
from app.sync.codec import to_json  # noqa: E402
from app.sync.pull import pull_once  # noqa: E402
from app.sync.push import ITEM, _columns_of, copy_json_rows, push_once  # noqa: E402
from bench.datasets import OUT  # noqa: E402
from tests.integration.servers import throwaway_database  # noqa: E402
from ui.main import UI_SWITCH_INTERVAL_S  # noqa: E402

DEFAULT_SWITCH_INTERVAL_S = sys.getswitchinterval()

ITEM_TABLE = ReturnItem.__table__
OUTBOX = OutboxEntry.__table__


def item_payloads(n: int, operator_id: int, product_id: int) -> list[dict[str, Any]]:
    """Realistic final records as the outbox writer stores them."""
    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    out = []
    for i in range(n):
        at = start + timedelta(seconds=i)
        row = {
            "id": uuid.uuid4(), "lpn": f"LP-D01-{i + 1:07d}", "station_id": "D01", "operator_id": operator_id,
            "scanned_code": "04006381333931", "product_id": product_id, "rma_line_id": None,
            "rma_number": f"RMA{100000 + i}", "unknown_description": None, "category": "electronics",
            "serial": f"SN{i:09d}", "lot": None, "expiry": None, "checklist_id": "electronics",
            "checklist_version": 3, "answers": {"sealed": "no", "powers_on": "yes", "screen": "fine"},
            "answer_order": ["sealed", "powers_on", "screen"], "claimed_reason": "changed_mind",
            "found_reasons": ["no_fault_found"], "flags": [], "grade": "B", "disposition": "open_box", "score": 88,
            "grade_rules": [{"id": "score_b", "why": "Score 88: very good"}],
            "disposition_rules": [{"id": "b_open_box", "why": "Grade B sells as open box"}],
            "status": "final", "container_id": None, "tote_confirmed_at": None, "created_at": at,
            "updated_at": at, "finalized_at": at, "voided_at": None, "void_reason": None, "version": 9,
        }
        payload = to_json(ITEM_TABLE, row)
        payload["container_code"] = None
        payload["base_version"] = None
        out.append(payload)
    return out


def fill_outbox(local: Database, payloads: list[dict[str, Any]]) -> None:
    now = datetime.now(UTC)
    with local.engine.begin() as conn:
        conn.execute(text("DELETE FROM outbox"))
        for start in range(0, len(payloads), 10000):
            conn.execute(insert(OUTBOX), [
                {"change_id": uuid.uuid4(), "entity": "return_item", "entity_key": p["id"], "payload": p,
                 "created_at": now, "attempts": 0} for p in payloads[start:start + 10000]])


def reset_central(central: Database) -> None:
    with central.engine.begin() as conn:
        conn.execute(text("TRUNCATE return_item, sync_applied"))


def central_with_master(central: Database) -> tuple[int, int]:
    with central.unit_of_work() as uow:
        op = Operator(badge="B1001", name="Dana", role="worker")
        product = Product(sku="SKU-1", gtin="04006381333931", description="Phone", category="electronics")
        uow.session.add_all([op, product])
        uow.session.flush()
        return op.id, product.id


def time_copy(central: Database, payloads: list[dict[str, Any]]) -> float:
    rows = [_columns_of(ITEM, p, {}) for p in payloads]
    reset_central(central)
    t = time.perf_counter()
    with central.engine.begin() as conn:
        copy_json_rows(conn, ITEM, rows)
    return time.perf_counter() - t


def time_push(local: Database, central: Database, payloads: list[dict[str, Any]]) -> tuple[float, int]:
    fill_outbox(local, payloads)
    reset_central(central)
    t = time.perf_counter()
    result = push_once(local, central, "D01")
    elapsed = time.perf_counter() - t
    with central.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM return_item")).scalar() == len(payloads)
    return elapsed, result.sent


def gui_stall(local: Database, central: Database, payloads: list[dict[str, Any]], with_push: bool,
              freeze: bool = True) -> float:
    """Largest gap between ticks of a 2 ms QTimer on the GUI thread, while a push runs on its own thread.

    `freeze`: like the app after start-up (ui/main.py), objects alive now are moved out of the collector's
    reach (otherwise a full collection over them, here the 100,000 payloads the bench holds, stalls every
    thread) and threads switch every 1 ms instead of 5 ms.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    fill_outbox(local, payloads)
    reset_central(central)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(tick)
    done = threading.Event()

    def work() -> None:
        try:
            if with_push:
                push_once(local, central, "D01")
            else:
                time.sleep(3)
        finally:
            done.set()

    gc.collect()
    if freeze:  # the app's start-up settings (ui/main.py)
        gc.freeze()
        sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
    timer.start()
    last[0] = time.perf_counter()
    threading.Thread(target=work, daemon=True).start()
    while not done.is_set():
        app.processEvents()
        time.sleep(0.0005)
    timer.stop()
    gc.unfreeze()
    sys.setswitchinterval(DEFAULT_SWITCH_INTERVAL_S)
    return max(gaps) if gaps else float("nan")


def seed_catalog(central: Database, n: int) -> None:
    with central.engine.begin() as conn:
        conn.execute(text("TRUNCATE product CASCADE"))
        conn.execute(text("""
            INSERT INTO product (sku, gtin, description, category, unit_value_cents, weight_g, vendor, vendor_rtv,
                                 warranty_days, serialized, hazmat, data_bearing, updated_at)
            SELECT 'SKU-' || g, lpad(g::text, 14, '0'), 'Product number ' || g, 'general', 1999, 500,
                   'Vendor ' || (g % 50), false, 365, false, false, false,
                   now() - interval '1 day' + g * interval '1 millisecond'
            FROM generate_series(1, :n) AS g"""), {"n": n})
        conn.execute(text("ANALYZE product"))


def raw_read_floor(central: Database) -> float:
    t = time.perf_counter()
    with central.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=5000).execute(
            select(Product.__table__).order_by(Product.updated_at, Product.id))
        rows = sum(len(part) for part in result.partitions())
    assert rows > 0
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--catalog", type=int, default=1_000_000)
    args = parser.parse_args()
    figures: dict[str, Any] = {"records": args.records, "catalog": args.catalog}
    with throwaway_database("postgresql") as url, tempfile.TemporaryDirectory() as tmp:
        central = Database(url)
        migrate.upgrade(central)
        local = Database(f"sqlite:///{Path(tmp) / 'station.db'}")
        migrate.upgrade(local)
        operator_id, product_id = central_with_master(central)
        payloads = item_payloads(args.records, operator_id, product_id)

        # Like the app after start-up (ui/main.py): what exists now stays out of the collector's full passes,
        # so the 100,000 payloads held here do not slow every Python step of the push (or of the COPY).
        gc.collect()
        gc.freeze()
        copy_1 = time_copy(central, payloads)
        push_s, sent = time_push(local, central, payloads)
        copy_2 = time_copy(central, payloads)
        copy_s = min(copy_1, copy_2)
        figures |= {"copy_s": copy_s, "copy_runs_s": [copy_1, copy_2], "push_s": push_s, "push_sent": sent,
                    "push_over_copy": push_s / copy_s, "push_rows_per_s": sent / push_s}
        print(f"raw COPY of {args.records:,} records (floor) {copy_s:8.2f} s  (runs {copy_1:.2f}, {copy_2:.2f})")
        print(f"push {sent:,} records (outbox → PostgreSQL) {push_s:8.2f} s  = {push_s / copy_s:.2f}x COPY "
              f"({sent / push_s:,.0f}/s)")

        idle = gui_stall(local, central, payloads[:1000], with_push=False)
        stall = gui_stall(local, central, payloads, with_push=True)
        unfrozen = gui_stall(local, central, payloads, with_push=True, freeze=False)
        figures |= {"gui_max_gap_idle_ms": idle * 1000, "gui_max_gap_push_ms": stall * 1000,
                    "gui_max_gap_push_no_freeze_ms": unfrozen * 1000}
        print(f"GUI longest gap, idle 3 s (floor)          {idle * 1000:8.1f} ms")
        print(f"GUI longest gap during a {args.records:,} push      {stall * 1000:8.1f} ms")
        print(f"  same, without gc.freeze() (bench holds all payloads) {unfrozen * 1000:8.1f} ms")

        seed_catalog(central, args.catalog)
        read_s = raw_read_floor(central)
        station = Database(f"sqlite:///{Path(tmp) / 'pull.db'}")
        migrate.upgrade(station)
        t = time.perf_counter()
        pulled = pull_once(station, central)
        pull_s = time.perf_counter() - t
        figures |= {"pull_s": pull_s, "pull_rows": pulled.rows.get("product", 0), "raw_read_s": read_s,
                    "pull_over_read": pull_s / read_s}
        print(f"raw streamed read of {args.catalog:,} rows (floor)   {read_s:8.2f} s")
        print(f"pull {pulled.rows.get('product', 0):,} catalog rows into SQLite   {pull_s:8.2f} s  "
              f"= {pull_s / read_s:.2f}x read")
        station.dispose()
        local.dispose()
        central.dispose()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "sync.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
