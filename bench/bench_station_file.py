"""Issue 12: a realistic station file, and scan -> card and finalize on it in station mode (outbox on).

The file is what station D01 would hold after `--items` graded items: its own items with their LPNs, the audit
events, print jobs, totes and outbox rows the real services write. One working day (`--day-items`, default 500)
is run through the real services on a fresh station-mode file: sign-in, scan, every question answered, save
(finalize: LPN, audit event, tote, relabel + slip jobs), the tote scanned to confirm it, a tote closed at 40
items (manifest, next tote and its label), the print loop marking every job printed (render and send stubbed: the
database writes are the real ones). That day is then cloned, one clone per earlier day, with new ids, LPNs,
tote numbers, dates and outbox keys (in the columns and inside the JSON payloads), every outbox row marked sent.
Not rewritten: the base64 document inside a print job's outbox payload (opaque to the station). A day's totes
still open at its end are closed in every clone but the newest, which keeps the station's open totes.

Run: `python -m bench.bench_station_file [--items 1000000] [--products 1000000] [--samples 300]`. The file is
cached in bench/out/ (about 7 GB for 1M items; building it takes minutes). Prints the figures and writes
bench/out/station_file.json.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import random
import re
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.datasets import OUT, gtin13, insert_products

STATION = "D01"
TOTE_SIZE = 40
TABLES = ("container", "return_item", "print_job", "audit_event", "outbox")  # insert order (references first)


class DayClock:
    """The sample day's clock: a worker's pace, one item a minute from 06:00."""

    def __init__(self, day: date) -> None:
        self.at = datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".station-id"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def sample_day(path: Path, day: date, items: int) -> None:
    """One working day of station D01 through the real services, on a new station-mode file."""
    from app.db import migrate
    from app.db.uow import Database
    from app.demo import load_demo_master_data
    from app.services.context import StationContext
    from app.services.desk import Desk
    from app.sync.outbox import enable_outbox
    from tests.helpers import answer_all

    _remove(path)
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    load_demo_master_data(db)
    enable_outbox(db)
    clock = DayClock(day)
    desk = Desk(db, StationContext(STATION, _configuration(), clock=clock, local_today=lambda: day))
    printer = _StubbedPrinter(db, desk.ctx)
    operator = desk.sign_in("B1001", "1111")
    gtins, rng = _plain_gtins(db), random.Random(7)
    for n in range(items):
        clock.at += timedelta(seconds=60)
        item = answer_all(desk, desk.start_intake(operator, desk.classify(rng.choice(gtins))),  # type: ignore[arg-type]
                          pick=rng.choice((1, 1, 1, 2, 3)))
        saved = desk.save_item(operator, item.id)
        assert saved.tote is not None
        tote = desk.confirm_tote(operator, item.id, saved.tote.code)
        if tote.items >= TOTE_SIZE:
            desk.close_tote(operator, tote.code)
        if n % 20 == 19:
            printer.process_due()
    printer.process_due()
    db.dispose()


class _StubbedPrinter:
    """The real print loop (claim, 'sending', 'printed', each in its commit) with rendering and sending stubbed."""

    def __init__(self, db: Any, ctx: Any) -> None:
        from app.services.print_loop import PrintQueue

        class Queue(PrintQueue):
            def render(self, job: Any) -> bytes:
                return b"stub"

        self.queue = Queue(db, ctx)

    def process_due(self) -> int:
        return self.queue.process_due(sender=lambda printer, payload, name: None)


def _configuration() -> Any:
    from app.config import Settings
    from app.wiring import load_site_configuration

    return load_site_configuration(Settings(sound=False))


def _plain_gtins(db: Any) -> list[str]:
    from sqlalchemy import select

    from app.db.models import Product

    with db.unit_of_work() as uow:
        return [str(g) for g in uow.session.scalars(
            select(Product.gtin).where(Product.serialized.is_(False), Product.gtin.is_not(None)))]


# --- cloning a day -------------------------------------------------------------------------------------------

TOKEN = re.compile(
    r"(?P<dashed>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"|(?P<hex>(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f]))"
    rf"|LP-{STATION}-(?P<lpn>\d{{7}})"
    rf"|TOTE-{STATION}-(?P<tote>\d{{5}})"
    r"|\"container_id\": (?P<container>\d+)"
    rf"|^{STATION}:(?P<audit>\d+)$"
    r"|(?P<date>\d{4}-\d{2}-\d{2})"
)
Part = str | tuple[str, str]


@dataclass(frozen=True)
class Spans:
    """How far each clone moves the numbers: one day's worth of each."""

    lpn: int
    tote: int
    container: int
    audit: int
    outbox: int


