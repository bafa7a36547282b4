"""Two real processes on one station's SQLite file (issue 9, section 1): whatever they do at once, no item is
finalized twice, no LPN is given twice and the LPN counter is never behind the records."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.config import load_settings
from app.db.models import AuditEvent, ReturnItem, StationCounter
from app.db.uow import Database
from app.domain.rules_check import load_configuration
from app.errors import InvalidState
from app.printing.setup import print_setup
from app.services.context import StationContext
from app.services.desk import Desk
from app.single_instance import InstanceLock
from app.wiring import build_station
from tests.conftest import DEMO_TODAY
from tests.helpers import answer_all, product_where, scan

pytestmark = pytest.mark.slow
WORKERS = 2
ITEMS = 25


def station_desk(path: Path, printed: Path) -> Desk:
    printing = print_setup(f"files=file:{printed}", "files", "files")
    ctx = StationContext("D01", load_configuration(), local_today=lambda: DEMO_TODAY, printing=printing)
    return Desk(Database(f"sqlite:///{path}"), ctx)


def _worker(path: str, printed: str, drafts: list[str], ready: Any, start: Any, out: Any) -> None:
    """One station process saving at full speed: every process tries to finalize every one of the same
    answered drafts (as two windows of one station would), so each draft is raced for."""
    desk = station_desk(Path(path), Path(printed))
    worker = desk.sign_in("B1001", "1111")
    result: dict[str, Any] = {"finalized": [], "refused": 0, "errors": []}
    ready.put(os.getpid())  # set up: all start at the same moment
    start.wait()
    for draft in drafts:
        try:
            final = desk.finalize(worker, uuid.UUID(draft))
            result["finalized"].append((str(final.id), final.lpn))
        except InvalidState:
            result["refused"] += 1  # the other process saved it first: the expected refusal
        except Exception as exc:  # an IntegrityError or a lock timeout is the defect this test is about
            result["errors"].append(f"{type(exc).__name__}: {exc}"[:300])
    desk.db.dispose()
    out.put(result)


def answered_drafts(desk: Desk, count: int) -> list[str]:
    """`count` drafts with every question answered, opened at as many stations (one open draft each)."""
    operator = desk.sign_in("B1001", "1111")
    gtin = product_where(desk.db, serialized=False).gtin
    drafts = []
    for n in range(count):
        at = Desk(desk.db, replace(desk.ctx, station_id=f"S{n:03d}"))
        drafts.append(str(answer_all(at, at.start_intake(operator, scan(at, gtin))).id))
    return drafts


def test_processes_on_one_file_never_finalize_twice_nor_repeat_an_lpn(desk, db, tmp_path):
    drafts = answered_drafts(desk, ITEMS)
    db.dispose()
    spawn = multiprocessing.get_context("spawn")  # real, separate interpreters, as an app started twice
    ready, start, out = spawn.Queue(), spawn.Event(), spawn.Queue()
    procs = [spawn.Process(target=_worker, args=(db.engine.url.database, str(tmp_path / f"printed{n}"),
                                                 drafts, ready, start, out)) for n in range(WORKERS)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=120)
    start.set()
    results = [out.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=30)

    assert [r["errors"] for r in results] == [[]] * WORKERS
    finalized = [pair for r in results for pair in r["finalized"]]
    assert len(finalized) == ITEMS  # each draft saved once, by one of them
    assert sum(r["refused"] for r in results) == ITEMS * (WORKERS - 1)  # and refused to the others
    with db.unit_of_work() as uow:
        events = Counter(uow.session.scalars(select(AuditEvent.item_id).where(AuditEvent.action == "finalized")))
        lpns = list(uow.session.scalars(select(ReturnItem.lpn).where(ReturnItem.lpn.is_not(None))))
        counter = uow.session.get(StationCounter, "D01")
    assert len({item for item, _ in finalized}) == len(finalized)  # no item saved by two processes
    assert len(events) == len(finalized) and set(events.values()) == {1}  # one "finalized" event each
    assert len(lpns) == len(set(lpns)) == len(finalized)
    assert {lpn for _, lpn in finalized} == set(lpns)
    assert counter is not None and counter.next_lpn == len(lpns) + 1  # not behind, and no LPN skipped


def test_a_counter_behind_the_records_heals_at_start(desk, worker, db, tmp_path):
    product = product_where(db, serialized=False)
    for _ in range(3):
        desk.finalize(worker, answer_all(desk, desk.start_intake(worker, scan(desk, product.gtin))).id)
    with db.unit_of_work() as uow:  # as the old code left it after two processes raced
        uow.session.get(StationCounter, "D01").next_lpn = 2
    db.dispose()
    settings = load_settings(env={"RETURNS_DESK_DB": db.url, "RETURNS_DESK_STATION_ID": "D01"},
                             system_file=tmp_path / "none.toml", user_file=tmp_path / "none.toml")
    station = build_station(settings)
    try:
        with station.db.unit_of_work() as uow:
            assert uow.session.get(StationCounter, "D01").next_lpn == 4
            assert uow.session.scalar(select(func.count()).select_from(ReturnItem)) == 3
    finally:
        station.close()
    assert desk.finalize(worker, answer_all(desk, desk.start_intake(worker, scan(desk, product.gtin))).id).lpn \
        == "LP-D01-0000004"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETURNS_DESK_")}
    env.update(QT_QPA_PLATFORM="offscreen", RETURNS_DESK_DB=f"sqlite:///{tmp_path / 'station.db'}",
               RETURNS_DESK_STATION_ID="D01", XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), TMPDIR=str(tmp_path))
    return env


def _returns_desk(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli", *args]


def _wait_until_locked(path: Path, first: subprocess.Popen[str], within_s: float = 60) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        assert first.poll() is None, first.communicate()
        probe = InstanceLock(path)
        if not probe.acquire(exclusive=False):
            return
        probe.release()
        time.sleep(0.1)
    raise AssertionError("the first window never took the station's lock")


def test_a_second_start_brings_the_first_window_forward_and_commands_that_write_refuse(tmp_path):
    env = _env(tmp_path)
    lock = tmp_path / "station.db.D01.lock"
    first = subprocess.Popen(_returns_desk(), env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_until_locked(lock, first)
        started = time.monotonic()
        second = subprocess.run(_returns_desk(), env=env, text=True, capture_output=True, timeout=60)
        assert second.returncode == 3, second.stderr
        assert "already running on station D01" in second.stderr and "brought to the front" in second.stderr
        assert time.monotonic() - started < 15
        log = (tmp_path / "state" / "ReturnsDesk" / "log" / "returns-desk.log").read_text()
        assert "bringing the window to the front" in log
        assert first.poll() is None  # the first window keeps running

        for command in (["demo", "load", "--history", "0"], ["print-queue", "--run"], ["db", "upgrade"]):
            refused = subprocess.run(_returns_desk(*command), env=env, text=True, capture_output=True, timeout=60)
            assert refused.returncode == 2, refused.stderr
            assert "Returns Desk is open on station D01" in refused.stderr and "Close the window" in refused.stderr
        listing = subprocess.run(_returns_desk("print-queue"), env=env, text=True, capture_output=True, timeout=60)
        assert listing.returncode == 0, listing.stderr  # reading is fine while the window is open
    finally:
        first.terminate()
        first.wait(timeout=30)
    after = subprocess.run(_returns_desk("db", "upgrade"), env=env, text=True, capture_output=True, timeout=60)
    assert after.returncode == 0, after.stderr  # the lock went with the window


def test_a_second_start_that_gets_no_answer_says_so(tmp_path):
    env = _env(tmp_path)
    held = InstanceLock(tmp_path / "station.db.D01.lock")  # as a window that hangs: the lock, no answer
    assert held.acquire(exclusive=True)
    second = subprocess.Popen(_returns_desk(), env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert second.stderr is not None
        line = second.stderr.readline()  # printed before the message box opens
        assert "already running on station D01" in line and "did not answer" in line
    finally:
        second.kill()
        second.wait(timeout=30)
        held.release()
