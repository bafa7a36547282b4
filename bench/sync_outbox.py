"""A station's real outbox, at any size: a sample of items graded by the real services, cloned.

The sample runs the station flow (scan, answer, finalize, confirm the tote) on a station in station mode, so
its outbox holds what a dock writes for an item: two item versions, three audit events, two print jobs and the
odd tote. Copies of the sample get fresh ids (item and job UUIDs, LPNs, tote codes, audit keys) by rewriting
the stored JSON text, so every copy is a new set of records with the same shape and size.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Table, create_engine, select
from sqlalchemy.engine import make_url

from app.db import migrate
from app.db.models import UTCDateTime
from app.db.uow import Database
from app.domain.rules_check import load_configuration
from app.sync.batch import AUDIT, CONTAINER, ITEM, JOB
from app.sync.codec import is_binary
from app.sync.outbox import new_change_id
from app.sync.push import _columns_of, copy_json_rows
from tests.integration.stations import grade, new_station, plain_gtins

STATION = "D01"
TOKENS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                    rf"|LP-{STATION}-\d{{7}}|TOTE-{STATION}-\d{{5}}")


class _Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


@dataclass(frozen=True)
class OutboxRow:
    entity: str
    key: str
    payload: str  # the JSON text as the outbox writer stored it


def sample_outbox(central: Database, items: int) -> list[OutboxRow]:
    """Grade `items` items through the real services (central has the master data) and return the outbox."""
    with tempfile.TemporaryDirectory() as tmp:
        desk = new_station(Path(tmp), central, STATION, load_configuration(), _Clock())
        worker = desk.sign_in("B1001", "1111")
        gtins = plain_gtins(desk.db, min(items, 40))
        for n in range(items):
            item = grade(desk, worker, gtins[n % len(gtins)])
            tote = desk.tote_of_item(item.id)
            if tote is not None:
                desk.confirm_tote(worker, item.id, tote.code)
        with desk.db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            rows = [OutboxRow(e, k, p) for e, k, p in
                    raw.execute("SELECT entity, entity_key, payload FROM outbox ORDER BY id")]
        desk.db.dispose()
    return rows


def mix(rows: list[OutboxRow], items: int) -> dict[str, float]:
    counts = Counter(r.entity for r in rows)
    return {**{k: v / items for k, v in sorted(counts.items())}, "rows": len(rows) / items,
            "bytes": sum(len(r.payload) for r in rows) / items}


def clones(sample: list[OutboxRow], copies: int) -> Iterator[OutboxRow]:
    """`copies` copies of the sample, each with its own ids; LPNs and tote codes numbered on from the sample's."""
    lpns = sorted({m for r in sample for m in re.findall(rf"LP-{STATION}-\d{{7}}", r.payload)})
    totes = sorted({m for r in sample for m in re.findall(rf"TOTE-{STATION}-\d{{5}}", r.payload + r.key)})
    audits = sum(1 for r in sample if r.entity == "audit_event")
    for copy in range(copies):
        fresh: dict[str, str] = {}

        def new(match: re.Match[str], copy: int = copy, fresh: dict[str, str] = fresh) -> str:
            token = match.group(0)
            if token not in fresh:
                if token.startswith("LP-"):
                    fresh[token] = f"LP-{STATION}-{copy * len(lpns) + lpns.index(token) + 1:07d}"
                elif token.startswith("TOTE-"):
                    fresh[token] = f"TOTE-{STATION}-{copy * len(totes) + totes.index(token) + 1:05d}"
                else:
                    fresh[token] = str(uuid.uuid4())
            return fresh[token]

        for row in sample:
            if row.entity == "audit_event":
                number = int(row.key.partition(":")[2])
                key = f"{STATION}:{copy * audits + number}"
            else:
                key = TOKENS.sub(new, row.key)
            yield OutboxRow(row.entity, key, TOKENS.sub(new, row.payload))