def _compile_text(text: str) -> list[Part] | str:
    parts: list[Part] = []
    at = 0
    for match in TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        parts.append(text[at:match.start()])
        parts.append((kind, match.group(kind)))
        at = match.end()
    if not parts:
        return text
    parts.append(text[at:])
    return parts


class Clone:
    """The replacements of one clone (day `index`): every token of the sample day mapped once, then cached."""

    def __init__(self, index: int, spans: Spans, sample_day: str, day: date, mask: int) -> None:
        self.index, self.spans, self.sample_day, self.day = index, spans, sample_day, day.isoformat()
        self.mask = mask  # a clone's own: a UUID's first 32 bits XOR this stay uniformly random, and unique
        self.cache: dict[tuple[str, str], str] = {}

    def token(self, kind: str, text: str) -> str:
        key = (kind, text)
        done = self.cache.get(key)
        if done is None:
            done = self.cache[key] = self._replace(kind, text)
        return done

    def _replace(self, kind: str, text: str) -> str:
        if kind in ("dashed", "hex"):  # random ids stay random (new ones land anywhere in their index, as in life)
            return f"{int(text[:8], 16) ^ self.mask:08x}" + text[8:]
        if kind == "date":
            return self.day if text == self.sample_day else text
        number = int(text)
        if kind == "lpn":
            return f"LP-{STATION}-{number + self.index * self.spans.lpn:07d}"
        if kind == "tote":
            return f"TOTE-{STATION}-{number + self.index * self.spans.tote:05d}"
        if kind == "container":
            return f'"container_id": {number + self.index * self.spans.container}'
        return f"{STATION}:{number + self.index * self.spans.audit}"

    def text(self, parts: list[Part]) -> str:
        return "".join(p if isinstance(p, str) else self.token(*p) for p in parts)


Cell = Callable[[Clone], Any]


def _cell(table: str, column: str, value: Any) -> Any:
    """A template value compiled once: a constant, or a function of the clone."""
    offsets = {("audit_event", "id"): "audit", ("container", "id"): "container", ("outbox", "id"): "outbox",
               ("return_item", "container_id"): "container", ("print_job", "container_id"): "container"}
    if isinstance(value, int) and (table, column) in offsets:
        span = offsets[(table, column)]
        return lambda clone: value + clone.index * getattr(clone.spans, span)
    if isinstance(value, bytes):
        try:
            parts = _compile_text(value.decode("utf-8"))
        except UnicodeDecodeError:
            return value
        return value if isinstance(parts, str) else (lambda clone: clone.text(parts).encode("utf-8"))
    if isinstance(value, str):
        parts = _compile_text(value)
        return value if isinstance(parts, str) else (lambda clone: clone.text(parts))
    return value


@dataclass
class TemplateTable:
    name: str
    columns: list[str]
    rows: list[list[Any]]
    open_totes: set[int]  # row numbers of the day's totes still open at its end (container only)

    def insert_sql(self) -> str:
        return f"INSERT INTO {self.name} ({', '.join(self.columns)}) VALUES ({', '.join('?' * len(self.columns))})"  # noqa: S608


