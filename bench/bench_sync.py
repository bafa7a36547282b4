"""Sync benchmarks: push the real outbox of 100,000 items (bench/sync_outbox.py) to PostgreSQL and MariaDB, each
push beside a raw COPY / LOAD DATA of the same rows in the same loop; the longest GUI event-loop stall during a
push; pulling 1,000,000 catalog rows beside a raw streamed read.

Needs the PostgreSQL and MariaDB of the dev/CI machine (tests/integration/servers.py).
Run: `make bench-sync` (or `python -m bench.bench_sync [--items N] [--rounds N] [--engines ...] [--skip ...]`).
Writes bench/out/sync.json.
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
from app.demo import load_demo_master_data  # noqa: E402
from app.sync.codec import to_json  # noqa: E402
from app.sync.pull import pull_once  # noqa: E402
from app.sync.push import push_once  # noqa: E402
from bench.datasets import OUT  # noqa: E402
from bench.sync_outbox import (  # noqa: E402
    clones,
    copy_floor,
    final_records,
    load_data_floor,
    mix,
    sample_outbox,
    station_file,
)
from bench.sync_outbox import (
    fill_outbox as fill_real_outbox,
)
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


def reset_pushed(central: Database) -> None:
    """Empty the tables a push writes (master data stays)."""
    with central.engine.begin() as conn:
        if central.engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE return_item, print_job, audit_event, container, sync_applied, sync_conflict"))
            return
        conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
        for table in ("return_item", "print_job", "audit_event", "container", "sync_applied", "sync_conflict"):
            conn.execute(text(f"TRUNCATE {table}"))  # our own table names
        conn.execute(text("SET FOREIGN_KEY_CHECKS = 1"))


def push_rounds(engine_name: str, items: int, sample_items: int, rounds: int) -> dict[str, Any]:
    """The real outbox of `items` items pushed to the central database, each push beside its floor (a raw
    COPY / LOAD DATA of the same final rows) in the same loop: floor, push, floor, push, ..., floor."""
    figures: dict[str, Any] = {"engine": engine_name, "items": items}
    with throwaway_database(engine_name) as url, tempfile.TemporaryDirectory() as tmp:
        central = Database(url)
        migrate.upgrade(central)
        load_demo_master_data(central)
        sample = sample_outbox(central, sample_items)
        copies = max(1, items // sample_items)
        rows = list(clones(sample, copies))
        figures["mix_per_item"] = mix(rows, copies * sample_items)
        records = final_records(rows)
        local = station_file(Path(tmp) / "station.db")

        def floor() -> float:
            reset_pushed(central)
            if engine_name == "postgresql":
                return copy_floor(central, records)
            return load_data_floor(url, records)

        floors, pushes = [floor()], []
        for _ in range(rounds):
            fill_real_outbox(local, rows)
            reset_pushed(central)
            gc.collect()
            t = time.perf_counter()
            result = push_once(local, central, "D01")
            pushes.append(time.perf_counter() - t)
            assert result.sent == len(rows) and not result.conflicts
            with central.engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM return_item")).scalar() == len(records["return_item"])
                assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar() == len(records["audit_event"])
            floors.append(floor())
        figures |= {"outbox_rows": len(rows), "push_s": pushes, "floor_s": floors,
                    "push_over_floor": [p / min(a, b) for p, a, b in zip(pushes, floors, floors[1:], strict=False)]}
        local.dispose()
        central.dispose()
    return figures


def pull_run(catalog: int) -> dict[str, Any]:
    with throwaway_database("postgresql") as url, tempfile.TemporaryDirectory() as tmp:
        central = Database(url)
        migrate.upgrade(central)
        seed_catalog(central, catalog)
        reads, pulls = [raw_read_floor(central)], []
        for n in range(2):
            station = station_file(Path(tmp) / f"pull{n}.db")
            t = time.perf_counter()
            pulled = pull_once(station, central)
            pulls.append(time.perf_counter() - t)
            assert pulled.rows.get("product", 0) == catalog
            station.dispose()
            reads.append(raw_read_floor(central))
        central.dispose()
    return {"catalog": catalog, "pull_s": pulls, "read_s": reads,
            "pull_over_read": [p / min(a, b) for p, a, b in zip(pulls, reads, reads[1:], strict=False)]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000, help="items whose whole outbox is pushed")
    parser.add_argument("--sample", type=int, default=50, help="items graded by the real services, then cloned")
    parser.add_argument("--rounds", type=int, default=2, help="pushes per engine, each beside a floor")
    parser.add_argument("--catalog", type=int, default=1_000_000)
    parser.add_argument("--engines", default="postgresql,mariadb")
    parser.add_argument("--skip", default="", help="comma list of: push, gui, pull")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    figures: dict[str, Any] = {"load_before": os.getloadavg()}
    # Like the app after start-up (ui/main.py): what the bench holds stays out of the collector's full passes.
    gc.collect()
    gc.freeze()
    if "push" not in skip:
        for engine_name in args.engines.split(","):
            run = push_rounds(engine_name, args.items, args.sample, args.rounds)
            figures[f"push_{engine_name}"] = run
            print(f"{engine_name}: {run['outbox_rows']:,} outbox rows ({run['mix_per_item']})")
            print(f"  floor (raw bulk load of the same final rows) s: {', '.join(f'{f:.2f}' for f in run['floor_s'])}")
            print(f"  push s: {', '.join(f'{p:.2f}' for p in run['push_s'])}  ratio: "
                  f"{', '.join(f'{r:.2f}x' for r in run['push_over_floor'])}  load {os.getloadavg()[0]:.2f}")
    if "gui" not in skip:
        figures |= gui_figures(args.items // 10)
    if "pull" not in skip:
        pull = pull_run(args.catalog)
        figures["pull"] = pull
        print(f"pull {args.catalog:,} catalog rows s: {', '.join(f'{p:.2f}' for p in pull['pull_s'])}; raw streamed "
              f"read s: {', '.join(f'{r:.2f}' for r in pull['read_s'])}; ratio "
              f"{', '.join(f'{r:.2f}x' for r in pull['pull_over_read'])}")
    figures["load_after"] = os.getloadavg()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "sync.json").write_text(json.dumps(figures, indent=2))


def gui_figures(records: int) -> dict[str, Any]:
    """The longest GUI stall while a push runs on its own thread (the bench's item rows, as before)."""
    with throwaway_database("postgresql") as url, tempfile.TemporaryDirectory() as tmp:
        central = Database(url)
        migrate.upgrade(central)
        local = station_file(Path(tmp) / "station.db")
        operator_id, product_id = central_with_master(central)
        payloads = item_payloads(records, operator_id, product_id)
        idle = gui_stall(local, central, payloads[:1000], with_push=False)
        stall = gui_stall(local, central, payloads, with_push=True)
        print(f"GUI longest gap, idle 3 s (floor) {idle * 1000:.1f} ms; during a {records:,}-record push "
              f"{stall * 1000:.1f} ms")
        local.dispose()
        central.dispose()
    return {"gui_max_gap_idle_ms": idle * 1000, "gui_max_gap_push_ms": stall * 1000}


if __name__ == "__main__":
    main()
