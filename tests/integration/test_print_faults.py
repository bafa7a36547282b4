"""Printed means printed, against a real loopback printer that misbehaves: a reset mid-label, a printer that
never confirms, and several print loops in separate processes sharing one queue. A job is marked done only
once the printer has all of it, and every job reaches the printer whole exactly once."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db.models import OutboxEntry, PrintJob
from app.errors import PrinterUnavailable
from app.printing.render import render_job
from app.printing.transports import TcpTransport, parse_printer
from app.services.print_loop import PrintQueue
from app.sync.outbox import enable_outbox
from tests.integration.print_loops import run_print_loop
from tests.print_helpers import finish_item, jobs, use_printers
from tests.printer_server import PrinterServer

MID_LABEL = "dropped the connection mid-label; it will be sent again"


@pytest.fixture
def zebra():
    with PrinterServer() as server:
        yield server


@pytest.fixture
def queue(desk, tmp_path, zebra):
    use_printers(desk, tmp_path / "out", printers=f"zebra={zebra.spec}", label="zebra", slip="zebra")
    return PrintQueue(desk.db, desk.ctx)


def rendered(desk, job: PrintJob) -> bytes:
    setup = desk.ctx.printing
    return render_job(job.kind, job.payload, "zpl", setup.label, setup.slip)


def all_jobs(desk) -> list[PrintJob]:
    return jobs(desk.db, items_only=False)


@pytest.mark.parametrize("status", ["yes", "no"])
def test_a_reset_mid_label_is_a_failure_every_time(desk, worker, queue, zebra, status):
    for _ in range(9):
        finish_item(desk, worker)
    payloads = [rendered(desk, job) for job in jobs(desk.db)]
    assert len(payloads) == 18 and all(len(p) > 300 for p in payloads)
    zebra.mode, zebra.reset_after = "reset", 200
    transport = TcpTransport(parse_printer("zebra", f"tcp://127.0.0.1:{zebra.port}?timeout=1&status={status}"))
    failed = 0
    for number, payload in enumerate(payloads):
        with pytest.raises(PrinterUnavailable, match=MID_LABEL):
            transport.send(payload, f"job-{number}")
        failed += 1
    assert (failed, zebra.faults, zebra.jobs) == (18, 18, [])  # 18 sent, 18 reset, none arrived whole


def test_reset_jobs_wait_and_print_whole_once_when_the_printer_behaves(desk, worker, queue, zebra, clock):
    for _ in range(9):
        finish_item(desk, worker)
    zebra.mode, zebra.reset_after = "reset", 200
    for _ in range(3):  # three passes, each resetting the first job it sends (the rest of the batch waits)
        queue.process_due()
        clock.at += timedelta(minutes=10)
    rows = all_jobs(desk)
    assert zebra.faults == 3 and zebra.jobs == []
    assert {j.status for j in rows} == {"waiting"} and all(j.printed_at is None for j in rows)
    assert MID_LABEL in (rows[0].last_error or "")
    assert MID_LABEL in queue.status().text
    zebra.mode = "ok"
    assert queue.process_due() == len(rows)
    rows = all_jobs(desk)
    assert {j.status for j in rows} == {"done"}
    assert Counter(zebra.wait_for(len(rows))) == Counter(rendered(desk, j) for j in rows)  # whole, once each
    assert all(partial not in zebra.jobs for partial in zebra.partial)


@pytest.mark.parametrize("status", ["yes", "no"])
def test_a_printer_that_never_confirms_is_bounded_by_the_timeout(zebra, status):
    zebra.mode = "silent"  # takes the bytes, then neither answers the ~HS nor closes
    transport = TcpTransport(parse_printer("zebra", f"tcp://127.0.0.1:{zebra.port}?timeout=0.5&status={status}"))
    started = time.monotonic()
    with pytest.raises(PrinterUnavailable, match=r"did not confirm the label within 0.5 s.*sent again"):
        transport.send(b"^XA^FDhello^FS^XZ", "job")
    assert time.monotonic() - started < 1.5
    assert zebra.jobs == []


def test_a_printer_that_answers_but_keeps_the_connection_open_is_done_at_its_reply(zebra):
    zebra.mode = "keep_open"  # the ~HS after the job is the receipt: no need to wait for its close
    transport = TcpTransport(parse_printer("zebra", f"tcp://127.0.0.1:{zebra.port}?timeout=2"))
    started = time.monotonic()
    transport.send(b"^XA^FDhello^FS^XZ", "job")
    assert time.monotonic() - started < 1.0
    assert zebra.wait_for(1) == [b"^XA^FDhello^FS^XZ"]


def test_silent_printer_keeps_the_job_waiting_in_the_queue(desk, worker, queue, zebra):
    zebra.mode = "silent"
    finish_item(desk, worker)
    queue.process_due()
    assert {j.status for j in all_jobs(desk)} == {"waiting"}
    assert "did not confirm the label" in (all_jobs(desk)[0].last_error or "")


@pytest.mark.slow
def test_concurrent_print_loops_print_every_job_exactly_once(desk, worker, queue, zebra, clock):
    """Three print loops, each its own process and engine, drain one station file of 300+ jobs together."""
    enable_outbox(desk.db)  # station mode: every claim and mark must reach the outbox
    for _ in range(155):
        finish_item(desk, worker)
    rows = all_jobs(desk)
    assert len(rows) >= 310
    expected = Counter(rendered(desk, j) for j in rows)
    assert len(expected) == len(rows)  # every document differs: a double shows in the printer's log
    context = multiprocessing.get_context("spawn")
    start = context.Manager().Event()
    later = clock.at + timedelta(minutes=1)
    spec = f"tcp://127.0.0.1:{zebra.port}?timeout=5"
    with ProcessPoolExecutor(3, mp_context=context) as pool:
        loops = [pool.submit(run_print_loop, desk.db.url, spec, later, start) for _ in range(3)]
        time.sleep(0.5)
        start.set()
        counts = [loop.result(timeout=240) for loop in loops]
    received = Counter(zebra.wait_for(len(rows)))
    doubled = sum(n - 1 for n in received.values() if n > 1)
    assert (doubled, sum(counts)) == (0, len(rows)) and received == expected
    rows = all_jobs(desk)
    assert {j.status for j in rows} == {"done"} and {j.attempts for j in rows} == {1}
    assert all(counts), counts  # the loops really ran side by side
    with desk.db.unit_of_work() as uow:
        entries = uow.session.scalars(select(OutboxEntry).where(OutboxEntry.entity == "print_job")
                                      .order_by(OutboxEntry.id)).all()
        last = {e.entity_key: e.payload["status"] for e in entries}
    assert last == {str(j.id): "done" for j in rows}  # the central database will see each job printed


def test_a_loop_killed_while_the_printer_has_the_label_never_prints_it_twice(desk, worker, queue, zebra, clock,
                                                                            supervisor):
    """kill -9 of a real print loop after the printer took the label but before the loop heard back: at the
    next start that job is 'unsure' (a person checks the printer), the jobs it had only claimed print once."""
    finish_item(desk, worker)
    zebra.mode = "keep_open"  # takes the job, then holds the connection: the loop is still waiting when killed
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    loop = context.Process(target=run_print_loop, args=(desk.db.url, f"tcp://127.0.0.1:{zebra.port}?status=no&"
                                                        "timeout=10", clock.at, start))
    loop.start()
    start.set()
    assert len(zebra.wait_for(1, timeout_s=30)) == 1
    os.kill(loop.pid or 0, signal.SIGKILL)
    loop.join(10)
    assert sorted(j.status for j in all_jobs(desk)) == ["printing", "printing", "sending"]
    zebra.mode = "ok"
    assert queue.recover() == 3  # the window's next start
    unsure = [j for j in all_jobs(desk) if j.status == "unsure"]
    assert len(unsure) == 1 and queue.process_due() == 2
    desk.settle_unsure_job(supervisor, unsure[0].id, printed=True)  # the label is on the printer's tray
    received = Counter(zebra.wait_for(3))
    assert sorted(received.values()) == [1, 1, 1] and received == Counter(rendered(desk, j) for j in all_jobs(desk))
    assert {j.status for j in all_jobs(desk)} == {"done"}
