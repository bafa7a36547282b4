"""One item from scan to a complete checklist: start, serial, RMA, answers, back, cancel, resume.

The item is a `draft` row from the first scan on, and every step is saved, so a crash or a closed app
loses nothing: the draft is offered back at the next sign-in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from app.db.models import Product, Recall, ReturnItem, Rma, RmaLine
from app.db.uow import UnitOfWork
from app.domain import checklist as cl
from app.domain.recalls import RecallMatch, RecallNotice, find_recall
from app.domain.status import ItemStatus
from app.domain.vocab import CATEGORIES
from app.errors import DuplicateUnit, InvalidState, NotFound
from app.scanning.classify import Scan, ScanKind
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.decision import settle_decision
from app.services.items import (
    days_since_purchase,
    draft_view,
    load_draft,
    load_item,
    template_for,
    template_of,
    view_of,
)
from app.services.views import ItemView, OperatorView

__all__ = ["UnknownProduct", "days_since_purchase", "load_draft", "load_item", "template_of", "view_of"]


@dataclass(frozen=True)
class UnknownProduct:
    """The scanned code is not in the catalog: the worker describes the item, then it is graded."""

    code: str
    scan: Scan


def find_open_draft(uow: UnitOfWork, ctx: StationContext) -> ItemView | None:
    row = uow.session.scalars(
        select(ReturnItem)
        .where(ReturnItem.station_id == ctx.station_id, ReturnItem.status == ItemStatus.DRAFT)
        .order_by(ReturnItem.created_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    if template_of_or_none(ctx, row) is not None:
        settle_decision(uow, ctx, row)  # the rules may have changed since it was saved
    return draft_view(uow, ctx, row)


def template_of_or_none(ctx: StationContext, row: ReturnItem) -> cl.ChecklistTemplate | None:
    try:
        return template_of(ctx, row)
    except InvalidState:
        return None


def find_product(uow: UnitOfWork, scan: Scan) -> Product | None:
    column = Product.gtin if scan.gtin else Product.sku
    return uow.session.scalars(select(Product).where(column == scan.value)).one_or_none()


def find_rma(uow: UnitOfWork, rma_number: str) -> Rma:
    rma = uow.session.scalars(select(Rma).where(Rma.rma_number == rma_number)).one_or_none()
    if rma is None:
        raise NotFound(f"RMA {rma_number} is not known here. Check the label, or grade the item without an RMA.")
    return rma


def start_intake(
    uow: UnitOfWork, ctx: StationContext, operator: OperatorView, scan: Scan, rma_number: str | None = None
) -> ItemView | UnknownProduct:
    """A product scan opens a draft item (or asks for a description when the code is not in the catalog)."""
    if scan.kind is not ScanKind.PRODUCT:
        raise InvalidState(f"Scan the item's product barcode to start (this was a {scan.kind.value} barcode).")
    _refuse_if_draft_open(uow, ctx)
    product = find_product(uow, scan)
    if product is None:
        return UnknownProduct(scan.value, scan)
    return _open_draft(uow, ctx, operator, scan, product, product.category, None, rma_number)


def start_unknown_intake(
    uow: UnitOfWork,
    ctx: StationContext,
    operator: OperatorView,
    scan: Scan,
    description: str,
    category: str,
    rma_number: str | None = None,
) -> ItemView:
    description = description.strip()
    if not description:
        raise InvalidState("Type a few words that describe the item (e.g. 'blue kettle, no box').")
    if category not in CATEGORIES:
        raise InvalidState(f"Pick a category: {', '.join(CATEGORIES.values())}.")
    _refuse_if_draft_open(uow, ctx)
    return _open_draft(uow, ctx, operator, scan, None, category, description[:200], rma_number)


def _refuse_if_draft_open(uow: UnitOfWork, ctx: StationContext) -> None:
    draft = find_open_draft(uow, ctx)
    if draft is not None:
        raise InvalidState(
            f"{draft.description} is still open on this station. Finish it, or press Esc to cancel it first."
        )


def _open_draft(
    uow: UnitOfWork,
    ctx: StationContext,
    operator: OperatorView,
    scan: Scan,
    product: Product | None,
    category: str,
    unknown_description: str | None,
    rma_number: str | None,
) -> ItemView:
    template = template_for(ctx, category)
    row = ReturnItem(
        id=uuid.uuid4(),
        station_id=ctx.station_id,
        operator_id=operator.id,
        scanned_code=scan.raw[:200],
        product_id=product.id if product else None,
        unknown_description=unknown_description,
        category=category,
        lot=scan.lot,
        expiry=scan.expiry,
        checklist_id=template.id,
        checklist_version=template.version,
        answers={},
        answer_order=[],
        flags=[],
        found_reasons=[],
        status=ItemStatus.DRAFT,
        created_at=ctx.clock.now(),
    )
    # No flush until the commit: the draft is written once, with its flags and decision (it was inserted, then
    # updated twice by autoflushes: issue 12). Its reads (RMA, serial, recall) never needed the new row.
    with uow.session.no_autoflush:
        uow.session.add(row)
        if rma_number:
            _attach_rma(uow, ctx, row, product, find_rma(uow, rma_number))
        if scan.serial:
            _set_serial(uow, ctx, row, product, scan.serial)
        refresh_flags(uow, ctx, row, product)
        record_event(uow, ctx, operator.id, "intake_started", row.id, detail=scan.value)
        return changed(uow, ctx, row)


def attach_rma(uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID, rma_number: str) -> ItemView:
    row = load_draft(uow, item_id)
    product = uow.session.get(Product, row.product_id) if row.product_id else None
    _attach_rma(uow, ctx, row, product, find_rma(uow, rma_number))
    refresh_flags(uow, ctx, row, product)
    record_event(uow, ctx, row.operator_id, "rma_attached", row.id, detail=rma_number)
    return changed(uow, ctx, row)


def _attach_rma(
    uow: UnitOfWork, ctx: StationContext, row: ReturnItem, product: Product | None, rma: Rma
) -> None:
    row.rma_number = rma.rma_number
    row.rma_line_id = None
    if product is None:
        return
    candidates = [line for line in rma.lines if line.sku == product.sku]
    # Prefer the line whose expected serial is the one scanned, then a line with units still to come.
    for line in candidates:
        if row.serial and line.expected_serial == row.serial:
            row.rma_line_id = line.id
            return
    for line in candidates:
        if _units_received(uow, line.id) < line.qty:
            row.rma_line_id = line.id
            return
    if candidates:
        line = candidates[0]
        last = _last_final_lpn_for_line(uow, line.id)
        raise DuplicateUnit(
            f"RMA {rma.rma_number} line {line.line_no} expected {line.qty} unit(s) of {product.sku}, "
            f"all already received (last: {last}). This looks like the same unit scanned again: "
            "no new record was made.",
            last or "",
        )


def _units_received(uow: UnitOfWork, line_id: int) -> int:
    return uow.session.scalar(
        select(func.count()).where(ReturnItem.rma_line_id == line_id, ReturnItem.status == ItemStatus.FINAL)
    ) or 0


def _last_final_lpn_for_line(uow: UnitOfWork, line_id: int) -> str | None:
    return uow.session.scalar(
        select(ReturnItem.lpn)
        .where(ReturnItem.rma_line_id == line_id, ReturnItem.status == ItemStatus.FINAL)
        .order_by(ReturnItem.finalized_at.desc())
        .limit(1)
    )


def set_serial(uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID, serial: str) -> ItemView:
    row = load_draft(uow, item_id)
    product = uow.session.get(Product, row.product_id) if row.product_id else None
    serial = serial.strip()
    if not serial or len(serial) > 64:
        raise InvalidState("Scan the serial number barcode (1 to 64 characters).")
    _set_serial(uow, ctx, row, product, serial)
    refresh_flags(uow, ctx, row, product)
    record_event(uow, ctx, row.operator_id, "serial_scanned", row.id, detail=serial)
    return changed(uow, ctx, row)


def _set_serial(
    uow: UnitOfWork, ctx: StationContext, row: ReturnItem, product: Product | None, serial: str
) -> None:
    if product is not None:
        earlier = uow.session.scalars(
            select(ReturnItem).where(
                ReturnItem.product_id == product.id,
                ReturnItem.serial == serial,
                ReturnItem.status == ItemStatus.FINAL,
            )
        ).first()
        if earlier is not None:
            when = earlier.finalized_at.strftime("%d %b %H:%M") if earlier.finalized_at else "earlier"
            raise DuplicateUnit(
                f"This unit ({product.sku}, serial {serial}) was already graded {when} as {earlier.lpn} "
                f"(grade {earlier.grade}, {earlier.disposition}). No new record was made.",
                earlier.lpn or "",
            )
    row.serial = serial
    if product is not None and row.rma_line_id is None and row.rma_number is None:
        # The serial can find the RMA by itself when the worker did not scan the RMA label.
        line = uow.session.scalars(
            select(RmaLine).where(RmaLine.sku == product.sku, RmaLine.expected_serial == serial)
        ).first()
        if line is not None:
            row.rma_line_id = line.id
            row.rma_number = line.rma.rma_number


def refresh_flags(uow: UnitOfWork, ctx: StationContext, row: ReturnItem, product: Product | None) -> None:
    """Intake facts (not checklist answers) as flags and found reasons, recomputed after every change."""
    line = uow.session.get(RmaLine, row.rma_line_id) if row.rma_line_id else None
    flags = _product_flags(product)
    reasons: list[str] = []
    if row.rma_number is None:
        flags.append("no_rma")
    elif line is None:
        flags.append("sku_mismatch")
        reasons.append("wrong_item_returned")
    if line is not None:
        line_flags = _rma_line_flags(ctx, row, line)
        flags += line_flags
        if "serial_mismatch" in line_flags:
            reasons.append("serial_mismatch")
    if row.expiry is not None and row.expiry < ctx.local_today():
        flags.append("expired")  # from the GS1 expiry (AI 17); rules decide what it means
    recall = recall_match(uow, product, row.lot, row.serial)
    if recall is not None:
        # The found reason routes it (rule "recalled"); the flags say it on the card and in the queue.
        flags += ["recalled"] if recall.certain else ["recalled", "recall_unverified"]
        reasons.append("recalled")
    row.recall_ref = recall.reference if recall is not None else None
    row.flags = flags
    row.found_reasons = reasons
    row.claimed_reason = line.claimed_reason if line is not None else ""


def recall_match(
    uow: UnitOfWork, product: Product | None, lot: str | None, serial: str | None
) -> RecallMatch | None:
    """The active recall notice this unit falls under (by its product's GTIN, lot and serial), if any."""
    if product is None or not product.gtin:
        return None
    rows = uow.session.scalars(select(Recall).where(Recall.gtin == product.gtin, Recall.active.is_(True)))
    notices = [
        RecallNotice(r.reference, r.gtin, r.lot_from, r.lot_to, r.serial_from, r.serial_to, r.notice)
        for r in rows
    ]
    return find_recall(notices, product.gtin, lot, serial)


def _product_flags(product: Product | None) -> list[str]:
    if product is None:
        return ["unknown_item"]
    return [flag for flag, on in (("hazardous", product.hazmat), ("data_bearing", product.data_bearing)) if on]


def _rma_line_flags(ctx: StationContext, row: ReturnItem, line: RmaLine) -> list[str]:
    flags: list[str] = []
    if line.expected_serial and row.serial and line.expected_serial != row.serial:
        flags.append("serial_mismatch")
    if line.expected_lot and row.lot and line.expected_lot != row.lot:
        flags.append("lot_mismatch")
    days = days_since_purchase(line.rma.order_date, ctx.local_today())
    if days is not None and days > line.rma.return_window_days:
        flags.append("outside_window")
    return flags


def changed(uow: UnitOfWork, ctx: StationContext, row: ReturnItem) -> ItemView:
    """After every change to a draft: settle its decision once, and hand back where it stands."""
    settle_decision(uow, ctx, row)
    return draft_view(uow, ctx, row)


def answer(
    uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID, question_id: str, raw: str
) -> ItemView:
    """Record one answer. `question_id` must be the question on screen, so a stale key press is refused."""
    row = load_draft(uow, item_id)
    template = template_of(ctx, row)
    question = cl.next_question(template, row.answers)
    if question is None or question.id != question_id:
        raise InvalidState("That question is no longer on screen; the checklist moved on. Check the screen.")
    try:
        value = cl.parse_answer(question, raw)
    except ValueError as exc:
        raise InvalidState(str(exc)) from None
    answers = dict(row.answers)
    answers[question.id] = value
    order = [q for q in row.answer_order if q != question.id] + [question.id]
    # Answers to questions that this answer now skips are dropped, so the record says only what counts.
    visible = {q.id for q in cl.visible_questions(template, answers)}
    row.answers = {k: v for k, v in answers.items() if k in visible}
    row.answer_order = [q for q in order if q in visible]
    return changed(uow, ctx, row)


def undo_answer(uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID) -> ItemView:
    """Backspace: take back the last answer."""
    row = load_draft(uow, item_id)
    if row.answer_order:
        last = row.answer_order[-1]
        row.answers = {k: v for k, v in row.answers.items() if k != last}
        row.answer_order = row.answer_order[:-1]
        row.auto_answered = [q for q in row.auto_answered or () if q != last]
    return changed(uow, ctx, row)


def nothing_else_wrong(uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID) -> ItemView:
    """One key: the remaining inspection questions get their no-defect answer, recorded as answered that way.

    Questions the checklist marks `never_skip` (safety, data wipe) and number questions are still asked.
    """
    row = load_draft(uow, item_id)
    template = template_of(ctx, row)
    answers, auto = cl.nothing_else_wrong(template, row.answers)
    if not auto:
        question = cl.next_question(template, row.answers)
        what = f"“{question.text}”" if question is not None else "This question"
        raise InvalidState(f"{what} must always be answered: press the number of the answer.")
    row.answers = dict(answers)
    row.answer_order = [*row.answer_order, *auto]
    row.auto_answered = [*(row.auto_answered or ()), *auto]
    record_event(uow, ctx, row.operator_id, "nothing_else_wrong", row.id, detail=", ".join(auto)[:500],
                 after={"answered": list(auto)})
    return changed(uow, ctx, row)


def regrade(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, item_id: uuid.UUID) -> ItemView:
    """A voided item scanned again: a new draft of the same unit (same product, RMA, serial, lot, expiry)."""
    voided = load_item(uow, item_id)
    if voided.status != ItemStatus.VOIDED:
        raise InvalidState(f"{voided.lpn} is {voided.status}, not voided: void it first (F8) to regrade it.")
    _refuse_if_draft_open(uow, ctx)
    product = uow.session.get(Product, voided.product_id) if voided.product_id else None
    template = template_for(ctx, voided.category)
    row = ReturnItem(
        id=uuid.uuid4(), station_id=ctx.station_id, operator_id=operator.id, scanned_code=voided.scanned_code,
        product_id=voided.product_id, unknown_description=voided.unknown_description, category=voided.category,
        lot=voided.lot, expiry=voided.expiry, serial=voided.serial, rma_number=voided.rma_number,
        rma_line_id=voided.rma_line_id, checklist_id=template.id, checklist_version=template.version,
        answers={}, answer_order=[], auto_answered=[], flags=[], found_reasons=[], status=ItemStatus.DRAFT,
        created_at=ctx.clock.now(),
    )
    with uow.session.no_autoflush:  # written once, at the commit (as a new draft above)
        uow.session.add(row)
        refresh_flags(uow, ctx, row, product)
        record_event(uow, ctx, operator.id, "regrade_started", row.id, detail=voided.lpn or "")
        return changed(uow, ctx, row)


def cancel_draft(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, item_id: uuid.UUID) -> None:
    row = load_draft(uow, item_id)
    record_event(
        uow, ctx, operator.id, "draft_cancelled", row.id,
        before={"scanned_code": row.scanned_code, "answers": row.answers},
    )
    uow.session.delete(row)


def find_by_lpn(uow: UnitOfWork, lpn: str) -> ItemView:
    row = uow.session.scalars(select(ReturnItem).where(ReturnItem.lpn == lpn)).one_or_none()
    if row is None:
        raise NotFound(f"No item has the label {lpn}. Check the label, or scan the product barcode.")
    return view_of(uow, row)
