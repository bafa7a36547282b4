"""A real loopback socket as a Zebra printer on port 9100's protocol: byte-exact jobs, and a printer that
refuses, hangs or is out of paper keeps the job queued, retried, never lost and never printed twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.errors import PrinterUnavailable
from app.printing.transports import TcpTransport, parse_printer
from app.services.print_loop import PrintQueue
from tests.print_helpers import finish_item, jobs, use_printers
from tests.printer_server import PrinterServer


@pytest.fixture
def zebra():
    with PrinterServer() as server:
        yield server


@pytest.fixture
def queue(desk, tmp_path, zebra):
    use_printers(desk, tmp_path / "out", printers=f"zebra={zebra.spec}", label="zebra")
    return PrintQueue(desk.db, desk.ctx)


def expected_zpl(desk, job) -> bytes:
    setup = desk.ctx.printing
    from app.printing.render import render_job

    return render_job(job.kind, job.payload, "zpl", setup.label, setup.slip)


def test_label_arrives_byte_exact(desk, worker, queue, zebra):
    item = finish_item(desk, worker)
    assert queue.process_due() == 3  # relabel and tote label to the zebra, slip to the file printer
    label = next(j for j in jobs(desk.db) if j.kind == "label")
    received = zebra.wait_for(2)
    assert expected_zpl(desk, label) in received and len(received) == 2
    assert any(job.startswith(b"^XA") and item.lpn.encode() in job for job in received)
    assert label.status == "done" and label.attempts == 1


def test_refused_connection_waits_then_prints_once(desk, worker, tmp_path, clock):
    with PrinterServer() as probe:
        port = probe.port
    # Nothing listens on `port` now: the connection is refused.
    use_printers(desk, tmp_path / "out", printers=f"zebra=tcp://127.0.0.1:{port}?timeout=0.5", label="zebra")
    queue = PrintQueue(desk.db, desk.ctx)
    finish_item(desk, worker)
    queue.process_due()
    label = next(j for j in jobs(desk.db) if j.kind == "label")
    assert label.status == "waiting" and "cannot be reached" in (label.last_error or "")
    assert "waiting" in queue.status().text


def test_hanging_printer_keeps_the_job_then_prints_it_once_after_recovery(desk, worker, queue, zebra, clock):
    zebra.mode = "hang"  # accepts, never answers the status query (a Zebra out of media does this)
    finish_item(desk, worker)
    queue.process_due()
    label = next(j for j in jobs(desk.db) if j.kind == "label")
    assert label.status == "waiting" and "did not answer" in (label.last_error or "")
    assert zebra.jobs == []
    clock.at += timedelta(seconds=5)
    zebra.mode = "paper_out"
    queue.process_due()
    label = next(j for j in jobs(desk.db) if j.kind == "label")
    assert label.status == "waiting" and label.attempts == 2 and "out of paper" in (label.last_error or "")
    assert zebra.jobs == []
    zebra.mode = "ok"
    assert queue.process_due() == 0  # the backoff doubled: not due yet
    clock.at += timedelta(seconds=10)
    assert queue.process_due() == 2  # the relabel and the tote label, once each
    clock.at += timedelta(minutes=10)
    assert queue.process_due() == 0
    label = next(j for j in jobs(desk.db) if j.kind == "label")
    assert label.status == "done" and label.attempts == 3
    received = zebra.wait_for(2)
    assert received.count(expected_zpl(desk, label)) == 1 and len(received) == 2  # exactly once each


def test_transport_without_status_check_sends_only_the_job(zebra):
    spec = parse_printer("zebra", f"tcp://127.0.0.1:{zebra.port}?status=no&timeout=1")
    TcpTransport(spec).send(b"^XA^FDhello^FS^XZ", "job")
    assert zebra.wait_for(1) == [b"^XA^FDhello^FS^XZ"]


def test_unreachable_printer_error_names_the_printer():
    spec = parse_printer("dock-zebra", "tcp://127.0.0.1:1?timeout=0.3")
    with pytest.raises(PrinterUnavailable, match=r"dock-zebra \(127.0.0.1:1\) cannot be reached.*Check that it is on"):
        TcpTransport(spec).send(b"^XA^XZ", "job")


def test_hostile_catalog_name_reaches_the_printer_as_text(desk, worker, queue, zebra, db):
    from tests.helpers import product_where

    hostile = product_where(db, sku="EL-CBL-0069")  # "USB-C cable ^XA~JA 2m" in the demo catalog
    assert "^XA" in hostile.description
    item = finish_item(desk, worker, gtin=hostile.gtin)
    queue.process_due()
    label = next(job for job in zebra.wait_for(2) if item.lpn.encode() in job)
    assert label.count(b"^XA") == 1 and label.count(b"^XZ") == 1 and b"~JA" not in label
    assert b"USB-C cable _5EXA_7EJA 2m" in label
