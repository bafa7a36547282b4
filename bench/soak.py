"""Issue 9 soak: three stations grading at full speed under every fault at once, then a check that nothing was
lost, nothing printed twice and nothing is stuck.

Each station is a real process (`build_station` + `Desk`: start_intake → answers → save_item) with its print
thread and sync loop, beside a second print-loop process on the same SQLite file (as `print-queue --run`). The
stations sync to a throwaway PostgreSQL database (127.0.0.1:5432, env RETURNS_DESK_TEST_PG) through a proxy that
resets streams, goes silent and goes down; they print to a loopback Zebra that resets mid-label and runs out of
paper; every few seconds a random station or print process gets SIGKILL and is started again. Each grader
appends every item it was acknowledged (id + LPN) to a file, fsynced before the next item starts.

At the end the faults stop, every process is told to stop, and the orchestrator drains each station as its next
start would (recover interrupted jobs, print what is due, sync to the central database directly), bounded by a
deadline. Then: each acknowledged item exactly once locally and centrally, all synced tables equal
(tests/sync_compare.py), each printed job in the printer's log exactly once, no outbox row or job left.

Run: `python -m bench.soak [--minutes N]` (default 5, at most 10). Writes bench/out/soak.json. Loopback only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import migrate
from app.db.models import PrintJob, ReturnItem
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.domain.status import JOB_PENDING, ItemStatus, JobStatus
from app.errors import ReturnsDeskError
from app.printing.render import render_job
from app.services.desk import Desk
from app.services.print_loop import PrintQueue
from app.services.views import ItemView, OperatorView
from app.sync.central import open_central
from app.sync.runner import SyncLoop, read_status, sync_once
from app.wiring import Station, build_station
from bench.datasets import OUT
from tests.helpers import answer_all
from tests.integration.servers import throwaway_database
from tests.integration.stations import plain_gtins
from tests.integration.tcp_proxy import CuttingProxy
from tests.printer_server import PrinterServer
from tests.sync_compare import stations_differences

STATIONS = ("D11", "D12", "D13")
ROLES = ("grade", "print")
KILL_EVERY_S = (2.0, 5.0)
CENTRAL_TIMEOUT_S = 3  # a silent link ends a round within this
PRINT_BACKOFF = timedelta(seconds=0.5)  # first retry of a failed job (5 s in the app): more retries in a short soak
DRAIN_S = 600.0  # the longest the drain may take before the soak reports what is stuck (full-speed grading
# leaves a print backlog of ~10k jobs: the graders outrun one loopback printer)
STOP_S = 30.0  # the longest a process may take to stop when told
STOP_FILE = "stop"


# ---------------------------------------------------------------- the processes under test


@dataclass
class Plan:
    """What every process of the soak shares: the folder, the central URL (through the proxy), the printer."""

    root: Path
    central: str
    printer: str
    until: float  # epoch seconds: every process ends by itself then, whatever happens to the orchestrator

    def settings(self, station_id: str, central: str | None = None) -> Settings:
        return Settings(station_id=station_id, db=f"sqlite:///{self.root / f'{station_id}.db'}", mode="station",
                        central_db=central or self.central, central_timeout_s=CENTRAL_TIMEOUT_S, sync_interval_s=1,
                        printers=f"zebra={self.printer}", label_printer="zebra", slip_printer="zebra")

    def should_stop(self, parent: int) -> bool:
        return (self.root / STOP_FILE).exists() or time.time() > self.until or os.getppid() != parent


class Journal:
    """An append-only log of one process incarnation (what it sent, when), unbuffered: a SIGKILL loses nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._file = path.open("a", buffering=1)

    def write(self, line: str) -> None:
        with self._lock:
            self._file.write(f"{time.time():.6f} {line}\n")
            self._file.flush()


