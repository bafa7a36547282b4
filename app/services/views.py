"""Plain, immutable data objects that services hand to the UI and the CLI (never ORM objects)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.db.models import Operator, Product, ReturnItem, RmaLine
from app.domain.checklist import Question


@dataclass(frozen=True)
class OperatorView:
    id: int
    badge: str
    name: str
    role: str


@dataclass(frozen=True)
class ProductView:
    id: int
    sku: str
    gtin: str | None
    description: str
    category: str
    unit_value_cents: int
    vendor: str
    vendor_rtv: bool
    warranty_days: int
    serialized: bool
    hazmat: bool
    data_bearing: bool


@dataclass(frozen=True)
class RmaLineView:
    id: int
    rma_number: str
    order_number: str
    line_no: int
    sku: str
    qty: int
    expected_serial: str | None
    claimed_reason: str
    order_date: date | None
    return_window_days: int


@dataclass(frozen=True)
class RuleView:
    id: str
    why: str


@dataclass(frozen=True)
class ItemView:
    id: uuid.UUID
    status: str
    lpn: str | None
    station_id: str
    operator_id: int
    scanned_code: str
    product: ProductView | None
    unknown_description: str | None
    category: str
    serial: str | None
    lot: str | None
    expiry: date | None
    rma_line: RmaLineView | None
    flags: tuple[str, ...]
    found_reasons: tuple[str, ...]
    claimed_reason: str
    checklist_id: str
    checklist_version: int
    answers: dict[str, Any]
    answer_order: tuple[str, ...]
    grade: str | None
    disposition: str | None
    score: int | None
    grade_rules: tuple[RuleView, ...]
    disposition_rules: tuple[RuleView, ...]
    created_at: datetime
    finalized_at: datetime | None
    void_reason: str | None
    auto_answered: tuple[str, ...] = ()  # answered by "nothing else wrong", not one by one
    # Where the checklist stands (drafts only; filled by the service so the screen never walks it):
    question: Question | None = None
    progress: tuple[int, int] = (0, 0)  # (number of the question on screen, total that never grows)
    checklist_problem: str | None = None  # the draft's checklist version is no longer installed
    recall_ref: str | None = None  # the recall notice the unit matched (return_item.recall_ref)

    @property
    def description(self) -> str:
        if self.product is not None:
            return self.product.description
        return self.unknown_description or "Unknown item"

    @property
    def needs_serial(self) -> bool:
        return self.product is not None and self.product.serialized and not self.serial


def operator_view(row: Operator) -> OperatorView:
    return OperatorView(row.id, row.badge, row.name, row.role)


def product_view(row: Product) -> ProductView:
    return ProductView(
        row.id, row.sku, row.gtin, row.description, row.category, row.unit_value_cents, row.vendor,
        row.vendor_rtv, row.warranty_days, row.serialized, row.hazmat, row.data_bearing,
    )


def rma_line_view(row: RmaLine) -> RmaLineView:
    rma = row.rma
    return RmaLineView(
        row.id, rma.rma_number, rma.order_number, row.line_no, row.sku, row.qty, row.expected_serial,
        row.claimed_reason, rma.order_date, rma.return_window_days,
    )


def _rules(raw: list[Any]) -> tuple[RuleView, ...]:
    return tuple(RuleView(str(r["id"]), str(r["why"])) for r in raw)


def item_view(row: ReturnItem, product: Product | None, line: RmaLine | None) -> ItemView:
    return ItemView(
        id=row.id,
        status=row.status,
        lpn=row.lpn,
        station_id=row.station_id,
        operator_id=row.operator_id,
        scanned_code=row.scanned_code,
        product=product_view(product) if product is not None else None,
        unknown_description=row.unknown_description,
        category=row.category,
        serial=row.serial,
        lot=row.lot,
        expiry=row.expiry,
        rma_line=rma_line_view(line) if line is not None else None,
        flags=tuple(row.flags),
        found_reasons=tuple(row.found_reasons),
        claimed_reason=row.claimed_reason,
        checklist_id=row.checklist_id,
        checklist_version=row.checklist_version,
        answers=dict(row.answers),
        answer_order=tuple(row.answer_order),
        grade=row.grade,
        disposition=row.disposition,
        score=row.score,
        grade_rules=_rules(row.grade_rules),
        disposition_rules=_rules(row.disposition_rules),
        created_at=row.created_at,
        finalized_at=row.finalized_at,
        void_reason=row.void_reason,
        auto_answered=tuple(row.auto_answered or ()),
        recall_ref=row.recall_ref,
    )