def read_template(path: Path) -> tuple[dict[str, TemplateTable], Spans]:
    conn = sqlite3.connect(path)
    tables = {}
    for name in TABLES:
        cursor = conn.execute(f"SELECT * FROM {name} ORDER BY rowid")  # noqa: S608 - a fixed table name
        columns = [d[0] for d in cursor.description]
        raw = cursor.fetchall()
        rows = [[_cell(name, col, value) for col, value in zip(columns, row, strict=True)] for row in raw]
        open_rows = ({i for i, row in enumerate(raw) if row[columns.index("status")] == "open"}
                     if name == "container" else set())
        tables[name] = TemplateTable(name, columns, rows, open_rows)
    spans = Spans(
        lpn=conn.execute("SELECT next_lpn - 1 FROM station_counter WHERE station_id = ?", (STATION,)).fetchone()[0],
        tote=int(conn.execute("SELECT max(code) FROM container").fetchone()[0].rsplit("-", 1)[1]),
        container=conn.execute("SELECT max(id) FROM container").fetchone()[0],
        audit=conn.execute("SELECT max(id) FROM audit_event").fetchone()[0],
        outbox=conn.execute("SELECT max(id) FROM outbox").fetchone()[0],
    )
    conn.close()
    return tables, spans


def cloned_rows(table: TemplateTable, clone: Clone, newest: bool) -> Iterator[tuple[Any, ...]]:
    status = table.columns.index("status") if table.name == "container" else -1
    sent = table.columns.index("sent_at") if table.name == "outbox" else -1
    created = table.columns.index("created_at") if table.name == "outbox" else -1
    for number, row in enumerate(table.rows):
        values = [cell(clone) if callable(cell) else cell for cell in row]
        if number in table.open_totes and not newest:  # the next day goes on in new totes
            values[status] = "closed"
            values[table.columns.index("closed_at")] = f"{clone.day} 23:00:00.000000"
            values[table.columns.index("closed_by")] = 1
        if sent >= 0 and values[sent] is None:  # the station had pushed it
            values[sent] = values[created]
        yield tuple(values)