def payload_key(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()[:20]


def logged_sender(queue: PrintQueue, journal: Journal) -> Callable[[str, bytes, str], None]:
    """The queue's real sender, with each send's start and end journaled (to explain a double print by a kill)."""
    def send(printer: str, payload: bytes, name: str) -> None:
        journal.write(f"begin {payload_key(payload)} {name}")
        queue.send(printer, payload, name)
        journal.write(f"end {payload_key(payload)}")
    return send


def print_until(queue: PrintQueue, journal: Journal, stop: Callable[[], bool]) -> None:
    sender = logged_sender(queue, journal)
    while not stop():
        try:
            if not queue.process_due(limit=50, sender=sender):
                time.sleep(0.1)
        except Exception as exc:  # e.g. the file is busy: the pass is tried again, as the window's print worker does
            journal.write(f"error {type(exc).__name__}: {exc}")
            time.sleep(0.1)


def open_station(plan: Plan, station_id: str, central: str | None = None) -> Station:
    station = build_station(plan.settings(station_id, central))
    station.ctx.printing.printer("zebra")  # fails here, in words, if the printer setup is wrong
    return station


def grade_one(desk: Desk, operator: OperatorView, item: ItemView, acks: Any, sync: SyncLoop) -> None:
    saved = desk.save_item(operator, answer_all(desk, item).id)
    acks.write(f"{saved.item.id} {saved.item.lpn}\n")
    acks.flush()
    os.fsync(acks.fileno())  # acknowledged = on disk before the next scan
    sync.wake()  # as the window does on every saved item


def run_grader(plan: Plan, station_id: str) -> None:
    """The station's window, headless: grading at full speed, its print thread and its sync loop."""
    parent = os.getppid()
    station = open_station(plan, station_id)
    journal = Journal(plan.root / f"grade-{station_id}-{os.getpid()}.log")
    queue = PrintQueue(station.db, station.ctx, backoff_base=PRINT_BACKOFF)
    journal.write(f"recover {queue.recover()}")  # as the window does at its start
    central = open_central(plan.settings(station_id))
    sync = SyncLoop(station.db, central, station_id, 1, on_status=lambda _status: None)
    sync.start()
    printer = threading.Thread(target=print_until, args=(queue, journal, lambda: plan.should_stop(parent)))
    printer.start()
    desk = station.desk
    operator = desk.sign_in("B1001", "1111")
    gtins = plain_gtins(station.db, 5)
    with (plan.root / f"acks-{station_id}.txt").open("a") as acks:
        draft = desk.open_draft()  # the item on screen when the last incarnation was killed
        if draft is not None:
            grade_one(desk, operator, draft, acks, sync)
        while not plan.should_stop(parent):
            try:
                item = desk.start_intake(operator, desk.classify(random.choice(gtins)))
                assert isinstance(item, ItemView)
                grade_one(desk, operator, item, acks, sync)
            except ReturnsDeskError as exc:  # a message on screen; the worker scans again
                journal.write(f"error {type(exc).__name__}: {exc}")
    printer.join()
    sync.stop()
    central.dispose()
    station.close()


def run_printer(plan: Plan, station_id: str) -> None:
    """`print-queue --run` beside the window: its own process and engine on the station's file."""
    parent = os.getppid()
    station = open_station(plan, station_id)
    journal = Journal(plan.root / f"print-{station_id}-{os.getpid()}.log")
    print_until(PrintQueue(station.db, station.ctx, backoff_base=PRINT_BACKOFF), journal,
                lambda: plan.should_stop(parent))
    station.close()


# ---------------------------------------------------------------- the orchestrator: processes, kills, faults


@dataclass
class Supervisor:
    """The six processes (a grader and a print loop per station): started, killed at random, started again."""

    plan: Plan
    plan_file: Path
    procs: dict[tuple[str, str], subprocess.Popen[bytes]] = field(default_factory=dict)
    kills: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)  # exits nobody asked for, with where their stderr is
    errors: dict[tuple[str, str], Path] = field(default_factory=dict)
    starts: int = 0

    def start(self, role: str, station_id: str) -> None:
        self.starts += 1
        err = self.errors[role, station_id] = self.plan.root / f"{role}-{station_id}-{self.starts}.err"
        with err.open("wb") as stderr:
            self.procs[role, station_id] = subprocess.Popen(
                [sys.executable, "-m", "bench.soak", "--role", role, "--station", station_id,
                 "--plan", str(self.plan_file)], stdout=subprocess.DEVNULL, stderr=stderr)

    def start_all(self) -> None:
        for station_id in STATIONS:
            for role in ROLES:
                self.start(role, station_id)

    def kill_one(self, rng: random.Random) -> None:
        key = rng.choice(sorted(self.procs))
        self.procs[key].send_signal(signal.SIGKILL)
        self.procs[key].wait()
        self.kills[key[0]] += 1
        self.start(*key)

    def restart_dead(self) -> None:
        for key, proc in list(self.procs.items()):
            if proc.poll() is not None:
                self.crashes.append(f"{key[0]} {key[1]} exited {proc.returncode}: {self._last_error(key)}")
                self.start(*key)

    def _last_error(self, key: tuple[str, str]) -> str:
        lines = self.errors[key].read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else "(nothing on stderr)"

    def stop_all(self) -> list[str]:
        """Ask every process to stop (the stop file), wait; SIGKILL any still running after STOP_S."""
        (self.plan.root / STOP_FILE).touch()
        deadline = time.monotonic() + STOP_S
        stuck = []
        for key, proc in self.procs.items():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                stuck.append(f"{key[0]} {key[1]}")
                proc.kill()
                proc.wait()
            if proc.returncode not in (0, None):
                self.crashes.append(f"{key[0]} {key[1]} stopped with exit {proc.returncode}: {self._last_error(key)}")
        return stuck


