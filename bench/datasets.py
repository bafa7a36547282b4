"""Large generated databases for the benchmarks: N products and M past graded records.

Rows go in through sqlite3 executemany on the migrated schema (the ORM would take minutes for a million
rows); the files are cached in bench/out/ and rebuilt when missing.
"""

from __future__ import annotations

import json
import random
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.db import migrate
from app.db.uow import Database
from app.demo import load_demo_master_data

OUT = Path(__file__).parent / "out"
CATEGORIES = ["electronics", "apparel", "small_appliances", "general"]


def gtin13(n: int) -> str:
    body = f"20{n:010d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def bench_db(products: int, items: int) -> Path:
    path = OUT / f"bench-{products}-{items}.db"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = Database(f"sqlite:///{tmp}")
    migrate.upgrade(db)
    load_demo_master_data(db)  # operators, demo RMAs and products, so the station can sign in
    db.dispose()
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    insert_products(conn, products)
    conn.commit()
    max_id = conn.execute("SELECT max(id) FROM product").fetchone()[0]
    conn.executemany(
        "INSERT INTO return_item (id, lpn, station_id, operator_id, scanned_code, product_id, category, "
        "checklist_id, checklist_version, answers, answer_order, claimed_reason, found_reasons, flags, grade, "
        "disposition, score, grade_rules, disposition_rules, status, created_at, updated_at, finalized_at, "
        "version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        _items(items, max_id),
    )
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    tmp.rename(path)
    return path


def insert_products(conn: sqlite3.Connection, products: int) -> None:
    """`products` generated catalog products (SKU BX-…, a valid GTIN each), as a pull from central leaves them."""
    now = datetime(2026, 11, 1, tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    conn.executemany(
        "INSERT INTO product (sku, gtin, description, category, unit_value_cents, vendor, vendor_rtv, "
        "warranty_days, serialized, hazmat, data_bearing, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        ((f"BX-{n:08d}", "0" + gtin13(n), f"Bench product {n}", CATEGORIES[n % 4], 500 + n % 50000,
          f"Vendor {n % 300}", n % 3 == 0, 365, False, False, False, now) for n in range(products)),
    )


def _items(count: int, max_product: int) -> Iterator[tuple[object, ...]]:
    rng = random.Random(3)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rules = json.dumps([{"id": "bench", "why": "bench"}])
    for n in range(count):
        at = (start + timedelta(seconds=n * 30)).strftime("%Y-%m-%d %H:%M:%S.%f")
        yield (uuid.UUID(int=rng.getrandbits(128)).hex, f"LP-H{n % 9:02d}-{n:07d}", f"H{n % 9:02d}", 1,
               "x", rng.randint(1, max_product), "general", "general", 1, "{}", "[]", "", "[]", "[]", "B",
               "open_box", 85, rules, rules, "final", at, at, at, 2)
