"""Catalog import and `demo load`: `python -m bench.bench_import [--rows N] [--runs 3] [--no-demo]`.

What is measured, each in a new process (peak RSS is the whole process's, interpreter and imports included):
- **raw floor**: `csv.reader` over the generated catalog and one sqlite3 `executemany` INSERT into the migrated
  product table (its indexes), values converted as little as the columns need, WAL + synchronous=FULL, one
  transaction; nothing checked.
- **import**: `returns-desk import catalog` as the CLI runs it (`import_catalog` on a fresh copy of the same
  migrated file): every value checked, duplicates looked for, all or nothing.
- **re-import**: the same file again onto the imported file: every row compared, none changed.
- Each is timed in wall-clock seconds and in CPU seconds of its process (less sensitive to the other sessions
  on a shared machine); the load average (1 min) around it is printed.
- **demo load**: `returns-desk --db FILE demo load` on a new file, wall time of the whole process; the fsync and
  fdatasync calls counted by `strace -f -c` in one more, separate run (strace slows the process down).
Runs interleave raw, import and re-import, so a change in the machine's load hits all three.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.datasets import CATEGORIES, OUT, gtin13

ROOT = Path(__file__).resolve().parent.parent
HEADER = ("sku,gtin,description,category,unit_value,vendor,vendor_rtv,warranty_days,serialized,hazmat,"
          "data_bearing,weight_g").split(",")
WORDS = ("Wireless", "Compact", "Steel", "Cordless", "Kids'", "Organic", "Smart", "Travel", "Pro", "Classic")
THINGS = ("headphones", "kettle", "jacket", "blender", "drill", "mug", "lamp", "backpack", "charger", "sneakers")


def catalog_csv(rows: int) -> Path:
    """A catalog of `rows` products (cached): all columns, realistic lengths, a GTIN on 90 % of them."""
    path = OUT / f"catalog-{rows}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(5)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for n in range(rows):
            writer.writerow((
                f"CAT-{n:08d}", "0" + gtin13(n) if n % 10 else "",
                f"{rng.choice(WORDS)} {rng.choice(THINGS)}, model {n % 9973}, {rng.choice(('black', 'grey', 'red'))}",
                CATEGORIES[n % 4], f"{rng.randint(1, 99999) / 100:.2f}", f"Vendor {n % 300}",
                "yes" if n % 3 == 0 else "no", (0, 90, 365, 730)[n % 4], "yes" if n % 7 == 0 else "no",
                "yes" if n % 97 == 0 else "no", "yes" if n % 11 == 0 else "no", rng.randint(50, 20000)))
    tmp.rename(path)
    return path


def template_db() -> Path:
    path = OUT / "import-template.db"
    if not path.exists():
        from app.db import migrate
        from app.db.uow import Database

        db = Database(f"sqlite:///{path}")
        migrate.upgrade(db)
        db.dispose()
    return path


def _raw(db: Path, source: Path) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("BEGIN IMMEDIATE")
    now = "2026-12-01 00:00:00.000000"
    yes = "yes"
    with source.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        conn.executemany(
            "INSERT INTO product (sku, gtin, description, category, unit_value_cents, vendor, vendor_rtv, "
            "warranty_days, serialized, hazmat, data_bearing, weight_g, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            ((r[0], r[1] or None, r[2], r[3], round(float(r[4]) * 100), r[5], r[6] == yes, int(r[7]), r[8] == yes,
              r[9] == yes, r[10] == yes, int(r[11]), now) for r in reader))
    conn.execute("COMMIT")
    conn.close()


def _import(db: Path, source: Path) -> str:
    from app.db.uow import Database
    from app.importing import import_catalog

    database = Database(f"sqlite:///{db}")
    try:
        return import_catalog(database, source).summary()
    finally:
        database.dispose()


def child(kind: str, db: Path, source: Path) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    summary = "raw" if kind == "raw" else _import(db, source)
    if kind == "raw":
        _raw(db, source)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "summary": summary}))


def _ratio(a: dict[str, float | str], b: dict[str, float | str], key: str) -> str:
    return f"{float(a[key]) / float(b[key]):.2f}x"


def _run_child(kind: str, db: Path, source: Path) -> dict[str, float | str]:
    load = os.getloadavg()[0]
    out = subprocess.run([sys.executable, "-m", "bench.bench_import", "--child", kind, str(db), str(source)],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    result: dict[str, float | str] = json.loads(out.strip().splitlines()[-1])
    result["load"] = max(load, os.getloadavg()[0])
    return result


def _demo(folder: Path, strace: bool = False) -> dict[str, float | str]:
    db = folder / f"demo-{time.monotonic_ns()}.db"
    command = [str(Path(sys.executable).with_name("returns-desk")), "--db", f"sqlite:///{db}", "demo", "load"]
    trace = folder / "strace.txt"
    if strace:
        command = ["strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", str(trace), *command]
    load = os.getloadavg()[0]
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    result: dict[str, float | str] = {"seconds": time.perf_counter() - start, "cpu": cpu,
                                      "load": max(load, os.getloadavg()[0])}
    if strace:
        calls = {line.split()[-1]: int(line.split()[3]) for line in trace.read_text().splitlines()
                 if line.strip().endswith(("fsync", "fdatasync")) and line.split()[3].isdigit()}
        result["syncs"] = json.dumps(calls)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "DB", "CSV"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    source, template = catalog_csv(args.rows), template_db()
    print(f"catalog {source.name}: {args.rows:,} rows, {source.stat().st_size / 1e6:.0f} MB; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        folder = Path(tmp)
        for run in range(1, args.runs + 1):
            raw_db, imp_db = folder / f"raw-{run}.db", folder / f"imp-{run}.db"
            shutil.copy(template, raw_db)
            shutil.copy(template, imp_db)
            raw = _run_child("raw", raw_db, source)
            first = _run_child("import", imp_db, source)
            again = _run_child("import", imp_db, source)
            for name, r in (("raw csv + executemany", raw), ("import", first), ("re-import unchanged", again)):
                print(f"run {run} {name:22s} {r['seconds']:7.2f} s wall {r['cpu']:7.2f} s cpu  "
                      f"peak {r['peak_mb']:4.0f} MB  "
                      f"load {r['load']:.2f}  {r['summary'] if name != 'raw csv + executemany' else ''}")
            print(f"run {run} wall: import / raw {_ratio(first, raw, 'seconds')}, re-import / raw "
                  f"{_ratio(again, raw, 'seconds')}; cpu: import / raw {_ratio(first, raw, 'cpu')}, "
                  f"re-import / raw {_ratio(again, raw, 'cpu')}")
            for path in folder.glob("*.db*"):
                path.unlink()
        if not args.no_demo:
            for run in range(1, args.runs + 1):
                r = _demo(folder)
                print(f"demo load run {run}: {r['seconds']:.2f} s wall, {r['cpu']:.2f} s cpu, load {r['load']:.2f}")
            if shutil.which("strace"):
                r = _demo(folder, strace=True)
                print(f"demo load under strace: {r['seconds']:.2f} s, sync calls {r['syncs']}")


if __name__ == "__main__":
    main()
