"""The exceptions queue: every final item held for a person, oldest first, by typed cause.

Open means: a cause stored at finalize (return_item.exception_cause) and not resolved yet
(exception_resolved_at IS NULL), on a final item (a voided item needs no decision). The board's counts
(app/review/board.py open_exception_counts) count the same rows: `open_exception_filter` is the one
definition of "open".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from app.db.models import Product, ReturnItem
from app.db.uow import UnitOfWork
from app.domain.exceptions import cause_label, resolutions_for
from app.review.search import open_exception_where

QUEUE_LIMIT = 1000


@dataclass(frozen=True)
class ExceptionRow:
    item_id: uuid.UUID
    lpn: str
    cause: str  # an ExceptionCause value
    cause_label: str
    since: datetime  # when the item was finalized (held since)
    station_id: str
    description: str
    disposition: str | None
    unit_value_cents: int
    resolutions: tuple[str, ...]  # the actions allowed for this cause (Resolution values), most usual first
    grade: str | None = None
    sku: str | None = None
    recall_ref: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The stable JSON of `returns-desk exceptions --json` (docs/exceptions-and-overrides.md)."""
        return {
            "item_id": str(self.item_id), "lpn": self.lpn, "cause": self.cause, "cause_label": self.cause_label,
            "since": self.since.isoformat(), "station_id": self.station_id, "description": self.description,
            "sku": self.sku, "grade": self.grade, "disposition": self.disposition,
            "unit_value_cents": self.unit_value_cents, "recall_ref": self.recall_ref,
            "resolutions": list(self.resolutions),
        }


def open_exception_filter(station: str | None = None) -> ColumnElement[bool]:
    """The rows the queue lists and the board counts: the one definition (app/review/search.py)."""
    return and_(*open_exception_where(station))


def open_exceptions(uow: UnitOfWork, station: str | None = None, limit: int = QUEUE_LIMIT) -> list[ExceptionRow]:
    rows = uow.session.execute(
        select(ReturnItem, Product).outerjoin(Product, Product.id == ReturnItem.product_id)
        .where(open_exception_filter(station))
        .order_by(ReturnItem.finalized_at, ReturnItem.lpn).limit(limit)
    ).all()
    return [_row(item, product) for item, product in rows]


def exception_counts(uow: UnitOfWork, station: str | None = None) -> dict[str, int]:
    """Open exceptions by cause (the queue's own count; the board's must equal it)."""
    counts = uow.session.execute(
        select(ReturnItem.exception_cause, func.count(ReturnItem.id))
        .where(open_exception_filter(station)).group_by(ReturnItem.exception_cause)
    ).all()
    return {str(cause): int(n) for cause, n in counts}


def _row(item: ReturnItem, product: Product | None) -> ExceptionRow:
    assert item.exception_cause is not None and item.finalized_at is not None
    return ExceptionRow(
        item_id=item.id, lpn=item.lpn or "", cause=item.exception_cause, cause_label=cause_label(item.exception_cause),
        since=item.finalized_at, station_id=item.station_id,
        description=product.description if product else (item.unknown_description or "Unknown item"),
        disposition=item.disposition, unit_value_cents=product.unit_value_cents if product else 0,
        resolutions=tuple(r.value for r in resolutions_for(item.exception_cause)),
        grade=item.grade, sku=product.sku if product else None, recall_ref=item.recall_ref,
    )
