"""One item from scan to a complete checklist: start, serial, RMA, answers, back, cancel, resume.

The item is a `draft` row from the first scan on, and every step is saved, so a crash or a closed app
loses nothing: the draft is offered back at the next sign-in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.db.models import Product, ReturnItem, Rma, RmaLine
from app.db.uow import UnitOfWork
from app.domain import checklist as cl
from app.domain.vocab import CATEGORIES
from app.errors import DuplicateUnit, InvalidState, NotFound
from app.scanning.classify import Scan, ScanKind
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.views import ItemView, OperatorView, item_view


@dataclass(frozen=True)
class UnknownProduct:
    """The scanned code is not in the catalog: the worker describes the item, then it is graded."""

    code: str
    scan: Scan


def load_item(uow: UnitOfWork, item_id: uuid.UUID) -> ReturnItem:
    row = uow.session.get(ReturnItem, item_id)
    if row is None:
        raise NotFound("That item no longer exists. Scan it again.")
    return row


def view_of(uow: UnitOfWork, row: ReturnItem) -> ItemView:
    product = uow.session.get(Product, row.product_id) if row.product_id is not None else None
    line = uow.session.get(RmaLine, row.rma_line_id) if row.rma_line_id is not None else None
    return item_view(row, product, line)


def find_open_draft(uow: UnitOfWork, ctx: StationContext) -> ItemView | None:
    row = uow.session.scalars(
        select(ReturnItem)
        .where(ReturnItem.station_id == ctx.station_id, ReturnItem.status == "draft")
        .order_by(ReturnItem.created_at.desc())
        .limit(1)
    ).first()
    return view_of(uow, row) if row is not None else None


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
    template = _template_for(ctx, category)
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
        status="draft",
        created_at=ctx.clock.now(),
    )
    uow.session.add(row)
    if rma_number:
        _attach_rma(uow, ctx, row, product, find_rma(uow, rma_number))
    if scan.serial:
        _set_serial(uow, ctx, row, product, scan.serial)
    _refresh_flags(uow, ctx, row, product)
    uow.session.flush()
    record_event(uow, ctx, operator.id, "intake_started", row.id, detail=scan.value)
    return view_of(uow, row)


def _template_for(ctx: StationContext, category: str) -> cl.ChecklistTemplate:
    try:
        return ctx.configuration.checklists[category]
    except KeyError:
        raise InvalidState(f"No checklist is set up for category '{category}'. Call IT.") from None


def attach_rma(uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID, rma_number: str) -> ItemView:
    row = load_draft(uow, item_id)
    product = uow.session.get(Product, row.product_id) if row.product_id else None
    _attach_rma(uow, ctx, row, product, find_rma(uow, rma_number))
    _refresh_flags(uow, ctx, row, product)
    record_event(uow, ctx, row.operator_id, "rma_attached", row.id, detail=rma_number)
    return view_of(uow, row)


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
        select(func.count()).where(ReturnItem.rma_line_id == line_id, ReturnItem.status == "final")
    ) or 0


def _last_final_lpn_for_line(uow: UnitOfWork, line_id: int) -> str | None:
    return uow.session.scalar(
        select(ReturnItem.lpn)
        .where(ReturnItem.rma_line_id == line_id, ReturnItem.status == "final")
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
    _refresh_flags(uow, ctx, row, product)
    record_event(uow, ctx, row.operator_id, "serial_scanned", row.id, detail=serial)
    return view_of(uow, row)


def _set_serial(
    uow: UnitOfWork, ctx: StationContext, row: ReturnItem, product: Product | None, serial: str
) -> None:
    if product is not None:
        earlier = uow.session.scalars(
            select(ReturnItem).where(
                ReturnItem.product_id == product.id,
                ReturnItem.serial == serial,
                ReturnItem.status == "final",
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


def _refresh_flags(uow: UnitOfWork, ctx: StationContext, row: ReturnItem, product: Product | None) -> None:
    """Intake facts (not checklist answers) as flags and found reasons, recomputed after every change."""
    line = uow.session.get(RmaLine, row.rma_line_id) if row.rma_line_id else None
    flags: list[str] = []
    reasons: list[str] = []
    if product is None:
        flags.append("unknown_item")
    else:
        if product.hazmat:
            flags.append("hazardous")
        if product.data_bearing:
            flags.append("data_bearing")
    if row.rma_number is None:
        flags.append("no_rma")
    elif line is None:
        flags.append("sku_mismatch")
        reasons.append("wrong_item_returned")
    if line is not None:
        if line.expected_serial and row.serial and line.expected_serial != row.serial:
            flags.append("serial_mismatch")
            reasons.append("serial_mismatch")
        if line.expected_lot and row.lot and line.expected_lot != row.lot:
            flags.append("lot_mismatch")
        days = days_since_purchase(line.rma.order_date, ctx.local_today())
        if days is not None and days > line.rma.return_window_days:
            flags.append("outside_window")
    if row.expiry is not None and row.expiry < ctx.local_today():
        flags.append("expired")  # from the GS1 expiry (AI 17); rules decide what it means
    row.flags = flags
    row.found_reasons = reasons
    row.claimed_reason = line.claimed_reason if line is not None else ""


def days_since_purchase(order_date: date | None, today: date) -> int | None:
    return (today - order_date).days if order_date is not None else None


def load_draft(uow: UnitOfWork, item_id: uuid.UUID) -> ReturnItem:
    row = load_item(uow, item_id)
    if row.status != "draft":
        raise InvalidState(f"{row.lpn or 'This item'} is already {row.status}; it cannot be changed here.")
    return row


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
    return view_of(uow, row)


def undo_answer(uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID) -> ItemView:
    """Backspace: take back the last answer."""
    row = load_draft(uow, item_id)
    if row.answer_order:
        last = row.answer_order[-1]
        row.answers = {k: v for k, v in row.answers.items() if k != last}
        row.answer_order = row.answer_order[:-1]
    return view_of(uow, row)


def cancel_draft(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, item_id: uuid.UUID) -> None:
    row = load_draft(uow, item_id)
    record_event(
        uow, ctx, operator.id, "draft_cancelled", row.id,
        before={"scanned_code": row.scanned_code, "answers": row.answers},
    )
    uow.session.delete(row)


def template_of(ctx: StationContext, row: ReturnItem | ItemView) -> cl.ChecklistTemplate:
    """The template the item is graded with. A draft started under an older version keeps its version."""
    template = _template_for(ctx, row.category)
    if template.id != row.checklist_id or template.version != row.checklist_version:
        raise InvalidState(
            f"This draft was started with checklist {row.checklist_id} v{row.checklist_version}, which is no "
            "longer installed. Cancel it (Esc) and scan the item again."
        )
    return template


def find_by_lpn(uow: UnitOfWork, lpn: str) -> ItemView:
    row = uow.session.scalars(select(ReturnItem).where(ReturnItem.lpn == lpn)).one_or_none()
    if row is None:
        raise NotFound(f"No item has the label {lpn}. Check the label, or scan the product barcode.")
    return view_of(uow, row)
