"""The supervisor board's load time (issue 10): `board_figures` over N items today across 20 stations plus M
items of history, on SQLite and PostgreSQL, beside a raw SQL floor (the same aggregates as hand-written SQL on
the bare driver connection).

    python -m bench.bench_board                       # 50,000 today + 1,000,000 history (the issue's size)
    python -m bench.bench_board --today 50000 --history 200000 --engines sqlite,postgresql

Rows are bulk-loaded (sqlite3 executemany, PostgreSQL COPY) into a migrated schema; PostgreSQL uses a
throwaway database on RETURNS_DESK_TEST_PG (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db import migrate
from app.db.uow import Database
from app.review.board import board_figures

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
DAY = datetime(2026, 11, 20, tzinfo=UTC)
SHIFT = datetime(2026, 11, 20, 14, tzinfo=UTC)
STATIONS = [f"D{n:02d}" for n in range(1, 21)]
OPERATORS = 40
PRODUCTS = 2000
GRADES = ["A", "B", "C", "D", "Salvage"]
DISPOSITIONS = ["restock", "open_box", "refurbish", "repair", "rtv", "liquidate", "recycle", "destroy", "quarantine"]
CAUSES = ["unknown_item", "serial_mismatch", "no_rma_high_value", "no_rule", "recalled"]
ITEM_COLUMNS = ("id, lpn, station_id, operator_id, scanned_code, product_id, category, checklist_id, "
                "checklist_version, answers, answer_order, claimed_reason, found_reasons, flags, grade, disposition, "
                "grade_rules, disposition_rules, status, created_at, updated_at, finalized_at, version, "
                "exception_cause, exception_resolved_at")
PRODUCT_COLUMNS = ("id, sku, description, category, unit_value_cents, vendor, vendor_rtv, warranty_days, serialized, "
                   "hazmat, data_bearing, updated_at")
AUDIT_COLUMNS = "at, station_id, operator_id, action, item_id, detail"
PG_ADMIN = os.environ.get("RETURNS_DESK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def items(today: int, history: int) -> Iterator[tuple[Any, ...]]:
    """Today's items spread from 06:00 to now; history over the year before; 2 % held, today's still open."""
    rng = random.Random(10)
    rules = json.dumps([{"id": "bench", "why": "bench"}])
    span = (NOW - DAY.replace(hour=6)).total_seconds()
    for n in range(today + history):
        if n < today:
            at = DAY.replace(hour=6) + timedelta(seconds=span * n / today)
        else:
            at = DAY - timedelta(seconds=rng.randint(60, 365 * 86400))
        held = rng.random() < 0.02
        disposition = "quarantine" if held and rng.random() < 0.5 else rng.choice(DISPOSITIONS[:-1])
        resolved = at if held and n >= today and rng.random() < 0.95 else None
        yield (uuid.UUID(int=rng.getrandbits(128)), f"LP-{STATIONS[n % 20]}-{n:08d}", STATIONS[n % 20],
               1 + n % OPERATORS, "x", 1 + n % PRODUCTS, "general", "general", 1, "{}", "[]", "", "[]", "[]",
               rng.choice(GRADES), disposition, rules, rules, "voided" if rng.random() < 0.003 else "final",
               at, at, at, 1, rng.choice(CAUSES) if held else None, resolved)


def audit_rows(today: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(11)
    for n in range(today + today // 50):
        action = "finalized" if n < today else rng.choice(["voided", "reprinted", "reprinted"])
        at = DAY.replace(hour=6) + timedelta(seconds=rng.randint(0, int((NOW - DAY).total_seconds()) - 6 * 3600))
        yield (at, STATIONS[n % 20], 1 + n % OPERATORS, action, None, "")


def master_rows() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    operators = [(i, f"B{1000 + i}", f"Operator {i}", "worker", True, 0, NOW) for i in range(1, OPERATORS + 1)]
    products = [(i, f"BX-{i:06d}", f"Bench product {i}", "general", 500 + (i * 37) % 90000, "", False, 0, False,
                 False, False, NOW) for i in range(1, PRODUCTS + 1)]
    return operators, products


def load_sqlite(path: Path, today: int, history: int) -> Database:
    import sqlite3

    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    operators, products = master_rows()
    conn.executemany("INSERT INTO operator (id, badge, name, role, active, failed_pins, updated_at) "
                     "VALUES (?,?,?,?,?,?,?)", [(*o[:-1], _text(o[-1])) for o in operators])
    conn.executemany(f"INSERT INTO product ({PRODUCT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",  # noqa: S608
                     [(*p[:-1], _text(p[-1])) for p in products])
    marks = ",".join("?" * 25)
    conn.executemany(f"INSERT INTO return_item ({ITEM_COLUMNS}) VALUES ({marks})",  # noqa: S608 - constants
                     (_sqlite_row(r) for r in items(today, history)))
    conn.executemany(f"INSERT INTO audit_event ({AUDIT_COLUMNS}) VALUES (?,?,?,?,?,?)",  # noqa: S608
                     ((_text(r[0]), *r[1:]) for r in audit_rows(today)))
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return db


def _text(at: datetime | None) -> str | None:
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds") if at else None


def _sqlite_row(r: tuple[Any, ...]) -> tuple[Any, ...]:
    return (r[0].hex, *r[1:19], _text(r[19]), _text(r[20]), _text(r[21]), r[22], r[23], _text(r[24]))


@contextmanager
def postgres(today: int, history: int) -> Iterator[Database]:
    admin = create_engine(make_url(PG_ADMIN), isolation_level="AUTOCOMMIT")
    name = f"rd_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))  # a generated name, never input
    db = Database(make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False))
    try:
        migrate.upgrade(db)
        _copy_postgres(db, today, history)
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _copy_postgres(db: Database, today: int, history: int) -> None:
    operators, products = master_rows()
    raw = db.engine.raw_connection()
    try:
        cur: Any = raw.cursor()
        for table, columns, rows in (
                ("operator", "id, badge, name, role, active, failed_pins, updated_at", operators),
                ("product", PRODUCT_COLUMNS, products),
                ("return_item", ITEM_COLUMNS, items(today, history)),
                ("audit_event", AUDIT_COLUMNS, audit_rows(today))):
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


# The floor: the same aggregates as plain SQL on the driver connection, no ORM, no Python-side assembly.
RAW_SQLITE = [
    "SELECT station_id, operator_id, substr(finalized_at, 1, 13) AS h, count(*), "
    "sum(CASE WHEN finalized_at >= :shift THEN 1 ELSE 0 END), sum(CASE WHEN finalized_at >= :hour THEN 1 ELSE 0 END),"
    " max(finalized_at) FROM return_item WHERE status = 'final' AND finalized_at >= :day GROUP BY 1, 2, 3",
    "SELECT grade, disposition, r.category, count(*), coalesce(sum(p.unit_value_cents), 0) FROM return_item r "
    "LEFT JOIN product p ON p.id = r.product_id WHERE status = 'final' AND finalized_at >= :day GROUP BY 1, 2, 3",
    "SELECT exception_cause, count(*) FROM return_item WHERE status = 'final' AND exception_cause IS NOT NULL AND "
    "exception_resolved_at IS NULL GROUP BY 1",
    "SELECT finalized_at, lpn FROM return_item WHERE status = 'final' AND exception_cause IS NOT NULL AND "
    "exception_resolved_at IS NULL AND disposition = 'quarantine' ORDER BY finalized_at LIMIT 1",
    "SELECT action, count(*) FROM audit_event WHERE action IN ('voided', 'reprinted') AND at >= :day GROUP BY 1",
]
RAW_POSTGRES = [RAW_SQLITE[0].replace("substr(finalized_at, 1, 13)",
                                      "to_char(finalized_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"),
                *RAW_SQLITE[1:]]


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm-up: caches and the plan
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def measure(db: Database, raw_sql: list[str], runs: int) -> dict[str, tuple[float, float]]:
    def board() -> object:
        with db.unit_of_work(read_only=True) as uow:
            return board_figures(uow, NOW, DAY, SHIFT)

    sqlite = db.engine.dialect.name == "sqlite"
    params = {"day": _text(DAY) if sqlite else DAY, "shift": _text(SHIFT) if sqlite else SHIFT,
              "hour": _text(NOW - timedelta(hours=1)) if sqlite else NOW - timedelta(hours=1)}

    def raw() -> object:
        with db.engine.connect() as conn:
            return [conn.execute(text(sql), params).all() for sql in raw_sql]

    figures = board()
    assert figures.graded_today > 0  # type: ignore[attr-defined]
    return {"board_figures": timed(board, runs), "raw SQL floor": timed(raw, runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=int, default=50_000)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(f"board: {args.today:,} items today across {len(STATIONS)} stations + {args.history:,} history")
    for engine in args.engines.split(","):
        start = time.perf_counter()
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                db = load_sqlite(Path(folder) / "board.db", args.today, args.history)
                _report(engine, time.perf_counter() - start, measure(db, RAW_SQLITE, args.runs))
                db.dispose()
        else:
            with postgres(args.today, args.history) as db:
                _report(engine, time.perf_counter() - start, measure(db, RAW_POSTGRES, args.runs))


def _report(engine: str, load_s: float, figures: dict[str, tuple[float, float]]) -> None:
    print(f"{engine} (loaded in {load_s:.0f} s)")
    for name, (p50, p95) in figures.items():
        print(f"  {name:<16} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    ratio = figures["board_figures"][0] / figures["raw SQL floor"][0]
    print(f"  board / floor p50: {ratio:.2f}x")


if __name__ == "__main__":
    main()
