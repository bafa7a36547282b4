"""The whole record of one item: product, RMA line, the answers as asked, the rules that fired (the why), the
override, the audit trail with before/after, its print history and where it stands in sync."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.db.models import AuditEvent, Operator, OutboxEntry, PrintJob, ReturnItem
from app.db.uow import UnitOfWork
from app.domain import checklist as cl
from app.errors import InvalidState
from app.review.source import Scope
from app.services.context import StationContext
from app.services.items import load_item, template_for, template_of, view_of
from app.services.views import ItemView, RuleView


@dataclass(frozen=True)
class AnswerLine:
    question: str  # the question's words (its id when the checklist is no longer installed)
    answer: str  # the option's words, or the number with its unit
    auto: bool  # answered by "nothing else wrong", not one by one
    question_id: str = ""


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    who: str  # "B2001 Dana Supervisor", or "system"
    action: str
    detail: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    station_id: str = ""


@dataclass(frozen=True)
class PrintLine:
    """One print job of the item (like the print queue's PrintJobView, without the document)."""

    id: uuid.UUID
    kind: str
    printer: str
    status: str
    attempts: int
    created_at: datetime
    printed_at: datetime | None
    reason: str | None
    last_error: str | None


@dataclass(frozen=True)
class ItemRecord:
    item: ItemView
    operator: str  # who graded it: badge and name
    answers: list[AnswerLine]
    answers_note: str  # why the answers show stored codes (checklist version no longer installed), or ""
    grade_rules: list[RuleView]
    disposition_rules: list[RuleView]
    override: dict[str, Any] | None
    audit: list[AuditLine]
    prints: list[PrintLine]
    sync: str
    version: int = 1
    exception_cause: str | None = None
    exception_resolved_at: datetime | None = None
    recall_ref: str | None = None


def item_record(uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID, scope: Scope | None = None) -> ItemRecord:
    """`scope`: what ReviewSource.read read from (site: the central database); decides the sync words."""
    row = load_item(uow, item_id)
    answers, note = answer_lines(ctx, row)
    grader = uow.session.execute(select(Operator.badge, Operator.name).where(Operator.id == row.operator_id)).first()
    view = view_of(uow, row)
    return ItemRecord(
        item=view, operator=" ".join(grader) if grader else str(row.operator_id), answers=answers,
        answers_note=note, grade_rules=list(view.grade_rules), disposition_rules=list(view.disposition_rules),
        override=dict(row.override) if row.override else None, audit=audit_lines(uow, item_id),
        prints=print_lines(uow, item_id), sync=sync_words(uow, row, scope), version=row.version,
        exception_cause=row.exception_cause, exception_resolved_at=row.exception_resolved_at,
        recall_ref=row.recall_ref,
    )


def answer_lines(ctx: StationContext, row: ReturnItem) -> tuple[list[AnswerLine], str]:
    """The answers in the order they were given, in the words of the checklist version the item was graded with."""
    auto = set(row.auto_answered or ())
    note = ""
    questions: dict[str, cl.Question] = {}
    try:
        questions = {q.id: q for q in template_of(ctx, row).questions}
    except InvalidState:
        note = (f"Graded with checklist {row.checklist_id} v{row.checklist_version}, which is not installed here: "
                "answers are shown as stored.")
        try:  # the installed version's words where a question kept its id (marked by the note above)
            questions = {q.id: q for q in template_for(ctx, row.category).questions}
        except InvalidState:
            questions = {}
    order = [str(q) for q in row.answer_order] + [q for q in row.answers if q not in row.answer_order]
    return [_line(questions.get(qid), qid, row.answers[qid], qid in auto) for qid in order if qid in row.answers], note


def _line(question: cl.Question | None, qid: str, answer: Any, auto: bool) -> AnswerLine:
    if question is None:
        return AnswerLine(qid, str(answer), auto, qid)
    try:
        words = cl.answer_label(question, answer)
    except ValueError:
        words = str(answer)
    if question.kind == "number" and question.unit:
        words = f"{words} {question.unit}" if question.unit not in words else words
    return AnswerLine(question.text, words, auto, qid)


def audit_lines(uow: UnitOfWork, item_id: uuid.UUID) -> list[AuditLine]:
    query = (select(AuditEvent, Operator.badge, Operator.name)
             .outerjoin(Operator, Operator.id == AuditEvent.operator_id)
             .where(AuditEvent.item_id == item_id).order_by(AuditEvent.at, AuditEvent.id))
    return [AuditLine(e.at, f"{badge} {name}" if badge else "system", e.action, e.detail or "",
                      dict(e.before) if e.before else None, dict(e.after) if e.after else None, e.station_id)
            for e, badge, name in uow.session.execute(query)]


def print_lines(uow: UnitOfWork, item_id: uuid.UUID) -> list[PrintLine]:
    query = (select(PrintJob.id, PrintJob.kind, PrintJob.printer, PrintJob.status, PrintJob.attempts,
                    PrintJob.created_at, PrintJob.printed_at, PrintJob.reason, PrintJob.last_error)
             .where(PrintJob.item_id == item_id).order_by(PrintJob.created_at))
    return [PrintLine(*r) for r in uow.session.execute(query)]


def sync_words(uow: UnitOfWork, row: ReturnItem, scope: Scope | None) -> str:
    """Where the item stands: at central, waiting in this station's outbox, set aside, or here only."""
    if scope is not None and scope.site:
        return f"at the central database (version {row.version})"
    if row.status == "draft":
        return "a draft: it reaches the central database once saved"
    entries = uow.session.execute(
        select(OutboxEntry.sent_at, OutboxEntry.set_aside_at, OutboxEntry.last_error)
        .where(OutboxEntry.entity == "return_item", OutboxEntry.entity_key == str(row.id))
        .order_by(OutboxEntry.id)).all()
    if not entries:
        return "on this station's database only (not synced)"
    refused = [e for e in entries if e.set_aside_at is not None]
    if refused:
        return f"set aside: {refused[-1].last_error or 'refused by the central database'} (IT decides)"
    if any(e.sent_at is None for e in entries):
        return "waiting to sync"
    return f"at the central database (version {row.version})"
