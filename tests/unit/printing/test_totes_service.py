"""Totes: the right tote confirms, the wrong one is refused with a message, closing prints a manifest."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import AuditEvent, ReturnItem
from app.domain.codes import is_tote_code
from app.errors import WrongTote
from app.printing.documents import ManifestDoc, load
from app.services.print_loop import PrintQueue
from app.services.totes import open_tote
from tests.print_helpers import finish_item, jobs, rasterize_pdf, use_printers


@pytest.fixture
def totes(desk, tmp_path):
    use_printers(desk, tmp_path / "out")
    return desk  # the tote services are the Desk's


def test_tote_code_pattern():
    assert is_tote_code("TOTE-D01-00042")
    assert not is_tote_code("TOTE-D01-42") and not is_tote_code("LP-D01-0000042")


def test_item_goes_to_its_disposition_tote_unconfirmed(desk, worker, totes):
    item = finish_item(desk, worker)
    tote = totes.tote_of_item(item.id)
    assert tote is not None and tote.disposition == item.disposition and tote.code == "TOTE-D01-00001"
    assert (tote.items, tote.confirmed) == (1, 0)
    again = finish_item(desk, worker)
    assert totes.tote_of_item(again.id).code == tote.code  # one open tote per disposition


def test_right_tote_confirms_wrong_tote_is_refused(desk, worker, totes):
    item = finish_item(desk, worker)
    right = totes.tote_of_item(item.id)
    with desk.db.unit_of_work() as uow:
        other_disposition = "restock" if item.disposition != "restock" else "quarantine"
        other = open_tote(uow, desk.ctx, other_disposition).code
    with pytest.raises(WrongTote, match=f"Wrong tote: {other} is the .*Put {item.lpn} in {right.code}"):
        totes.confirm_tote(worker, item.id, other)
    with pytest.raises(WrongTote, match="not an open tote"):
        totes.confirm_tote(worker, item.id, "TOTE-D01-09999")
    with desk.db.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, item.id).tote_confirmed_at is None  # still unconfirmed
    confirmed = totes.confirm_tote(worker, item.id, right.code)
    assert confirmed.confirmed == 1
    with desk.db.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, item.id).tote_confirmed_at is not None
        assert uow.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "tote_confirmed")).all() == [
            right.code]


def test_closing_a_tote_queues_its_manifest_and_opens_the_next(desk, worker, totes, tmp_path):
    first = finish_item(desk, worker)
    second = finish_item(desk, worker)
    tote = totes.tote_of_item(first.id)
    totes.confirm_tote(worker, first.id, tote.code)
    closed, nxt = totes.close_tote(worker, tote.code)
    assert closed.status == "closed" and nxt.status == "open" and nxt.code == "TOTE-D01-00002"
    assert nxt.disposition == tote.disposition
    manifest_job = next(j for j in jobs(desk.db, items_only=False) if j.kind == "manifest")
    doc = load("manifest", manifest_job.payload)
    assert isinstance(doc, ManifestDoc)
    assert [line.lpn for line in doc.lines] == [first.lpn, second.lpn]
    assert [line.confirmed for line in doc.lines] == [True, False]
    assert doc.value_cents == sum(line.value_cents for line in doc.lines) > 0
    PrintQueue(desk.db, desk.ctx).process_due()
    pdf = next((tmp_path / "out").glob("manifest-*.pdf")).read_bytes()
    assert rasterize_pdf(pdf).getbbox() is not None  # a real, readable PDF page
    third = finish_item(desk, worker)
    assert totes.tote_of_item(third.id).code == nxt.code


def test_a_new_tote_gets_a_4x6_label_that_scans_as_its_code(desk, worker, totes):
    from app.printing.render import render_job

    item = finish_item(desk, worker)
    code = totes.tote_of_item(item.id).code
    job = next(j for j in jobs(desk.db, items_only=False) if j.kind == "tote_label")
    setup = desk.ctx.printing
    pdf = render_job("tote_label", job.payload, "pdf", setup.label, setup.slip)
    from tests.print_helpers import decode

    image = rasterize_pdf(pdf)
    assert image.size == (812, 1218)  # 4x6 at 203 dpi, even with 2x1 relabels
    assert decode(image) == [code]
    zpl = render_job("tote_label", job.payload, "zpl", setup.label, setup.slip)
    assert b"^PW812" in zpl and code.encode() in zpl


def _add_totes(desk, numbers, station="D01"):
    """Closed totes of earlier days, written straight into the file (the station had opened them)."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from app.db.models import Container
    from app.domain.codes import tote_code

    with desk.db.unit_of_work() as uow:
        uow.session.execute(insert(Container), [
            {"code": tote_code(station, n), "station_id": station, "disposition": "restock", "status": "closed",
             "opened_at": datetime(2026, 1, 1, tzinfo=UTC)} for n in numbers])


def _statements(db):
    from sqlalchemy import event

    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_a_new_tote_follows_the_newest_without_reading_every_code(desk, worker, totes):
    _add_totes(desk, range(1, 3001))
    _add_totes(desk, [7], station="D02")  # another station's totes do not count
    seen = _statements(desk.db)
    with desk.db.unit_of_work() as uow:
        code = open_tote(uow, desk.ctx, "quarantine").code
    assert code == "TOTE-D01-03001"
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT") and "container" in s]
    assert len(reads) <= 4  # the open tote, the newest id, its code, the new code is free
    one_row = ("LIMIT", "max(", "container.id = ", "container.code = ")
    assert all(any(mark in s for mark in one_row) for s in reads), reads  # each reads one row, not 3,000


def test_a_taken_number_is_skipped_never_reused(desk, worker, totes):
    _add_totes(desk, [5, 6, 4])  # opened out of order: the newest (4) is not the highest
    with desk.db.unit_of_work() as uow:
        assert open_tote(uow, desk.ctx, "quarantine").code == "TOTE-D01-00007"


def test_tote_numbers_go_on_past_99999(desk, worker, totes):
    _add_totes(desk, [99_999])
    item = finish_item(desk, worker)
    tote = totes.tote_of_item(item.id)
    assert tote.code == "TOTE-D01-100000"  # six digits from here; the five-digit codes stay as printed
    totes.confirm_tote(worker, item.id, tote.code)
    closed, nxt = totes.close_tote(worker, tote.code)
    assert closed.status == "closed" and nxt.code == "TOTE-D01-100001"