@dataclass
class Faults:
    """Two injectors on their own threads: the link to the central database and the printer."""

    proxy: CuttingProxy
    printer: PrinterServer
    rng: random.Random
    injected: Counter[str] = field(default_factory=Counter)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        for target in (self._link, self._paper):
            threading.Thread(target=target, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        time.sleep(0.2)
        self.proxy.cut_after(None)
        self.proxy.set_silent(False)
        self.proxy.set_down(False)
        self.printer.mode = "ok"

    def _pause(self, low: float, high: float) -> bool:
        return self._stop.wait(self.rng.uniform(low, high))

    def _link(self) -> None:
        while not self._pause(2, 5):
            kind = self.rng.choice(["reset", "silent", "silent mid-stream", "down"])
            self.injected[f"link {kind}"] += 1
            if kind == "reset":  # every stream dropped once this many more bytes passed (waits for it, ≤ 10 s)
                cuts = self.proxy.cuts
                self.proxy.cut_after(self.rng.randint(200, 20_000))
                for _ in range(100):
                    if self.proxy.cuts > cuts or self._stop.wait(0.1):
                        break
                self.proxy.cut_after(None)
            elif kind == "down":
                self.proxy.set_down(True)
                self._pause(1, 4)
                self.proxy.set_down(False)
            else:
                if kind == "silent":
                    self.proxy.set_silent(True)
                else:
                    self.proxy.silent_after(self.rng.randint(500, 30_000))
                self._pause(2, 6)
                self.proxy.set_silent(False)

    def _paper(self) -> None:
        while not self._pause(2, 5):
            kind = self.rng.choice(["reset", "paper_out"])
            self.injected[f"printer {kind}"] += 1
            self.printer.mode = kind
            self._pause(1, 3)
            self.printer.mode = "ok"


# ---------------------------------------------------------------- the drain and the checks


def pending_jobs(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(PrintJob).where(PrintJob.status.in_(
            JOB_PENDING))).scalar_one())


def check_at_the_printer(station: Station, printer: PrinterServer, checked: Counter[str]) -> None:
    """What the person at the station does for each 'unsure' job (killed mid-send): looks at the printer's
    output (here its log) and answers 'It printed' or 'Print again'."""
    setup, desk = station.ctx.printing, station.desk
    arrived = {payload_key(job) for job in printer.jobs}
    with station.db.engine.connect() as conn:
        rows = conn.execute(select(PrintJob.id, PrintJob.kind, PrintJob.payload)
                            .where(PrintJob.status == JobStatus.UNSURE)).all()
    person = desk.sign_in("B2001", "2222")
    for job_id, kind, payload in rows:
        printed = payload_key(render_job(kind, payload, "zpl", setup.label, setup.slip)) in arrived
        desk.settle_unsure_job(person, job_id, printed)
        checked["unsure: found printed" if printed else "unsure: not printed, sent again"] += 1


def drain(stations: list[Station], central: Database, printer: PrinterServer, deadline: float,
          checked: Counter[str]) -> bool:
    """As each station's next start would: recover interrupted jobs, have a person check the unsure ones at the
    printer, then print and sync until nothing is left (jobs that wait for a retry are made due now), the
    stations side by side as on a real dock. True when everything drained before the deadline."""
    queues = [PrintQueue(s.db, s.ctx, backoff_base=PRINT_BACKOFF) for s in stations]
    for station, queue in zip(stations, queues, strict=True):
        queue.recover()
        check_at_the_printer(station, printer, checked)
    with ThreadPoolExecutor(len(stations)) as pool:
        done = list(pool.map(lambda pair: _drain_station(*pair, central, deadline), zip(stations, queues,
                                                                                         strict=True)))
    return all(done)