def fill_outbox(local: Database, rows: list[OutboxRow]) -> None:
    """Write the rows as the station's waiting outbox (raw sqlite3, in the formats SQLAlchemy stores), with change
    ids as the outbox writer makes them (time-ordered, app/sync/outbox.py new_change_id)."""
    created = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    with local.engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        raw.execute("DELETE FROM outbox")
        raw.executemany(
            "INSERT INTO outbox (change_id, entity, entity_key, payload, created_at, attempts) "
            "VALUES (?, ?, ?, ?, ?, 0)",
            ((new_change_id().hex, r.entity, r.key, r.payload, created) for r in rows))


def station_file(path: Path) -> Database:
    local = Database(f"sqlite:///{path}")
    migrate.upgrade(local)
    return local


def final_records(rows: list[OutboxRow]) -> dict[str, list[dict[str, Any]]]:
    """What the central database holds after the push: the last version of every record, by entity."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    audits: list[dict[str, Any]] = []
    for row in rows:
        if row.entity == "audit_event":
            audits.append(json.loads(row.payload))
        else:
            latest[(row.entity, row.key)] = json.loads(row.payload)
    out: dict[str, list[dict[str, Any]]] = {"container": [], "return_item": [], "print_job": [], "audit_event": audits}
    for (entity, _), payload in latest.items():
        out[entity].append(payload)
    return out


def copy_floor(central: Database, records: dict[str, list[dict[str, Any]]]) -> float:
    """A raw PostgreSQL COPY of the same final rows into the same tables (totes first: the others refer to them)."""
    t = time.perf_counter()
    with central.engine.begin() as conn:
        copy_json_rows(conn, CONTAINER, [_columns_of(CONTAINER, p, {}) for p in records["container"]])
        codes = {str(code): int(cid) for code, cid in conn.execute(select(CONTAINER.c.code, CONTAINER.c.id))}
        for table in (ITEM, JOB, AUDIT):
            rows = [_columns_of(table, p, codes) for p in records[table.name]]
            if rows:
                copy_json_rows(conn, table, rows)
    return time.perf_counter() - t


def _mysql_text(kind: Any) -> Callable[[Any], str]:
    """One value as LOAD DATA's default text format (tab-separated, backslash escapes, \\N for NULL)."""
    def escaped(text: str) -> str:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")

    if isinstance(kind, (JSON,)):
        return lambda v: escaped(json.dumps(v))
    if isinstance(kind, UTCDateTime):
        return lambda v: v[:26].replace("T", " ").partition("+")[0]
    if isinstance(kind, Boolean):
        return lambda v: "1" if v else "0"
    return lambda v: escaped(str(v))


def load_data_floor(url: str, records: dict[str, list[dict[str, Any]]]) -> float:
    """MariaDB LOAD DATA LOCAL INFILE of the same final rows (the rows turned into its text format included)."""
    engine = create_engine(make_url(url).update_query_dict({"local_infile": "1"}))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            with engine.begin() as conn:
                _load(conn, CONTAINER, [_columns_of(CONTAINER, p, {}) for p in records["container"]], tmp)
                codes = {str(code): int(cid) for code, cid in conn.execute(select(CONTAINER.c.code, CONTAINER.c.id))}
                for table in (ITEM, JOB, AUDIT):
                    _load(conn, table, [_columns_of(table, p, codes) for p in records[table.name]], tmp)
            return time.perf_counter() - t
    finally:
        engine.dispose()


def _load(conn: Connection, table: Table, rows: list[dict[str, Any]], tmp: str) -> None:
    if not rows:
        return
    columns = [c for c in table.columns if c.name in rows[0]]
    texts = [_mysql_text(c.type) for c in columns]
    path = Path(tmp) / f"{table.name}.tsv"
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write("\t".join("\\N" if row.get(c.name) is None else f(row[c.name])
                                for c, f in zip(columns, texts, strict=True)))
            out.write("\n")
    q = conn.dialect.identifier_preparer.quote
    targets = [f"@{c.name}" if is_binary(table, c.name) else q(c.name) for c in columns]
    binary = [f"{q(c.name)} = FROM_BASE64(@{c.name})" for c in columns if is_binary(table, c.name)]
    conn.exec_driver_sql(
        f"LOAD DATA LOCAL INFILE %s INTO TABLE {q(table.name)} CHARACTER SET utf8mb4 "
        f"({', '.join(targets)})" + (f" SET {', '.join(binary)}" if binary else ""), (str(path),))
