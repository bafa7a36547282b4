"""Deciding an item's grade and disposition, once per change.

After every change to a draft the decision is settled: computed when the checklist is complete (and the
serial scanned where one is needed) and stored on the draft, cleared otherwise. The result screen, finalize
and the slip all read that stored decision instead of deciding again.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.db.models import Product, ReturnItem, RmaLine
from app.db.uow import UnitOfWork
from app.domain import checklist as cl
from app.domain.disposition import DispositionDecision, decide_disposition
from app.domain.grading import GradeDecision, ItemFacts, grade_item
from app.errors import InvalidState
from app.services.context import StationContext
from app.services.items import days_since_purchase, template_of


@dataclass(frozen=True)
class Decision:
    outcome: cl.ChecklistOutcome
    grade: GradeDecision
    disposition: DispositionDecision


def decide(ctx: StationContext, uow: UnitOfWork, row: ReturnItem) -> Decision:
    template = template_of(ctx, row)
    if cl.next_question(template, row.answers) is not None:
        raise InvalidState("The checklist is not finished yet: answer the question on screen.")
    product = uow.session.get(Product, row.product_id) if row.product_id else None
    if product is not None and product.serialized and not row.serial:
        raise InvalidState("Scan the serial number of this item first (it is on the back or under the battery).")
    line = uow.session.get(RmaLine, row.rma_line_id) if row.rma_line_id else None
    outcome = cl.outcome(template, row.answers)
    facts = ItemFacts(
        category=row.category,
        unit_value_cents=product.unit_value_cents if product else 0,
        vendor=product.vendor if product else "",
        vendor_rtv=product.vendor_rtv if product else False,
        warranty_days=product.warranty_days if product else 0,
        days_since_purchase=days_since_purchase(line.rma.order_date, ctx.local_today()) if line else None,
        claimed_reason=row.claimed_reason,
        found_reasons=frozenset(row.found_reasons) | frozenset(outcome.reasons),
        flags=frozenset(row.flags) | frozenset(outcome.flags),
    )
    grade = grade_item(ctx.configuration.grading, outcome, facts)
    disposition = decide_disposition(ctx.configuration.disposition, grade.grade, facts)
    return Decision(outcome, grade, disposition)


def is_complete(ctx: StationContext, uow: UnitOfWork, row: ReturnItem) -> bool:
    if cl.next_question(template_of(ctx, row), row.answers) is not None:
        return False
    product = uow.session.get(Product, row.product_id) if row.product_id else None
    return not (product is not None and product.serialized and not row.serial)


def settle_decision(uow: UnitOfWork, ctx: StationContext, row: ReturnItem) -> None:
    """Store the decision on a complete draft, clear it on an incomplete one (called after every change)."""
    if not is_complete(ctx, uow, row):
        row.grade = row.disposition = row.score = None
        row.grade_rules, row.disposition_rules = [], []
        return
    decision = decide(ctx, uow, row)
    row.grade = decision.grade.grade.value
    row.score = decision.grade.score
    row.disposition = decision.disposition.disposition.value
    row.grade_rules = [{"id": r.id, "why": r.why} for r in decision.grade.fired]
    row.disposition_rules = [{"id": r.id, "why": r.why} for r in decision.disposition.fired]