def build_station_file(items: int, products: int, day_items: int, out: Path = OUT) -> Path:
    path = out / f"station-{items}-{products}.db"
    if path.exists():
        return path
    out.mkdir(parents=True, exist_ok=True)
    template = out / f"station-day-{day_items}.db"
    today = datetime.now(UTC).date()
    if not template.exists():
        t = time.perf_counter()
        sample_day(template.with_suffix(".tmp"), today, day_items)
        template.with_suffix(".tmp").rename(template)
        Path(str(template.with_suffix(".tmp")) + ".station-id").unlink(missing_ok=True)
        print(f"sample day: {day_items} items through the real services ({time.perf_counter() - t:.0f} s)")
    tmp = path.with_suffix(".tmp")
    _remove(tmp)
    tmp.write_bytes(template.read_bytes())
    _clone_days(template, tmp, -(-items // day_items))
    _add_catalog(tmp, products)
    tmp.rename(path)
    _heal(path)
    return path


def _clone_days(template: Path, target: Path, days: int) -> None:
    tables, spans = read_template(template)
    sample = sqlite3.connect(template).execute("SELECT min(substr(at, 1, 10)) FROM audit_event").fetchone()[0]
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    conn.execute("BEGIN")
    for name in TABLES:
        conn.execute(f"DELETE FROM {name}")  # noqa: S608 - the sample day itself becomes the newest clone
    indexes = [(name, sql) for name, sql, table in conn.execute(
        "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL") if table in TABLES]
    for name, _sql in indexes:
        conn.execute(f"DROP INDEX {name}")
    t, rows = time.perf_counter(), 0
    newest_day = datetime.fromisoformat(sample).date() - timedelta(days=1)
    masks = random.Random(5).sample(range(1, 2**32), days)  # distinct, so two clones never share an id
    for index in range(days):
        clone = Clone(index, spans, sample, newest_day - timedelta(days=days - 1 - index), masks[index])
        for name in TABLES:
            table = tables[name]
            batch = list(cloned_rows(table, clone, newest=index == days - 1))
            conn.executemany(table.insert_sql(), batch)
            rows += len(batch)
        if index % 100 == 99:
            print(f"  {index + 1}/{days} days, {rows:,} rows, {time.perf_counter() - t:.0f} s")
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("UPDATE station_counter SET next_lpn = ? WHERE station_id = ?", (days * spans.lpn + 1, STATION))
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    print(f"cloned {days} days: {rows:,} rows in {time.perf_counter() - t:.0f} s")


def _add_catalog(path: Path, products: int) -> None:
    """The catalog pulled from the central database: `products` more products beside the demo ones."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    insert_products(conn, products)
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _heal(path: Path) -> None:
    """What the station's start-up does: the LPN counter checked against the records, the side file written."""
    from app.db.uow import Database
    from app.services.finalize import heal_lpn_counter

    db = Database(f"sqlite:///{path}")
    with db.unit_of_work() as uow:
        heal_lpn_counter(uow, STATION)
    db.dispose()


def row_mix(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    mix = {name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # noqa: S608
           for name in (*TABLES, "product")}
    conn.close()
    mix["file_mb"] = path.stat().st_size // 1_000_000
    return mix


# --- the benchmark -------------------------------------------------------------------------------------------


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": statistics.median(samples), "p95_ms": pct(samples, 95), "max_ms": max(samples),
            "n": len(samples)}


class Floors:
    """Floors measured in the same loop: a bare WAL commit (synchronous=FULL) beside the station file, and a raw
    indexed GTIN lookup in the station file."""

    def __init__(self, station: Path) -> None:
        self.path = station.with_name("floor.db")
        _remove(self.path)
        self.commit_conn = sqlite3.connect(self.path, isolation_level=None)
        self.commit_conn.execute("PRAGMA journal_mode=WAL")
        self.commit_conn.execute("PRAGMA synchronous=FULL")
        self.commit_conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")
        self.lookup_conn = sqlite3.connect(station)

    def commit(self) -> float:
        t = time.perf_counter()
        self.commit_conn.execute("BEGIN")
        self.commit_conn.execute("INSERT INTO t (payload) VALUES ('row')")
        self.commit_conn.execute("COMMIT")
        return (time.perf_counter() - t) * 1000

    def lookup(self, gtin: str) -> float:
        t = time.perf_counter()
        self.lookup_conn.execute("SELECT * FROM product WHERE gtin = ?", (gtin,)).fetchone()
        return (time.perf_counter() - t) * 1000

    def close(self) -> None:
        self.commit_conn.close()
        self.lookup_conn.close()
        _remove(self.path)


def _wal_waiting(path: Path) -> int:
    from app.db.engine import wal_pages_waiting

    return wal_pages_waiting(path)


SLOW_MS = 20.0


def _read_bytes() -> int:
    """What this process has read from the disk itself (not from the page cache), Linux only (else 0)."""
    try:
        with open("/proc/self/io") as io:
            return next(int(line.split()[1]) for line in io if line.startswith("read_bytes:"))
    except (OSError, StopIteration):
        return 0


class GcWatch:
    """Python's collections during the timed saves: how many of each generation and the longest full pass."""

    def __init__(self) -> None:
        self.on = False
        self.started = 0.0
        self.counts = [0, 0, 0]
        self.full_ms: list[float] = []
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if not self.on:
            return
        if phase == "start":
            self.started = time.perf_counter()
            return
        self.counts[info["generation"]] += 1
        if info["generation"] == 2:
            self.full_ms.append((time.perf_counter() - self.started) * 1000)

    def results(self) -> dict[str, Any]:
        return {"collections_by_generation": self.counts, "full_passes_ms": [round(t, 1) for t in self.full_ms]}


class Station:
    """The station's own calls on the file, outbox on, interleaved with the floors: scan -> card (classify +
    start_intake, the database part of it), save (finalize + its tote, what the station calls), then what
    the worker does next (confirm the tote, close it at 40 items: timed apart) and the print loop, untimed."""

    def __init__(self, path: Path, profile: Any = None, checkpoint_aside: bool = False, cache_mb: int = 0,
                 tune: bool = True) -> None:
        from sqlalchemy import event

        from app.db.uow import Database
        from app.services.context import StationContext
        from app.services.desk import Desk
        from app.sync.outbox import enable_outbox

        self.path, self.profile, self.checkpoint_aside = path, profile, checkpoint_aside
        self.db = Database(f"sqlite:///{path}")
        if checkpoint_aside:  # an experiment: WAL checkpoints between items (as a background thread would do)
            event.listen(self.db.engine, "connect", lambda conn, _record: conn.execute("PRAGMA wal_autocheckpoint=0"))
        if cache_mb:  # an experiment: SQLite's page cache per connection (its default is 2 MB)
            event.listen(self.db.engine, "connect",
                         lambda conn, _record: conn.execute(f"PRAGMA cache_size=-{cache_mb * 1024}"))
        enable_outbox(self.db)
        self.desk = Desk(self.db, StationContext(STATION, _configuration()))
        self.printer, self.floors = _StubbedPrinter(self.db, self.desk.ctx), Floors(path)
        self.operator = self.desk.sign_in("B1001", "1111")
        self.statements: list[str] = []
        event.listen(self.db.engine, "before_cursor_execute", lambda *args: self.statements.append(args[2]))
        self.times: dict[str, list[float]] = {k: [] for k in ("commit_floor", "lookup_floor", "scan", "save",
                                                              "save_cpu", "save_commit")}
        self.last_cpu = 0.0
        self.counts: dict[str, list[int]] = {"scan": [], "save": []}
        self.closes: list[float] = []
        self.checkpointed: list[float] = []
        if tune:  # what the station's window sets once start-up is done (ui/main.tune_runtime)
            from app.gc_policy import tune_runtime

            tune_runtime()
        self.gc = GcWatch()
        # The commit's own time (SQLite's COMMIT: the WAL written and fsynced) in each save, to tell a slow disk
        # from slow Python when a save is long.
        self.commit_started = self.commit_ms = 0.0
        event.listen(self.db.engine, "commit", lambda _conn: setattr(self, "commit_started", time.perf_counter()))
        event.listen(self.db.sessions, "after_commit", lambda _session: setattr(
            self, "commit_ms", (time.perf_counter() - self.commit_started) * 1000))
        self.slow: list[dict[str, float]] = []  # the saves over 20 ms: wall, CPU, commit

    def _timed(self, call: Callable[[], Any], profile: bool = False) -> tuple[Any, float, int]:
        self.statements.clear()
        if profile and self.profile is not None:
            self.profile.enable()
        t, cpu = time.perf_counter(), time.process_time()
        result = call()
        elapsed = (time.perf_counter() - t) * 1000
        self.last_cpu = (time.process_time() - cpu) * 1000  # this process's CPU: less swayed by the machine's load
        if profile and self.profile is not None:
            self.profile.disable()
        return result, elapsed, len(self.statements)

    def item(self, gtin: str, keep: bool) -> None:
        from tests.helpers import answer_all

        desk, operator = self.desk, self.operator
        floor_commit, floor_lookup = self.floors.commit(), self.floors.lookup(gtin)
        item, scan_ms, scan_count = self._timed(lambda: desk.start_intake(operator, desk.classify(gtin)))
        item = answer_all(desk, item)
        waiting, read_before = _wal_waiting(self.path), _read_bytes()
        self.gc.on = keep
        saved, save_ms, save_count = self._timed(lambda: desk.save_item(operator, item.id), profile=True)
        self.gc.on = False
        read_kb = (_read_bytes() - read_before) // 1024
        if keep:
            for key, value in (("commit_floor", floor_commit), ("lookup_floor", floor_lookup), ("scan", scan_ms),
                               ("save", save_ms), ("save_cpu", self.last_cpu), ("save_commit", self.commit_ms)):
                self.times[key].append(value)
            self.counts["scan"].append(scan_count)
            self.counts["save"].append(save_count)
            if save_ms > SLOW_MS:
                self.slow.append({"wall_ms": round(save_ms, 1), "cpu_ms": round(self.last_cpu, 1),
                                  "commit_ms": round(self.commit_ms, 1), "disk_read_kb": read_kb})
            if _wal_waiting(self.path) < waiting:  # its commit ran SQLite's automatic checkpoint
                self.checkpointed.append(save_ms)
        tote = desk.confirm_tote(operator, item.id, saved.tote.code)
        if tote.items >= TOTE_SIZE:  # closing opens the next tote: its number is found then
            self.closes.append(self._timed(lambda: desk.close_tote(operator, tote.code))[1])

    def between_items(self) -> None:
        self.printer.process_due()
        if self.checkpoint_aside:
            self.floors.lookup_conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        self.floors.close()
        self.db.dispose()

    def results(self) -> dict[str, Any]:
        results: dict[str, Any] = {key: summary(values) for key, values in self.times.items()}
        results["close_tote"] = _few(self.closes)
        results["save_with_checkpoint"] = _few(self.checkpointed)
        results["gc"] = self.gc.results()
        results["saves_over_20_ms"] = self.slow
        results["statements"] = {key: {"min": min(v), "max": max(v), "median": statistics.median(v)}
                                 for key, v in self.counts.items()}
        results["ratios"] = {
            "save p95 / bare commit p95": results["save"]["p95_ms"] / results["commit_floor"]["p95_ms"],
            "scan p95 / raw lookup p95": results["scan"]["p95_ms"] / results["lookup_floor"]["p95_ms"],
        }
        return results


def _few(samples: list[float]) -> dict[str, float]:
    return {"n": len(samples), "median_ms": statistics.median(samples) if samples else 0.0,
            "max_ms": max(samples, default=0.0)}


def run(path: Path, products: int, samples: int, profile: Any = None, checkpoint_aside: bool = False,
        cache_mb: int = 0, tune: bool = True) -> dict[str, Any]:
    station = Station(path, profile, checkpoint_aside, cache_mb, tune)
    rng = random.Random(11)
    demo = _plain_gtins(station.db)
    for n in range(samples + 10):  # 10 warm-up items
        # Half the scans are catalog products never seen before, half the demo products (with history).
        station.item("0" + gtin13(rng.randrange(products)) if n % 2 and products else rng.choice(demo), n >= 10)
        if n % 20 == 19:
            station.between_items()
    station.close()
    return station.results()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--day-items", type=int, default=500)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the saves (slower: not for figures)")
    parser.add_argument("--checkpoint-aside", action="store_true",
                        help="no WAL checkpoint inside a commit: one every 20 items between them instead")
    parser.add_argument("--cache-mb", type=int, default=0, help="SQLite page cache per connection (default 2 MB)")
    parser.add_argument("--no-tune", action="store_true",
                        help="without the station's runtime settings (app/gc_policy.tune_runtime: gc.freeze ...)")
    args = parser.parse_args()
    t = time.perf_counter()
    path = build_station_file(args.items, args.products, args.day_items)
    mix = row_mix(path)
    print(f"station file {path.name} ready ({time.perf_counter() - t:.0f} s): {json.dumps(mix)}")
    if args.build_only:
        return
    profile = cProfile.Profile() if args.profile else None
    results = run(path, args.products, args.samples, profile, args.checkpoint_aside, args.cache_mb, not args.no_tune)
    results["checkpoint_aside"], results["cache_mb"] = args.checkpoint_aside, args.cache_mb
    if profile is not None:
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    results["file"] = mix
    print(f"\n{'measure':16} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for key in ("commit_floor", "lookup_floor", "scan", "save", "save_cpu", "save_commit"):
        figures = results[key]
        print(f"{key:16} {figures['p50_ms']:8.2f} {figures['p95_ms']:8.2f} {figures['max_ms']:8.2f}")
    print(f"close tote (opens the next): {results['close_tote']}")
    print(f"saves whose commit ran a WAL checkpoint: {results['save_with_checkpoint']}")
    print(f"statements: {results['statements']}")
    print(f"garbage collections during the saves: {results['gc']}")
    print(f"saves over {SLOW_MS:.0f} ms: {results['saves_over_20_ms']}")
    for name, ratio in results["ratios"].items():
        print(f"{name:30} {ratio:7.1f}x")
    (OUT / "station_file.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
