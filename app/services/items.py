"""Loading an item and turning it into what the screen needs: the view, its next question and progress."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from app.db.models import Product, ReturnItem, RmaLine
from app.db.uow import UnitOfWork
from app.domain import checklist as cl
from app.domain.status import ItemStatus
from app.errors import InvalidState, NotFound
from app.services.context import StationContext
from app.services.views import ItemView, item_view


def load_item(uow: UnitOfWork, item_id: uuid.UUID) -> ReturnItem:
    row = uow.session.get(ReturnItem, item_id)
    if row is None:
        raise NotFound("That item no longer exists. Scan it again.")
    return row


def load_draft(uow: UnitOfWork, item_id: uuid.UUID) -> ReturnItem:
    row = load_item(uow, item_id)
    if row.status != ItemStatus.DRAFT:
        raise InvalidState(f"{row.lpn or 'This item'} is already {row.status}; it cannot be changed here.")
    return row


def view_of(uow: UnitOfWork, row: ReturnItem) -> ItemView:
    product = uow.session.get(Product, row.product_id) if row.product_id is not None else None
    line = uow.session.get(RmaLine, row.rma_line_id) if row.rma_line_id is not None else None
    return item_view(row, product, line)


def draft_view(uow: UnitOfWork, ctx: StationContext, row: ReturnItem) -> ItemView:
    """The view of a draft with where its checklist stands, so the screen never walks the checklist itself."""
    view = view_of(uow, row)
    if row.status != ItemStatus.DRAFT:
        return view
    try:
        template = template_of(ctx, row)
    except InvalidState as exc:  # the checklist changed under the draft: the screen says so, Esc cancels it
        return replace(view, checklist_problem=str(exc))
    return replace(view, question=cl.next_question(template, row.answers),
                   progress=cl.progress(template, row.answers))


def template_for(ctx: StationContext, category: str) -> cl.ChecklistTemplate:
    try:
        return ctx.configuration.checklists[category]
    except KeyError:
        raise InvalidState(f"No checklist is set up for category '{category}'. Call IT.") from None


def template_of(ctx: StationContext, row: ReturnItem | ItemView) -> cl.ChecklistTemplate:
    """The template the item is graded with. A draft started under an older version keeps its version."""
    template = template_for(ctx, row.category)
    if template.id != row.checklist_id or template.version != row.checklist_version:
        raise InvalidState(
            f"This draft was started with checklist {row.checklist_id} v{row.checklist_version}, which is no "
            "longer installed. Cancel it (Esc) and scan the item again."
        )
    return template


def days_since_purchase(order_date: date | None, today: date) -> int | None:
    return (today - order_date).days if order_date is not None else None
