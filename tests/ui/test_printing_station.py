"""Printing at the real station window: preview and tote after a save, tote scans green/red, the queue
status in the status bar, send a waiting job to another printer, reprint with a reason, close a tote."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.db.models import AuditEvent, PrintJob, ReturnItem
from app.printing.setup import print_setup
from app.services.totes import open_tote
from tests.helpers import product_where
from ui.screens.station_controller import Step


def finish_one(station, db) -> ReturnItem:
    station.scan(product_where(db, serialized=False).gtin)
    station.answer_all()
    station.key(Qt.Key.Key_Return)
    assert station.controller.step is Step.READY
    with db.unit_of_work() as uow:
        row = uow.session.scalars(select(ReturnItem).where(ReturnItem.status == "final")
                                  .order_by(ReturnItem.lpn.desc())).first()
        uow.session.expunge(row)
        return row


def job_states(db) -> dict[str, str]:
    with db.unit_of_work() as uow:
        return {f"{j.kind}:{j.printer}": j.status for j in uow.session.scalars(select(PrintJob))}


def wait_printed(station, qtbot) -> None:
    """Every job printed, and the status bar has caught up with it."""
    def done() -> bool:
        states = set(job_states(station.window.desk.db).values())
        return states <= {"done", "cancelled"} and station.window.printing.status_label.text() == (
            "Printing: all printed")

    qtbot.waitUntil(done, timeout=8000)


def test_saved_item_shows_its_label_and_tote_and_prints(station, db, qtbot, tmp_path):
    station.sign_in()
    item = finish_one(station, db)
    panel = station.view.print_panel
    assert panel.isVisible()
    qtbot.waitUntil(lambda: panel.preview.pixmap() is not None and not panel.preview.pixmap().isNull(), timeout=5000)
    qtbot.waitUntil(lambda: "TOTE-D01-00001" in panel.tote_line.text(), timeout=5000)
    assert panel.state == "pending" and "Scan the tote" in panel.tote_hint.text()
    wait_printed(station, qtbot)
    printed = sorted(p.name for p in (tmp_path / "printed").iterdir())
    assert [name.split("-")[0] for name in printed] == ["label", "slip", "tote_label"]
    assert item.lpn in printed[0] and item.lpn in printed[1] and "TOTE-D01-00001" in printed[2]


def test_wrong_tote_is_red_and_right_tote_is_green(station, db, desk, qtbot):
    station.sign_in()
    item = finish_one(station, db)
    panel = station.view.print_panel
    qtbot.waitUntil(lambda: panel.state == "pending", timeout=5000)
    with desk.db.unit_of_work() as uow:
        other = open_tote(uow, desk.ctx, "restock" if item.disposition != "restock" else "quarantine").code
    station.scan(other)
    assert station.controller.feedback.last == "bad" and panel.state == "wrong"
    assert "Wrong tote" in station.banner() and "TOTE-D01-00001" in panel.tote_hint.text()
    with db.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, item.id).tote_confirmed_at is None
    station.scan("TOTE-D01-00001")
    assert station.controller.feedback.last == "good" and panel.state == "confirmed"
    assert f"{item.lpn} is in tote TOTE-D01-00001" in station.banner()
    with db.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, item.id).tote_confirmed_at is not None


def test_next_product_scan_starts_the_next_item_without_the_tote_scan(station, db, qtbot):
    station.sign_in()
    item = finish_one(station, db)
    station.scan(product_where(db, serialized=False, category="apparel").gtin)
    assert station.controller.step is Step.QUESTION
    assert not station.view.print_panel.isVisible()
    with db.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, item.id).tote_confirmed_at is None  # stays unconfirmed
    station.scan("TOTE-D01-00001")  # dropped in while the next item is on screen: still confirms the last one
    assert station.controller.step is Step.QUESTION and "is in tote TOTE-D01-00001" in station.banner()
    with db.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, item.id).tote_confirmed_at is not None


def test_printer_off_job_waits_visibly_and_goes_to_another_printer(make_station, desk, db, qtbot, tmp_path):
    desk.ctx.printing = print_setup(f"zebra=tcp://127.0.0.1:1?timeout=0.3, files=file:{tmp_path / 'printed'}",
                                    "zebra", "files")
    station = make_station()
    station.sign_in()
    finish_one(station, db)
    status = station.window.printing.status_label
    qtbot.waitUntil(lambda: "waiting" in status.text(), timeout=8000)
    assert "zebra" in status.text() and "cannot be reached" in status.text()
    assert job_states(db)["label:zebra"] == "waiting"
    station.key(Qt.Key.Key_F9)
    dialog = station.window.printing.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: any(j.kind == "label" for j in dialog.jobs), timeout=5000)
    for kind in ("label", "tote_label"):  # the relabel and the new tote's label both wait on the zebra
        qtbot.waitUntil(lambda k=kind: any(j.kind == k and j.printer == "zebra" for j in dialog.jobs), timeout=5000)
        dialog.select_job(next(j.id for j in dialog.jobs if j.kind == kind))
        dialog.send_selected_to("files")
        qtbot.waitUntil(lambda k=kind: job_states(db).get(f"{k}:files") == "done", timeout=8000)
    wait_printed(station, qtbot)
    with db.unit_of_work() as uow:
        assert uow.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "print_moved")).all() == [
            "label: zebra → files", "tote_label: zebra → files"]
    dialog.close()


def test_reprint_from_history_with_a_reason(station, db, qtbot, tmp_path):
    station.sign_in()
    item = finish_one(station, db)
    wait_printed(station, qtbot)
    dialog = station.window.printing.open_queue()
    assert dialog is not None
    qtbot.waitUntil(lambda: any(j.status == "done" for j in dialog.jobs), timeout=5000)
    dialog.select_job(next(j.id for j in dialog.jobs if j.kind == "label"))
    dialog.reprint_selected("")  # no reason: refused, with words
    qtbot.waitUntil(lambda: "why" in dialog.banner.text(), timeout=5000)
    dialog.reprint_selected("label torn")
    qtbot.waitUntil(lambda: len(list((tmp_path / "printed").glob("label-*"))) == 2, timeout=8000)
    with db.unit_of_work() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "reprinted")).one()
        assert event.item_id == item.id and "label torn" in event.detail
    dialog.close()


def test_f10_closes_a_tote_and_prints_its_manifest(station, db, qtbot, tmp_path):
    station.sign_in()
    finish_one(station, db)
    station.key(Qt.Key.Key_F10)
    assert station.controller.step is Step.TOTES and "TOTE-D01-00001" in station.texts()
    station.press("1")
    assert station.controller.step is Step.READY
    assert "Closed TOTE-D01-00001" in station.banner() and "TOTE-D01-00002" in station.banner()
    qtbot.waitUntil(lambda: any((tmp_path / "printed").glob("manifest-TOTE-D01-00001-*.pdf")), timeout=8000)


def test_jobs_are_sent_from_the_print_thread_never_the_gui_or_db_thread(station, db, qtbot, monkeypatch):
    import threading

    from app.services.print_loop import PrintQueue

    threads: list[str] = []
    original = PrintQueue.send

    def spy(self, printer, payload, name):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        original(self, printer, payload, name)

    monkeypatch.setattr(PrintQueue, "send", spy)
    station.sign_in()
    finish_one(station, db)
    wait_printed(station, qtbot)
    assert len(threads) == 3 and all(name.startswith("print") for name in threads)


def test_tote_scanned_while_the_next_item_waits_for_its_serial_confirms_the_last_one(station, db):
    station.sign_in()
    item = finish_one(station, db)
    station.scan(product_where(db, serialized=True, hazmat=False).gtin)
    assert station.controller.step is Step.SERIAL
    station.scan("TOTE-D01-00001")
    assert station.controller.step is Step.SERIAL  # the tote was not taken as a serial number
    assert station.controller.item.serial is None
    assert "is in tote TOTE-D01-00001" in station.banner()
    with db.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, item.id).tote_confirmed_at is not None
    station.scan("LP-D01-0000001")
    assert "Scan the serial number" in station.banner() and station.controller.item.serial is None


def test_a_job_left_sending_by_a_crash_asks_the_person_to_check_the_printer(make_station, desk, worker, db, qtbot,
                                                                             tmp_path):
    from tests.print_helpers import finish_item

    item = finish_item(desk, worker)
    with db.unit_of_work() as uow:  # the last run died while the label was on its way to the printer
        for job in uow.session.scalars(select(PrintJob).where(PrintJob.item_id == item.id)):
            job.status = "sending" if job.kind == "label" else "done"
    station = make_station()
    status = station.window.printing.status_label
    qtbot.waitUntil(lambda: "check at the printer" in status.text(), timeout=8000)
    assert not list((tmp_path / "printed").glob("label-*"))  # not sent again by itself
    station.sign_in()
    station.key(Qt.Key.Key_F9)
    dialog = station.window.printing.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: any(j.status == "unsure" for j in dialog.jobs), timeout=5000)
    row = next(i for i, j in enumerate(dialog.jobs) if j.status == "unsure")
    assert dialog.table.item(row, 2).text() == "CHECK PRINTER" and "Look at the printer" in dialog.table.item(
        row, 4).text()
    dialog.select_job(dialog.jobs[row].id)
    dialog.print_selected_again()
    qtbot.waitUntil(lambda: len(list((tmp_path / "printed").glob("label-*"))) == 1, timeout=8000)
    wait_printed(station, qtbot)
    dialog.close()