def _drain_station(station: Station, queue: PrintQueue, central: Database, deadline: float) -> bool:
    """Print everything, then sync; again until both are empty (printing first: each job's marks sync too)."""
    while time.monotonic() < deadline:
        with station.db.unit_of_work() as uow:
            uow.session.execute(update(PrintJob).where(PrintJob.status == JobStatus.WAITING)
                                .values(next_attempt_at=station.ctx.clock.now()))
        if queue.process_due():
            continue
        try:
            sync_once(station.db, central, station.ctx.station_id)
        except ReturnsDeskError as exc:
            print(f"  drain: sync of {station.ctx.station_id}: {exc}", flush=True)
        if read_status(station.db).waiting == 0 and pending_jobs(station.db) == 0:
            return True
        time.sleep(0.5)
    return False


def acknowledged(root: Path, station_id: str) -> list[tuple[str, str]]:
    """(id, LPN) of every acknowledged item; a line a kill cut short was never acknowledged."""
    text = (root / f"acks-{station_id}.txt").read_text() if (root / f"acks-{station_id}.txt").exists() else ""
    lines = text.split("\n")[:-1]  # the last piece has no newline: a write cut short, or empty
    return [(a, b) for a, b in (line.split(" ", 1) for line in lines)]


def final_items(db: Database) -> Counter[tuple[str, str | None]]:
    with db.engine.connect() as conn:
        rows = conn.execute(select(ReturnItem.id, ReturnItem.lpn).where(ReturnItem.status == ItemStatus.FINAL))
        return Counter((str(i), lpn) for i, lpn in rows)


def item_figures(root: Path, stations: list[Station], central: Database) -> dict[str, Any]:
    acks = [ack for s in stations for ack in acknowledged(root, s.ctx.station_id)]
    local: Counter[tuple[str, str | None]] = Counter()
    for station in stations:
        local.update(final_items(station.db))
    there = final_items(central)
    ids = Counter(a for a, _ in acks)
    return {
        "acknowledged": len(acks),
        "final locally": sum(local.values()),
        "final centrally": sum(there.values()),
        "acknowledged twice": sum(1 for n in ids.values() if n > 1),
        "lost locally": sum(1 for ack in set(acks) if local[ack] == 0),
        "lost centrally": sum(1 for ack in set(acks) if there[ack] == 0),
        "doubled locally": sum(1 for n in local.values() if n > 1),
        "doubled centrally": sum(1 for n in there.values() if n > 1),
        "LPNs doubled centrally": sum(1 for n in Counter(lpn for _, lpn in there.elements()).values() if n > 1),
    }


def done_payloads(station: Station) -> dict[str, str]:
    """Payload key → job id of every job the station marked printed, rendered as the print loop renders it."""
    setup = station.ctx.printing
    with station.db.engine.connect() as conn:
        rows = conn.execute(select(PrintJob.id, PrintJob.kind, PrintJob.payload)
                            .where(PrintJob.status == JobStatus.DONE)).all()
    return {payload_key(render_job(kind, payload, "zpl", setup.label, setup.slip)): str(job_id)
            for job_id, kind, payload in rows}


def print_figures(root: Path, stations: list[Station], printer: PrinterServer) -> dict[str, Any]:
    expected: dict[str, str] = {}
    for station in stations:
        expected.update(done_payloads(station))
    arrived = Counter(payload_key(job) for job in printer.jobs)
    doubled = [key for key, n in arrived.items() if n > 1]
    why, journal = classify_doubles(root, set(doubled))
    return {
        "jobs printed (marked done)": len(expected),
        "jobs the printer took whole": sum(arrived.values()),
        "marked printed, never arrived whole": sum(1 for key in expected if arrived[key] == 0),
        "arrived, not a job marked printed": sum(1 for key in arrived if key not in expected),
        "printed twice": len(doubled),
        "printed twice, why": dict(why),
        "cut off by a printer reset (not counted as printed)": len(printer.partial),
        "unexplained doubles, journal": journal,
    }


def journal_lines(root: Path) -> list[tuple[float, str, str, str]]:
    """(time, what, payload key or count, incarnation) of every journal line, in time order."""
    lines = []
    for journal in sorted(root.glob("*-*-*.log")):
        for line in journal.read_text().splitlines():
            parts = line.split()
            if len(parts) > 2:
                lines.append((float(parts[0]), parts[1], parts[2], journal.stem))
    return sorted(lines)


