"""Totes: each disposition has one open tote per station. Finalizing puts the item in it (unconfirmed); the
worker's scan of the tote's barcode confirms it; closing a tote queues its manifest and opens the next."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.db.models import Container, Operator, Product, ReturnItem
from app.db.uow import UnitOfWork
from app.domain.codes import tote_code
from app.domain.status import ContainerStatus, ItemStatus
from app.domain.vocab import disposition_label
from app.errors import InvalidState, NotFound, WrongTote
from app.printing.documents import LabelDoc, ManifestDoc, ManifestLine
from app.printing.setup import Route
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.print_queue import enqueue
from app.services.views import OperatorView

TOTE_NUMBER = re.compile(r"-(\d+)$")
# session.info: {tote id: (final items, confirmed)} as `open_tote` read them, so the finalize that put an item in
# the tote can say how full it is without counting again (issue 12: one statement less per save).
TOTE_COUNTS = "returns_desk_tote_counts"
Counts = tuple[int, int]


@dataclass(frozen=True)
class ToteView:
    id: int
    code: str
    disposition: str
    destination: str
    status: str
    items: int
    confirmed: int
    opened_at: datetime

    @property
    def label(self) -> str:
        return f"{self.code} · {disposition_label(self.disposition)}"


def open_tote(uow: UnitOfWork, ctx: StationContext, disposition: str) -> Container:
    """The open tote for `disposition` at this station, opened now if there is none. What it holds is read in
    the same statement and kept in session.info[TOTE_COUNTS]."""
    found = uow.session.execute(
        select(Container, *_counts(Container.id))
        .where(Container.station_id == ctx.station_id, Container.disposition == disposition,
               Container.status == ContainerStatus.OPEN).order_by(Container.id).limit(1)
    ).first()
    if found is not None:
        tote, items, confirmed = found
        uow.session.info.setdefault(TOTE_COUNTS, {})[tote.id] = (int(items), int(confirmed))
        return tote
    tote = Container(code=tote_code(ctx.station_id, _next_number(uow, ctx.station_id)),
                     station_id=ctx.station_id, disposition=disposition, status=ContainerStatus.OPEN,
                     opened_at=ctx.clock.now())
    uow.session.add(tote)
    uow.session.flush()
    uow.session.info.setdefault(TOTE_COUNTS, {})[tote.id] = (0, 0)
    _queue_tote_label(uow, ctx, tote)
    return tote


def _counts(container_id: Any) -> tuple[Any, Any]:
    """The final items in a tote and how many of them are confirmed (scalar subqueries, or one row's columns)."""
    def count(column: Any) -> Any:
        return (select(func.count(column))
                .where(ReturnItem.container_id == container_id, ReturnItem.status == ItemStatus.FINAL)
                .scalar_subquery())

    return count(ReturnItem.id), count(ReturnItem.tote_confirmed_at)


def _queue_tote_label(uow: UnitOfWork, ctx: StationContext, tote: Container) -> None:
    """A new tote gets its barcode label on the label printer, in the transaction that opened it."""
    doc = LabelDoc(barcode=tote.code, title=f"Tote · station {tote.station_id}",
                   headline=disposition_label(tote.disposition).split(" (")[0].upper(),
                   details=ctx.printing.route(tote.disposition).where(""),
                   footer=f"opened {_local(tote.opened_at)}")
    enqueue(uow, ctx, "tote_label", doc, ctx.printing.label_printer, None, container_id=tote.id)


def _next_number(uow: UnitOfWork, station_id: str) -> int:
    """One past the number of the station's newest tote: totes are numbered in the order they are opened, so the
    highest id has the highest number. One index read, where reading every code of the station took 49 ms at
    25k totes (issue 12). A number whose code is taken anyway (totes not made in order) moves on, never reused."""
    newest = uow.session.scalar(select(func.max(Container.id)).where(Container.station_id == station_id))
    code = uow.session.scalar(select(Container.code).where(Container.id == newest)) if newest is not None else None
    number = _number_of(code) + 1 if code is not None else 1
    while uow.session.scalar(select(Container.id).where(Container.code == tote_code(station_id, number))):
        number += 1
    return number


def _number_of(code: str) -> int:
    """The number at the end of a tote code (five digits, more past 99,999)."""
    match = TOTE_NUMBER.search(code)
    return int(match.group(1)) if match else 0


def assign_tote(uow: UnitOfWork, ctx: StationContext, row: ReturnItem) -> Container:
    """In the finalize transaction: the item belongs in its disposition's tote, not yet confirmed."""
    assert row.disposition is not None
    tote = open_tote(uow, ctx, row.disposition)
    row.container_id = tote.id
    row.tote_confirmed_at = None
    return tote


def tote_view(uow: UnitOfWork, ctx: StationContext, tote: Container, counts: Counts | None = None) -> ToteView:
    """`counts`: (final items, confirmed) when the caller knows them; else they are counted."""
    if counts is None:
        counts = uow.session.execute(
            select(func.count(ReturnItem.id), func.count(ReturnItem.tote_confirmed_at))
            .where(ReturnItem.container_id == tote.id, ReturnItem.status == ItemStatus.FINAL)
        ).one()
    items, confirmed = counts
    route: Route = ctx.printing.route(tote.disposition)
    return ToteView(tote.id, tote.code, tote.disposition, route.where(""), tote.status, int(items), int(confirmed),
                    tote.opened_at)


def tote_of_item(uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID) -> ToteView | None:
    row = uow.session.get(ReturnItem, item_id)
    if row is None or row.container_id is None:
        return None
    tote = uow.session.get(Container, row.container_id)
    return tote_view(uow, ctx, tote) if tote is not None else None


def confirm_tote(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, item_id: uuid.UUID,
                 code: str) -> ToteView:
    row = uow.session.get(ReturnItem, item_id)
    if row is None or row.status != ItemStatus.FINAL or row.container_id is None:
        raise InvalidState("There is no finished item waiting for a tote. Scan the next item.")
    expected = uow.session.get(Container, row.container_id)
    assert expected is not None
    code = code.strip()
    if code != expected.code:
        scanned = uow.session.scalars(select(Container).where(Container.code == code)).first()
        what = (f"{code} is the {disposition_label(scanned.disposition)} tote" if scanned is not None
                else f"{code} is not an open tote at this station")
        raise WrongTote(f"Wrong tote: {what}. Put {row.lpn} in {expected.code} "
                        f"({disposition_label(expected.disposition)}) and scan that tote.")
    if expected.status != ContainerStatus.OPEN:
        raise InvalidState(f"Tote {expected.code} is already closed. Ask a supervisor where {row.lpn} goes.")
    if row.tote_confirmed_at is None:
        row.tote_confirmed_at = ctx.clock.now()
        row.version += 1
        record_event(uow, ctx, operator.id, "tote_confirmed", row.id, detail=expected.code,
                     after={"container": expected.code})
    return tote_view(uow, ctx, expected)


def list_open_totes(uow: UnitOfWork, ctx: StationContext) -> list[ToteView]:
    totes = uow.session.scalars(
        select(Container).where(Container.station_id == ctx.station_id, Container.status == ContainerStatus.OPEN)
        .order_by(Container.disposition)
    )
    return [tote_view(uow, ctx, tote) for tote in totes]


def close_tote(uow: UnitOfWork, ctx: StationContext, operator: OperatorView, code: str) -> tuple[ToteView, ToteView]:
    """Close the tote, queue its manifest on the slip printer, and open the next one for the disposition."""
    tote = uow.session.scalars(select(Container).where(Container.code == code.strip())).first()
    if tote is None or tote.station_id != ctx.station_id:
        raise NotFound(f"{code} is not a tote of station {ctx.station_id}.")
    if tote.status != ContainerStatus.OPEN:
        raise InvalidState(f"Tote {tote.code} is already closed.")
    now = ctx.clock.now()
    tote.status, tote.closed_at, tote.closed_by = ContainerStatus.CLOSED, now, operator.id
    manifest = manifest_doc(uow, ctx, tote, operator.name)
    enqueue(uow, ctx, "manifest", manifest, ctx.printing.slip_printer, operator.id, container_id=tote.id)
    record_event(uow, ctx, operator.id, "tote_closed", None, detail=tote.code,
                 after={"container": tote.code, "items": len(manifest.lines), "value_cents": manifest.value_cents})
    closed = tote_view(uow, ctx, tote)
    following = open_tote(uow, ctx, tote.disposition)
    return closed, tote_view(uow, ctx, following, uow.session.info[TOTE_COUNTS][following.id])


def manifest_doc(uow: UnitOfWork, ctx: StationContext, tote: Container, closed_by: str) -> ManifestDoc:
    rows = uow.session.execute(
        select(ReturnItem, Product).outerjoin(Product, Product.id == ReturnItem.product_id)
        .where(ReturnItem.container_id == tote.id, ReturnItem.status == ItemStatus.FINAL).order_by(ReturnItem.lpn)
    ).all()
    lines = tuple(
        ManifestLine(item.lpn or "", product.description if product else (item.unknown_description or "Unknown"),
                     item.grade or "", product.unit_value_cents if product else 0, item.tote_confirmed_at is not None)
        for item, product in rows
    )
    return ManifestDoc(tote.code, disposition_label(tote.disposition), ctx.printing.route(tote.disposition).where(""),
                       tote.station_id, _local(tote.opened_at), _local(tote.closed_at), closed_by, lines)


def _local(at: datetime | None) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at else ""


def operator_name(uow: UnitOfWork, operator_id: int | None) -> str:
    op = uow.session.get(Operator, operator_id) if operator_id else None
    return op.name if op else ""
