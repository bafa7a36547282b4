"""The station's services bound to its database and context: each call is one unit of work.

The one facade the station screen, the CLI, tests and benchmarks call (the UI always from the database
thread). Method names are the station core's `Op` values (app/station/actions.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from app.db.uow import Database
from app.review import flags
from app.scanning.classify import Scan, classify_scan
from app.services import finalize as fin
from app.services import intake, operators, print_queue, totes
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.print_queue import PrintJobView
from app.services.totes import ToteView
from app.services.views import ItemView, OperatorView


@dataclass(frozen=True)
class SavedItem:
    """A finalized item and the tote it goes into, from one transaction."""

    item: ItemView
    tote: ToteView | None


class Desk:
    def __init__(self, db: Database, ctx: StationContext,
                 first_pin: Callable[[str, str], OperatorView] | None = None) -> None:
        self.db = db
        self.ctx = ctx
        # In station mode a first PIN is kept centrally, so every station's next pull has it (the wiring
        # passes app/review/operators_admin.OperatorDesk.set_first_pin); else this station's own copy.
        self._first_pin = first_pin

    def classify(self, raw: str) -> Scan:
        return classify_scan(raw, self.ctx.rma_pattern, self.ctx.badge_pattern)

    # Sign-in
    def look_up_badge(self, badge: str) -> operators.BadgeStatus:
        with self.db.unit_of_work(read_only=True) as uow:
            return operators.look_up_badge(uow, badge)

    def sign_in(self, badge: str, pin: str) -> OperatorView:
        with self.db.unit_of_work() as uow:
            return operators.sign_in(uow, self.ctx, badge, pin)

    def sign_out(self, operator: OperatorView) -> None:
        with self.db.unit_of_work() as uow:
            record_event(uow, self.ctx, operator.id, "signed_out", None, detail=f"badge {operator.badge}")

    def set_first_pin(self, badge: str, pin: str) -> OperatorView:
        if self._first_pin is not None:
            return self._first_pin(badge, pin)
        with self.db.unit_of_work() as uow:
            return operators.set_first_pin(uow, self.ctx, badge, pin)

    # Intake
    def open_draft(self) -> ItemView | None:
        with self.db.unit_of_work() as uow:
            return intake.find_open_draft(uow, self.ctx)

    def start_intake(
        self, operator: OperatorView, scan: Scan, rma_number: str | None = None
    ) -> ItemView | intake.UnknownProduct:
        with self.db.unit_of_work() as uow:
            return intake.start_intake(uow, self.ctx, operator, scan, rma_number)

    def start_unknown_intake(
        self, operator: OperatorView, scan: Scan, description: str, category: str, rma_number: str | None = None
    ) -> ItemView:
        with self.db.unit_of_work() as uow:
            return intake.start_unknown_intake(uow, self.ctx, operator, scan, description, category, rma_number)

    def find_by_lpn(self, lpn: str) -> ItemView:
        with self.db.unit_of_work(read_only=True) as uow:
            return intake.find_by_lpn(uow, lpn)

    def check_rma(self, rma_number: str) -> str:
        with self.db.unit_of_work(read_only=True) as uow:
            return intake.find_rma(uow, rma_number).rma_number

    def attach_rma(self, item_id: uuid.UUID, rma_number: str) -> ItemView:
        with self.db.unit_of_work() as uow:
            return intake.attach_rma(uow, self.ctx, item_id, rma_number)

    def set_serial(self, item_id: uuid.UUID, serial: str) -> ItemView:
        with self.db.unit_of_work() as uow:
            return intake.set_serial(uow, self.ctx, item_id, serial)

    def answer(self, item_id: uuid.UUID, question_id: str, raw: str) -> ItemView:
        with self.db.unit_of_work() as uow:
            return intake.answer(uow, self.ctx, item_id, question_id, raw)

    def undo_answer(self, item_id: uuid.UUID) -> ItemView:
        with self.db.unit_of_work() as uow:
            return intake.undo_answer(uow, self.ctx, item_id)

    def nothing_else_wrong(self, item_id: uuid.UUID) -> ItemView:
        with self.db.unit_of_work() as uow:
            return intake.nothing_else_wrong(uow, self.ctx, item_id)

    def regrade(self, operator: OperatorView, item_id: uuid.UUID) -> ItemView:
        with self.db.unit_of_work() as uow:
            return intake.regrade(uow, self.ctx, operator, item_id)

    def cancel_draft(self, operator: OperatorView, item_id: uuid.UUID) -> None:
        with self.db.unit_of_work() as uow:
            intake.cancel_draft(uow, self.ctx, operator, item_id)

    # Decision
    def preview(self, item_id: uuid.UUID) -> fin.Decision:
        with self.db.unit_of_work() as uow:
            return fin.preview_decision(uow, self.ctx, item_id)

    def finalize(self, operator: OperatorView, item_id: uuid.UUID) -> ItemView:
        with self.db.unit_of_work() as uow:
            return fin.finalize(uow, self.ctx, operator, item_id)

    def save_item(self, operator: OperatorView, item_id: uuid.UUID) -> SavedItem:
        """Finalize, and say which tote the item goes into (the station shows both at once)."""
        with self.db.unit_of_work() as uow:
            item = fin.finalize(uow, self.ctx, operator, item_id)
            return SavedItem(item, fin.tote_of_finalized(uow, self.ctx, item_id))

    def void_item(self, operator: OperatorView, item_id: uuid.UUID, reason_code: str, note: str = "") -> ItemView:
        with self.db.unit_of_work() as uow:
            return fin.void_item(uow, self.ctx, operator, item_id, reason_code, note)

    def flag_for_supervisor(self, operator: OperatorView, item_id: uuid.UUID, note: str) -> ItemView:
        """F7: a finished item goes to the supervisor's exceptions queue with the worker's note."""
        with self.db.unit_of_work() as uow:
            return flags.flag_for_supervisor(uow, self.ctx, operator, item_id, note)

    # Totes
    def tote_of_item(self, item_id: uuid.UUID) -> ToteView | None:
        with self.db.unit_of_work(read_only=True) as uow:
            return totes.tote_of_item(uow, self.ctx, item_id)

    def confirm_tote(self, operator: OperatorView, item_id: uuid.UUID, code: str) -> ToteView:
        with self.db.unit_of_work() as uow:
            return totes.confirm_tote(uow, self.ctx, operator, item_id, code)

    def open_totes(self) -> list[ToteView]:
        with self.db.unit_of_work(read_only=True) as uow:
            return totes.list_open_totes(uow, self.ctx)

    def close_tote(self, operator: OperatorView, code: str) -> tuple[ToteView, ToteView]:
        with self.db.unit_of_work() as uow:
            return totes.close_tote(uow, self.ctx, operator, code)

    # The print queue, as people use it (F9, `print-queue`); the print loop itself is PrintQueue's
    def print_jobs(self) -> list[PrintJobView]:
        with self.db.unit_of_work(read_only=True) as uow:
            return print_queue.list_jobs(uow, self.ctx.station_id)

    def send_job_to(self, operator: OperatorView, job_id: uuid.UUID, printer: str) -> PrintJobView:
        with self.db.unit_of_work() as uow:
            return print_queue.send_to_printer(uow, self.ctx, operator, job_id, printer)

    def reprint_job(self, operator: OperatorView, job_id: uuid.UUID, reason: str,
                    printer: str | None = None) -> PrintJobView:
        with self.db.unit_of_work() as uow:
            return print_queue.reprint(uow, self.ctx, operator, job_id, reason, printer)

    def cancel_job(self, operator: OperatorView, job_id: uuid.UUID) -> None:
        with self.db.unit_of_work() as uow:
            print_queue.cancel(uow, self.ctx, operator, job_id)

    def settle_unsure_job(self, operator: OperatorView, job_id: uuid.UUID, printed: bool) -> PrintJobView:
        """The person at the printer says whether a job the app stopped while sending did print."""
        with self.db.unit_of_work() as uow:
            return print_queue.settle_unsure(uow, self.ctx, operator, job_id, printed)

    def retry_job_now(self, job_id: uuid.UUID) -> None:
        with self.db.unit_of_work() as uow:
            print_queue.retry_now(uow, self.ctx, job_id)
