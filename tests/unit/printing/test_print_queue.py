"""The persistent queue: jobs commit with the finalize, wait with backoff, move printers, reprint audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db.models import AuditEvent, PrintJob
from app.errors import InvalidState, PrinterUnavailable
from app.printing.documents import LabelDoc, SlipDoc, load
from app.services import print_queue
from app.services.print_loop import PrintQueue
from app.services.print_queue import backoff
from tests.print_helpers import decode_png, finish_item, jobs, use_printers


@pytest.fixture
def queue(desk, tmp_path):
    use_printers(desk, tmp_path / "out")
    return PrintQueue(desk.db, desk.ctx)


def test_finalize_queues_label_and_slip_in_the_same_transaction(desk, worker, queue):
    item = finish_item(desk, worker, with_rma=True)
    rows = jobs(desk.db)
    assert sorted(j.kind for j in rows) == ["label", "slip"]
    assert all(j.status == "queued" and j.item_id == item.id and j.created_by == worker.id for j in rows)
    label = load("label", next(j.payload for j in rows if j.kind == "label"))
    slip = load("slip", next(j.payload for j in rows if j.kind == "slip"))
    assert isinstance(label, LabelDoc) and label.barcode == item.lpn
    assert isinstance(slip, SlipDoc) and slip.lpn == item.lpn and slip.operator == worker.name
    assert slip.rma and slip.tote.startswith("TOTE-D01-") and slip.destination and slip.checklist


def test_a_failing_finalize_leaves_no_print_job(desk, worker, queue, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(print_queue, "enqueue_item_jobs", broken)
    with pytest.raises(RuntimeError):
        finish_item(desk, worker)
    assert jobs(desk.db) == []
    from app.db.models import ReturnItem

    with desk.db.unit_of_work() as uow:
        assert uow.session.scalars(select(ReturnItem.status)).all() == ["draft"]


def test_printed_jobs_are_files_and_done(desk, worker, queue, tmp_path):
    item = finish_item(desk, worker)
    assert queue.process_due() == 3  # the relabel, the slip, and the label of the tote just opened
    assert queue.process_due() == 0  # nothing prints twice
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert [f.split("-")[0] for f in files] == ["label", "slip", "tote_label"]
    assert all(item.lpn in f for f in files[:2]) and "TOTE-D01-00001" in files[2]
    assert {j.status for j in jobs(desk.db, items_only=False)} == {"done"}
    assert queue.status().text == "Printing: all printed"


def test_failure_waits_with_backoff_then_prints_once(desk, worker, queue, clock):
    finish_item(desk, worker)
    sent: list[str] = []

    def down(printer, payload, name):
        raise PrinterUnavailable("Printer files is out of paper.")

    assert queue.process_due(sender=down) == 3
    rows = jobs(desk.db, items_only=False)
    assert {(j.status, j.attempts) for j in rows} == {("waiting", 1)}
    assert all(j.next_attempt_at == clock.now() + timedelta(seconds=5) for j in rows)
    status = queue.status()
    assert status.waiting == 3 and status.failing == 3 and "out of paper" in status.text
    assert queue.process_due(sender=lambda *a: sent.append(a[2])) == 0  # not due yet
    clock.at += timedelta(seconds=5)
    assert queue.process_due(sender=lambda *a: sent.append(a[2])) == 3
    assert len(sent) == 3 and {j.status for j in jobs(desk.db, items_only=False)} == {"done"}


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff(30) == timedelta(minutes=5)


def test_send_a_waiting_job_to_another_printer_is_audited(desk, worker, queue, tmp_path):
    finish_item(desk, worker)
    queue.process_due(sender=lambda *a: (_ for _ in ()).throw(PrinterUnavailable("off")))
    job = next(j for j in desk.print_jobs() if j.kind == "label")
    moved = desk.send_job_to(worker, job.id, "spare")
    assert moved.printer == "spare"
    queue.process_due(sender=None)
    assert any(p.name.startswith("label-") for p in (tmp_path / "out" / "spare").iterdir())
    with desk.db.unit_of_work() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "print_moved")).one()
        assert event.after == {"printer": "spare"}
    with pytest.raises(InvalidState, match="Reprint it instead"):
        desk.send_job_to(worker, job.id, "files")


def test_reprint_needs_a_reason_and_is_audited(desk, worker, queue):
    item = finish_item(desk, worker)
    queue.process_due()
    label = next(j for j in desk.print_jobs() if j.kind == "label")
    with pytest.raises(InvalidState, match="why"):
        desk.reprint_job(worker, label.id, "  ")
    again = desk.reprint_job(worker, label.id, "label torn")
    assert again.status == "queued" and again.reason == "label torn" and again.subject == item.lpn
    with desk.db.unit_of_work() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "reprinted")).one()
        assert event.item_id == item.id and "label torn" in event.detail
        copies = uow.session.scalars(select(PrintJob.payload).where(PrintJob.kind == "label")).all()
        assert len(copies) == 2 and copies[0] == copies[1]  # the same document as decided then


def test_void_cancels_jobs_not_printed_yet(desk, worker, queue):
    item = finish_item(desk, worker)
    desk.void_item(worker, item.id, "wrong_item_scanned")
    assert {j.status for j in jobs(desk.db)} == {"cancelled"}
    assert queue.process_due() == 1  # only the tote's label: the tote stays open for the next item


def test_interrupted_job_is_sent_again_after_a_restart(desk, worker, queue):
    finish_item(desk, worker)
    with desk.db.unit_of_work() as uow:
        assert print_queue.claim_next(uow, "D01", desk.ctx.clock.now()) is not None  # then the app died
    assert queue.recover() == 1
    assert queue.process_due() == 3


def test_a_live_claim_is_left_alone_and_an_expired_one_is_taken_again(desk, worker, queue):
    """A print loop killed mid-batch (e.g. `print-queue --run`): its claims are another loop's after the lease,
    never before, and without waiting for the window to restart."""
    finish_item(desk, worker)
    now = desk.ctx.clock.now()
    with desk.db.unit_of_work() as uow:
        first = print_queue.claim_due(uow, "D01", now)  # then that loop died without sending them
    assert len(first) == 3
    with desk.db.unit_of_work() as uow:
        assert print_queue.claim_due(uow, "D01", now + print_queue.CLAIM_LEASE / 2) == []  # still its own
    with desk.db.unit_of_work() as uow:
        again = print_queue.claim_due(uow, "D01", now + print_queue.CLAIM_LEASE + timedelta(seconds=1))
    assert sorted(j.id for j in again) == sorted(j.id for j in first)


def test_preview_png_is_the_queued_label(desk, worker, queue):
    item = finish_item(desk, worker)
    png = queue.preview_png(item.id)
    assert png is not None and png.startswith(b"\x89PNG")
    assert decode_png(png) == [item.lpn]


def test_a_damaged_job_waits_with_a_message(desk, worker, queue):
    finish_item(desk, worker)
    with desk.db.unit_of_work() as uow:
        for job in uow.session.scalars(select(PrintJob)):
            job.payload = b"{not json"
    queue.process_due()
    assert all(j.status == "waiting" and "damaged" in (j.last_error or "") for j in jobs(desk.db, items_only=False))


class DiedMidSend(BaseException):
    """The process ending while the bytes are on their way (not an error the loop could handle)."""


def die_after_sending(printed: list[str]):
    def sender(_printer: str, _payload: bytes, name: str) -> None:
        printed.append(name)
        raise DiedMidSend

    return sender


def test_a_job_the_app_died_sending_is_never_sent_again_by_itself(desk, worker, queue, supervisor):
    finish_item(desk, worker)
    printed: list[str] = []
    with pytest.raises(DiedMidSend):
        queue.process_batch(die_after_sending(printed))
    assert queue.recover() == 3  # at the next start: one was being sent, two were claimed only
    unsure = [j for j in jobs(desk.db, items_only=False) if j.status == "unsure"]
    assert len(unsure) == 1 and unsure[0].id.hex[:8] in printed[0]
    assert queue.process_due() == 2  # the others print; the unsure one waits for a person
    assert queue.status().unsure == 1 and "check at the printer" in queue.status().text
    desk.settle_unsure_job(supervisor, unsure[0].id, printed=False)
    assert queue.process_due() == 1
    assert {j.status for j in jobs(desk.db, items_only=False)} == {"done"}
    with desk.db.unit_of_work() as uow:
        events = uow.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "print_checked")).all()
    assert events == [f"{unsure[0].kind}: not printed, sent again"]


def test_a_send_abandoned_past_its_lease_becomes_unsure_for_any_loop(desk, worker, queue, clock):
    """`print-queue --run` killed mid-send: no window restart needed; the next loop sees it after the lease."""
    finish_item(desk, worker)
    with pytest.raises(DiedMidSend):
        queue.process_batch(die_after_sending([]))
    clock.at += print_queue.CLAIM_LEASE + timedelta(seconds=1)
    assert queue.process_due() == 2
    statuses = sorted(j.status for j in jobs(desk.db, items_only=False))
    assert statuses == ["done", "done", "unsure"]


def test_a_claim_another_loop_took_over_is_not_sent(desk, worker, queue):
    """A loop so slow its lease ran out: the job is the other loop's now, so the slow one must not send it."""
    finish_item(desk, worker)
    now = desk.ctx.clock.now()
    with desk.db.unit_of_work() as uow:
        slow = print_queue.claim_due(uow, "D01", now)
    later = now + print_queue.CLAIM_LEASE + timedelta(seconds=1)
    with desk.db.unit_of_work() as uow:
        assert len(print_queue.claim_due(uow, "D01", later)) == 3
    with desk.db.unit_of_work() as uow:
        assert not any(print_queue.begin_send(uow, job, later) for job in slow)


def test_only_an_unsure_job_takes_the_printer_check(desk, worker, queue, supervisor):
    finish_item(desk, worker)
    job = jobs(desk.db)[0]
    with pytest.raises(InvalidState, match="only a job the app is unsure about"):
        desk.settle_unsure_job(supervisor, job.id, printed=True)


def test_retry_now_on_an_unsure_job_asks_to_look_at_the_printer(desk, worker, queue):
    finish_item(desk, worker)
    with pytest.raises(DiedMidSend):
        queue.process_batch(die_after_sending([]))
    queue.recover()
    unsure = next(j for j in jobs(desk.db, items_only=False) if j.status == "unsure")
    with pytest.raises(InvalidState, match="look at the printer"):
        desk.retry_job_now(unsure.id)
