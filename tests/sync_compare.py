"""Central == station, table by table, for every table a station pushes; and a station's day of changes.

Rows are compared as the central database should hold them: ids that are per database (audit events, totes)
are left out, a tote reference becomes the tote's code, and drafts (never pushed) are left out.
`Dock` makes every kind of change a station makes, one step at a time, with the print loop on a second
`Database` opened on the station's file (as a print thread may): the outbox belongs to the database.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select

from app.db.models import AuditEvent, Container, PrintJob, ReturnItem
from app.db.uow import Database
from app.domain.status import PUSHED_ITEM_STATUSES, JobStatus
from app.review import overrides, resolutions
from app.services import print_queue
from app.services.desk import Desk
from app.services.print_loop import PrintQueue
from app.services.views import ItemView
from app.sync.runner import read_status, sync_once
from tests.helpers import answer_all
from tests.print_helpers import use_printers

SYNCED_TABLES: tuple[Table, ...] = tuple(m.__table__ for m in (Container, ReturnItem, PrintJob, AuditEvent))  # type: ignore[misc]
ORDER_BY = {"container": ("code",), "return_item": ("id",), "print_job": ("id",),
            "audit_event": ("at", "action", "item_id", "detail")}


def synced_rows(db: Database, table: Table) -> list[dict[str, Any]]:
    """The table's rows as the other side must have them, in a stable order."""
    with db.engine.connect() as conn:
        codes = dict(conn.execute(select(Container.id, Container.code)).all())
        rows = [_normalised(table, dict(r._mapping), codes) for r in conn.execute(_query(table))]
    return _in_order(table, rows)


