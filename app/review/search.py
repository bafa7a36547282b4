"""Find any item: by a code (LPN, RMA, order, SKU/GTIN, serial, words of the description) and filters.

Every filter is a parameterised SQLAlchemy condition on indexed columns where the schema has them (LPN,
serial, product, RMA line, station + finalized_at, operator + finalized_at, open exceptions).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, case, cast, or_, select

from app.db.models import Operator, Product, ReturnItem, Rma, RmaLine
from app.db.uow import UnitOfWork
from app.domain.codes import valid_gtin
from app.domain.status import ItemStatus

MIN_WORDS = 3  # shorter text is only matched as a code, never inside descriptions


@dataclass(frozen=True)
class ItemFilter:
    """What the item list shows. `date_from`/`date_to` are local calendar days (inclusive); `since`/`until`
    exact instants (a board tile's window, so the list has exactly the tile's items). `cause`: open exceptions
    of this cause; `open_exceptions`: every open exception."""

    text: str = ""
    station: str | None = None
    operator: str | None = None  # a badge
    date_from: date | None = None
    date_to: date | None = None
    grade: str | None = None
    disposition: str | None = None
    status: str | None = None
    flag: str | None = None
    rule: str | None = None
    cause: str | None = None
    open_exceptions: bool = False
    limit: int = 200
    since: datetime | None = None  # finalized at or after
    until: datetime | None = None  # finalized before
    quarantined: bool = False  # held in quarantine with the exception still open (the board's oldest-age tile)


@dataclass(frozen=True)
class ItemRow:
    id: uuid.UUID
    lpn: str | None
    station_id: str
    operator_badge: str
    operator_name: str
    finalized_at: datetime | None
    sku: str | None
    description: str
    grade: str | None
    disposition: str | None
    status: str
    flags: tuple[str, ...]
    exception_cause: str | None
    overridden: bool
    created_at: datetime | None = None
    rma_number: str | None = None
    serial: str | None = None
    unit_value_cents: int = 0


def open_exception_where(station: str | None = None) -> list[ColumnElement[bool]]:
    """The one definition of an open exception (final, a cause, not resolved): the board's counts, the
    exceptions queue and the item list all use it, so their numbers agree."""
    where = [ReturnItem.status == ItemStatus.FINAL, ReturnItem.exception_cause.is_not(None),
             ReturnItem.exception_resolved_at.is_(None)]
    if station:
        where.append(ReturnItem.station_id == station)
    return where


def find_items(uow: UnitOfWork, filter: ItemFilter) -> list[ItemRow]:
    """Items matching every filter given, newest first (finalized, then drafts by when they were started)."""
    query = _base_query().where(*conditions(filter))
    if filter.operator:
        query = query.where(Operator.badge == filter.operator.strip().upper())
    pending = case((ReturnItem.finalized_at.is_(None), 1), else_=0)
    query = query.order_by(pending, ReturnItem.finalized_at.desc(), ReturnItem.created_at.desc())
    rows = [_row(r) for r in uow.session.execute(query.limit(max(1, filter.limit)))]
    # The SQL match is on the JSON text: keep only the rows where that rule really fired.
    return [row for row, rules in rows if not filter.rule or filter.rule in rules]


def conditions(filter: ItemFilter) -> list[ColumnElement[bool]]:
    """The SQL conditions of a filter (except the operator's badge, which needs the operator join)."""
    where: list[ColumnElement[bool]] = []
    if filter.text.strip():
        where.append(text_condition(filter.text))
    where += _column_conditions(filter)
    where += _time_conditions(filter)
    if filter.cause:
        where += [*open_exception_where(), ReturnItem.exception_cause == filter.cause]
    elif filter.open_exceptions or filter.quarantined:
        where += open_exception_where()
    if filter.quarantined:
        where.append(ReturnItem.disposition == "quarantine")
    return where


def _column_conditions(filter: ItemFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    for column, value in ((ReturnItem.station_id, filter.station), (ReturnItem.grade, filter.grade),
                          (ReturnItem.disposition, filter.disposition), (ReturnItem.status, filter.status)):
        if value:
            where.append(column == value)
    if filter.flag:  # JSON lists: the quoted code inside the stored text (codes are identifiers)
        where.append(cast(ReturnItem.flags, Text).contains(f'"{filter.flag}"', autoescape=True))
    if filter.rule:
        quoted = f'"{filter.rule}"'
        where.append(or_(cast(ReturnItem.grade_rules, Text).contains(quoted, autoescape=True),
                         cast(ReturnItem.disposition_rules, Text).contains(quoted, autoescape=True)))
    return where


def _time_conditions(filter: ItemFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filter.date_from:
        where.append(ReturnItem.finalized_at >= local_midnight(filter.date_from))
    if filter.date_to:
        where.append(ReturnItem.finalized_at < local_midnight(filter.date_to + timedelta(days=1)))
    if filter.since:
        where.append(ReturnItem.finalized_at >= filter.since)
    if filter.until:
        where.append(ReturnItem.finalized_at < filter.until)
    return where


def text_condition(raw: str) -> ColumnElement[bool]:
    """A code in any of the places a person would scan or type it from, or words of the description."""
    code = raw.strip()
    upper = code.upper()
    products = select(Product.id).where(or_(Product.sku == code, Product.sku == upper))
    gtin = valid_gtin(code)
    if gtin is not None:
        products = select(Product.id).where(or_(Product.sku == code, Product.sku == upper, Product.gtin == gtin))
    rma_lines = (select(RmaLine.id).join(Rma, Rma.id == RmaLine.rma_id)
                 .where(or_(Rma.rma_number == upper, Rma.order_number == code, Rma.order_number == upper)))
    found: list[ColumnElement[bool]] = [
        ReturnItem.lpn == upper, ReturnItem.serial == code, ReturnItem.serial == upper,
        ReturnItem.rma_number == upper, ReturnItem.product_id.in_(products), ReturnItem.rma_line_id.in_(rma_lines),
    ]
    if len(code) >= MIN_WORDS and (" " in code or not any(ch.isdigit() for ch in code)):
        words = select(Product.id).where(Product.description.ilike(f"%{_escape(code)}%", escape="\\"))
        found += [ReturnItem.product_id.in_(words),
                  ReturnItem.unknown_description.ilike(f"%{_escape(code)}%", escape="\\")]
    return or_(*found)


def find_by_code(uow: UnitOfWork, code: str) -> uuid.UUID | None:
    """A scanned LPN's item, or a scanned RMA's newest item; None when neither is known."""
    upper = code.strip().upper()
    if not upper:
        return None
    found: uuid.UUID | None = uow.session.scalar(select(ReturnItem.id).where(ReturnItem.lpn == upper))
    if found is not None:
        return found
    newest = (select(ReturnItem.id).where(ReturnItem.rma_number == upper)
              .order_by(ReturnItem.created_at.desc()).limit(1))
    return uow.session.scalar(newest)


def local_midnight(day: date) -> datetime:
    """The start of a local calendar day, in UTC (the station's own time zone decides what 'a day' is)."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _base_query() -> Select[*tuple[Any, ...]]:
    query: Select[*tuple[Any, ...]] = (
        select(ReturnItem.id, ReturnItem.lpn, ReturnItem.station_id, Operator.badge, Operator.name,
                   ReturnItem.finalized_at, Product.sku, Product.description, ReturnItem.unknown_description,
                   ReturnItem.grade, ReturnItem.disposition, ReturnItem.status, ReturnItem.flags,
                   ReturnItem.exception_cause, ReturnItem.override, ReturnItem.created_at, ReturnItem.rma_number,
                   ReturnItem.serial, Product.unit_value_cents, ReturnItem.grade_rules, ReturnItem.disposition_rules)
            .join(Operator, Operator.id == ReturnItem.operator_id)
            .outerjoin(Product, Product.id == ReturnItem.product_id))
    return query


def _row(r: Any) -> tuple[ItemRow, set[str]]:
    rules = {str(x.get("id")) for x in [*(r.grade_rules or []), *(r.disposition_rules or [])] if isinstance(x, dict)}
    row = ItemRow(
        id=r.id, lpn=r.lpn, station_id=r.station_id, operator_badge=r.badge, operator_name=r.name,
        finalized_at=r.finalized_at, sku=r.sku, description=r.description or r.unknown_description or "Unknown item",
        grade=r.grade, disposition=r.disposition, status=r.status, flags=tuple(r.flags or ()),
        exception_cause=r.exception_cause, overridden=r.override is not None, created_at=r.created_at,
        rma_number=r.rma_number, serial=r.serial, unit_value_cents=int(r.unit_value_cents or 0),
    )
    return row, rules