def classify_doubles(root: Path, doubled: set[str]) -> tuple[Counter[str], list[str]]:
    """Why each job printed twice, from the journals (docs/printing.md, Limits):
    - killed mid-send: an incarnation's last send was that job (killed after the printer took it, before
      *printed* committed);
    - recover at a start: a window started on that station and put the jobs left *printing* back while the
      other loop still held its claim on them, within the 120 s before the second send (claims go by batches
      of 20, sent one after the other);
    - unexplained: neither (their journal lines, with every recover, come back for a look)."""
    lines = journal_lines(root)
    last_send: dict[str, str] = {}
    for _, what, key, incarnation in lines:
        if what in ("begin", "end"):
            last_send[incarnation] = key
    killed_mid_send = set(last_send.values()) & doubled
    why: Counter[str] = Counter()
    unexplained: list[str] = []
    for key in doubled:
        begins = [(t, inc) for t, what, k, inc in lines if what == "begin" and k == key]
        station = begins[-1][1].split("-")[1]
        recovered = any(what == "recover" and k != "0" and inc.split("-")[1] == station
                        and begins[-1][0] - 120 < t < begins[-1][0] for t, what, k, inc in lines)
        kind = "killed mid-send" if key in killed_mid_send else "recover at a start" if recovered else "unexplained"
        why[kind] += 1
        unexplained += [key] if kind == "unexplained" else []
    story = [f"{t:.3f} {what} {k} [{inc}]" for t, what, k, inc in lines
             if k in unexplained or (what == "recover" and k != "0")]
    return why, story[:60] if unexplained else []


def outbox_figures(stations: list[Station]) -> dict[str, int]:
    statuses = [read_status(s.db) for s in stations]
    return {"outbox rows waiting": sum(st.waiting for st in statuses),
            "outbox rows set aside": sum(st.set_aside.count for st in statuses if st.set_aside is not None),
            "print jobs not done": sum(pending_jobs(s.db) for s in stations)}


# ---------------------------------------------------------------- the run


class Load:
    """The machine's 1-minute load average, sampled every second on a thread."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self._stop.wait(1.0):
            self.samples.append(os.getloadavg()[0])

    def figures(self) -> dict[str, Any]:
        self._stop.set()
        samples = self.samples or [os.getloadavg()[0]]
        return {"cores": os.cpu_count(), "load mean": round(sum(samples) / len(samples), 2),
                "load max": round(max(samples), 2)}


def prepare(plan: Plan, direct: str) -> None:
    """Each station's file, migrated, with the master data pulled (as IT sets a station up)."""
    central = Database(direct)
    for station_id in STATIONS:
        station = open_station(plan, station_id, direct)
        sync_once(station.db, central, station_id, site_folder=plan.root / "site")
        station.close()
    central.dispose()


def during_faults(direct: str) -> dict[str, int]:
    """What had reached the central database when the faults stopped (before the drain)."""
    central = Database(direct)
    try:
        return {"final items central when the faults stopped": sum(final_items(central).values())}
    finally:
        central.dispose()


def soak(plan: Plan, supervisor: Supervisor, faults: Faults, seconds: float, rng: random.Random) -> None:
    supervisor.start_all()
    faults.start()
    end = time.monotonic() + seconds
    next_kill = time.monotonic() + rng.uniform(*KILL_EVERY_S)
    while time.monotonic() < end:
        time.sleep(0.2)
        supervisor.restart_dead()
        if time.monotonic() >= next_kill:
            supervisor.kill_one(rng)
            next_kill = time.monotonic() + rng.uniform(*KILL_EVERY_S)
    faults.stop()


def check(plan: Plan, direct: str, printer: PrinterServer, deadline: float) -> dict[str, Any]:
    central = Database(direct)
    stations = [open_station(plan, station_id, direct) for station_id in STATIONS]
    try:
        started = time.monotonic()
        checked: Counter[str] = Counter()
        drained = drain(stations, central, printer, deadline, checked)
        time.sleep(0.5)  # the printer server records a job as the client closes: let the last ones land
        figures: dict[str, Any] = {"drained": drained, "drain s": round(time.monotonic() - started, 1),
                                   "checked at the printer by a person": dict(checked)}
        figures["items"] = item_figures(plan.root, stations, central)
        figures["printing"] = print_figures(plan.root, stations, printer)
        figures["outbox"] = outbox_figures(stations)
        differences = stations_differences([s.db for s in stations], central)
        figures["central vs stations"] = differences[:10] or "equal in every synced table"
        return figures
    finally:
        for station in stations:
            station.close()
        central.dispose()