def _in_order(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Named keys first (for the messages), then every value: rows equal in the named keys still sort alike.
    return sorted(rows, key=lambda r: (tuple(str(r[k]) for k in ORDER_BY[table.name]),
                                       tuple(str(r[k]) for k in sorted(r))))


def _query(table: Table) -> Any:
    if table.name == "return_item":
        return select(table).where(table.c.status.in_([str(s) for s in PUSHED_ITEM_STATUSES]))
    return select(table)


def _normalised(table: Table, row: dict[str, Any], codes: dict[int, str]) -> dict[str, Any]:
    if table.name in ("audit_event", "container"):
        row.pop("id")
    if "container_id" in row:
        row["container"] = codes.get(row.pop("container_id"))  # type: ignore[arg-type]
    return row


def differences(station: Database, central: Database) -> list[str]:
    """What differs, in words (empty when central == station for every synced table)."""
    return stations_differences([station], central)


def stations_differences(stations: list[Database], central: Database) -> list[str]:
    """What differs between the central database and all these stations' rows together (several stations
    sharing one central database, as in the soak)."""
    found = []
    for table in SYNCED_TABLES:
        here = _in_order(table, [row for station in stations for row in synced_rows(station, table)])
        there = synced_rows(central, table)
        if len(here) != len(there):
            found.append(f"{table.name}: {len(here)} rows on the station, {len(there)} centrally")
            continue
        for mine, theirs in zip(here, there, strict=True):
            changed = {k: (v, theirs.get(k)) for k, v in mine.items() if theirs.get(k) != v}
            if changed:
                found.append(f"{table.name} {[mine[k] for k in ORDER_BY[table.name]]}: station vs central {changed}")
    return found


def assert_central_equals_station(station: Database, central: Database, after: str = "") -> None:
    problems = differences(station, central)
    assert not problems, f"after {after or 'the change'}:\n" + "\n".join(problems)


def refusing_port() -> int:
    """A local port nobody listens on: a printer there refuses at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def job_of(db: Database, item_id: uuid.UUID, kind: str) -> PrintJob:
    with db.unit_of_work() as uow:
        job = uow.session.scalars(select(PrintJob).where(PrintJob.item_id == item_id, PrintJob.kind == kind)
                                  .order_by(PrintJob.created_at.desc())).first()
        assert job is not None
        return job


class Dock:
    """One station's day, step by step: each step is one kind of change."""

    def __init__(self, desk: Desk, tmp_path: Path, gtin: str) -> None:
        use_printers(desk, tmp_path / "out", printers=f"dead=tcp://127.0.0.1:{refusing_port()}?status=no&timeout=1")
        self.desk = desk
        self.worker = desk.sign_in("B1001", "1111")
        self.supervisor = desk.sign_in("B2001", "2222")
        self.print_db = Database(desk.db.url)  # the print thread's own connections to the same file
        self.queue = PrintQueue(self.print_db, desk.ctx)
        self.gtin = gtin
        self.items: list[ItemView] = []

    def new_item(self) -> ItemView:
        item = self.desk.start_intake(self.worker, self.desk.classify(self.gtin))
        assert isinstance(item, ItemView)
        item = self.desk.finalize(self.worker, answer_all(self.desk, item).id)
        self.items.append(item)
        return item

    def finalize(self) -> None:
        for _ in range(3):
            self.new_item()

    def print_all(self) -> None:
        assert self.queue.process_due() > 0

    def void_printed(self) -> None:
        self.desk.void_item(self.worker, self.items[0].id, "wrong_answer")

    def void_before_printing(self) -> None:  # its queued label and slip are cancelled
        item = self.new_item()
        self.desk.void_item(self.worker, item.id, "wrong_answer")
        assert job_of(self.desk.db, item.id, "label").status == JobStatus.CANCELLED

    def reroute(self) -> None:  # send a queued label to the spare printer, then print
        item = self.new_item()
        self.desk.send_job_to(self.worker, job_of(self.desk.db, item.id, "label").id, "spare")
        self.queue.process_due()

    def reprint(self) -> None:
        self.desk.reprint_job(self.worker, job_of(self.desk.db, self.items[1].id, "label").id, "label torn")
        self.queue.process_due()

    def cancel(self) -> None:
        item = self.new_item()
        self.desk.cancel_job(self.worker, job_of(self.desk.db, item.id, "slip").id)

    def printer_fails(self) -> None:  # the job waits with the printer's error and a retry time
        item = self.new_item()
        self.desk.send_job_to(self.worker, job_of(self.desk.db, item.id, "label").id, "dead")
        self.queue.process_due()
        assert job_of(self.desk.db, item.id, "label").status == JobStatus.WAITING

    def crash_while_printing(self) -> None:  # claimed, then the app died; at start-up it waits again
        self.new_item()
        with self.print_db.unit_of_work() as uow:
            assert print_queue.claim_next(uow, self.desk.ctx.station_id, self.desk.ctx.clock.now()) is not None
        assert self.queue.recover() == 1

    def retry_now(self) -> None:  # the waiting job is tried again at once, and fails again
        failing = next(j for j in self.desk.print_jobs() if j.status == JobStatus.WAITING)
        self.desk.retry_job_now(failing.id)
        self.queue.process_due()

    def sign_in_again(self) -> None:
        self.worker = self.desk.sign_in("B1001", "1111")

    def draft_work(self) -> None:  # drafts stay on the station; what was done to them is audited centrally
        draft = self.desk.start_intake(self.worker, self.desk.classify(self.gtin))
        assert isinstance(draft, ItemView)
        draft = answer_all(self.desk, draft)
        self.desk.undo_answer(draft.id)
        self.desk.cancel_draft(self.worker, draft.id)

    def regrade(self) -> None:  # the voided item scanned again: a new record of the same unit
        draft = self.desk.regrade(self.worker, self.items[0].id)
        self.items.append(self.desk.finalize(self.worker, answer_all(self.desk, draft).id))

    def confirm_tote(self) -> None:
        tote = self.desk.tote_of_item(self.items[1].id)
        assert tote is not None
        self.desk.confirm_tote(self.worker, self.items[1].id, tote.code)

    def close_tote(self) -> None:  # the manifest is queued, the next tote opens with its label
        tote = self.desk.tote_of_item(self.items[1].id)
        assert tote is not None
        self.desk.close_tote(self.supervisor, tote.code)
        self.queue.process_due()

    def died_mid_send(self) -> None:  # the app died while a label was on its way: a person checks the printer
        self.new_item()

        def dies(_printer: str, _payload: bytes, _name: str) -> None:
            raise SystemExit("killed mid-send")

        try:
            self.queue.process_batch(dies)
        except SystemExit:
            pass
        self.queue.recover()
        unsure = next(j for j in self.desk.print_jobs() if j.status == JobStatus.UNSURE)
        self.desk.settle_unsure_job(self.worker, unsure.id, printed=False)
        self.queue.process_due()

    def flag(self) -> None:  # a worker asks a supervisor to look at a finished item
        self.desk.flag_for_supervisor(self.worker, self.items[1].id, "seal looks re-glued")

    def resolve(self) -> None:  # the supervisor releases it with a note: audited, relabelled, its tote follows
        with self.desk.db.unit_of_work() as uow:
            resolutions.resolve(uow, self.desk.ctx, self.supervisor, self.items[1].id, "release",
                                "factory seal, checked", disposition="recycle")
        self.queue.process_due()

    def override(self) -> None:  # a supervisor changes a decision with a reason; the slip reprints
        with self.desk.db.unit_of_work() as uow:
            overrides.override(uow, self.desk.ctx, self.supervisor, self.items[2].id, disposition="liquidate",
                               reason="other", note="box crushed in the tote")
        self.queue.process_due()

    def steps(self) -> list[tuple[str, Callable[[], None]]]:
        return [(name, getattr(self, name)) for name in (
            "finalize", "print_all", "void_printed", "void_before_printing", "reroute", "reprint", "cancel",
            "printer_fails", "retry_now", "crash_while_printing", "died_mid_send", "sign_in_again", "draft_work",
            "regrade", "confirm_tote", "flag", "resolve", "override", "close_tote")]


def check_every_change(dock: Dock, central: Database) -> None:
    """Each step, then a sync round, then central == station for every synced table."""
    try:
        for name, step in dock.steps():
            step()
            sync_once(dock.desk.db, central, dock.desk.ctx.station_id)
            assert read_status(dock.desk.db).waiting == 0, f"after {name}: changes still wait"
            assert_central_equals_station(dock.desk.db, central, after=name)
    finally:
        dock.print_db.dispose()
    with central.unit_of_work() as uow:  # print history centrally: every state a job can end in
        statuses = set(uow.session.scalars(select(PrintJob.status)))
    assert statuses == {JobStatus.DONE, JobStatus.CANCELLED, JobStatus.WAITING}