def verdict(figures: dict[str, Any]) -> list[str]:
    """What failed, in words (empty: the soak held every promise)."""
    items, printing, outbox = figures["items"], figures["printing"], figures["outbox"]
    bad = [f"{name}: {items[name]}" for name in ("acknowledged twice", "lost locally", "lost centrally",
                                                 "doubled locally", "doubled centrally", "LPNs doubled centrally")
           if items[name]]
    bad += [f"printed twice: {printing['printed twice']} ({printing['printed twice, why']}; docs/printing.md, "
            "Limits)"] if printing["printed twice"] else []
    bad += [f"{name}: {printing[name]}" for name in ("marked printed, never arrived whole",
                                                     "arrived, not a job marked printed") if printing[name]]
    bad += [f"{name}: {n}" for name, n in outbox.items() if n]
    bad += [] if figures["drained"] else ["not drained before the deadline"]
    bad += [] if isinstance(figures["central vs stations"], str) else ["central differs from the stations"]
    bad += [f"processes that would not stop: {figures['stuck processes']}"] if figures["stuck processes"] else []
    return bad


def orchestrate(minutes: float, seed: int) -> int:
    rng = random.Random(seed)
    load = Load()
    started = time.monotonic()
    with throwaway_database("postgresql") as direct, tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        root = Path(tmp)
        os.environ["XDG_DATA_HOME"] = os.environ["XDG_CONFIG_HOME"] = str(root)  # no user folder is touched
        central = Database(direct)
        migrate.upgrade(central)
        load_demo_master_data(central)
        central.dispose()
        url = make_url(direct)
        proxy, printer = CuttingProxy(url.host or "127.0.0.1", url.port or 5432), PrinterServer()
        through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        plan = Plan(root, through, f"tcp://127.0.0.1:{printer.port}", time.time() + minutes * 60 + STOP_S)
        (root / "plan.json").write_text(json.dumps({"root": str(root), "central": through,
                                                    "printer": plan.printer, "until": plan.until}))
        prepare(plan, direct)
        supervisor = Supervisor(plan, root / "plan.json")
        faults = Faults(proxy, printer, rng)
        print(f"soak: {minutes:g} min, 3 stations, 6 processes, seed {seed}", flush=True)
        try:
            soak(plan, supervisor, faults, minutes * 60, rng)
        finally:
            stuck = supervisor.stop_all()
        during = during_faults(direct)
        figures = check(plan, direct, printer, time.monotonic() + DRAIN_S)
        figures.update({"minutes": minutes, "seed": seed, "kills": dict(supervisor.kills), **during,
                        "unasked exits": supervisor.crashes, "stuck processes": stuck,
                        "faults injected": dict(faults.injected),
                        "faults that hit": {"link streams cut": proxy.cuts, "bytes swallowed silently": proxy.swallowed,
                                            "printer resets mid-label": printer.faults},
                        "duration s": round(time.monotonic() - started, 1), "machine": load.figures()})
        proxy.close()
        printer.close()
    problems = verdict(figures)
    figures["verdict"] = problems or "nothing lost, nothing doubled, nothing stuck"
    OUT.mkdir(exist_ok=True)
    (OUT / "soak.json").write_text(json.dumps(figures, indent=2, default=str))
    print(json.dumps(figures, indent=2, default=str))
    return 1 if problems else 0


def child(role: str, station_id: str, plan_file: Path) -> None:
    raw = json.loads(plan_file.read_text())
    plan = Plan(Path(raw["root"]), raw["central"], raw["printer"], raw["until"])
    os.environ["XDG_DATA_HOME"] = os.environ["XDG_CONFIG_HOME"] = str(plan.root)
    (run_grader if role == "grade" else run_printer)(plan, station_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long faults are injected (at most 10)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--role", choices=ROLES, help=argparse.SUPPRESS)
    parser.add_argument("--station", help=argparse.SUPPRESS)
    parser.add_argument("--plan", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role:
        child(args.role, args.station, args.plan)
        return
    if not 0 < args.minutes <= 10:
        parser.error(f"--minutes must be more than 0 and at most 10, not {args.minutes:g}")
    sys.exit(orchestrate(args.minutes, args.seed if args.seed is not None else uuid.uuid4().int % 10_000))


if __name__ == "__main__":
    main()
