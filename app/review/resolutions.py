"""Resolving a held item (the exceptions queue): identify, authorise, accept, send, release.

Each resolution is audited (before/after, who, the note), raises the item's version (it syncs under the
conflict rule), marks the exception resolved, reprints the relabel and slip and moves the item to the open
tote of its (new) disposition (app/review/overrides.py floor_follows). Identify, authorise and accept run
the rules again on the stored answers: a resolution that turns up another reason to hold the item (an
identified product that is hazardous) leaves it in the queue under that cause. The facts stay as found
(a serial mismatch accepted is still a serial mismatch on the record); the rules just no longer hold it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import inspect, select

from app.db.models import Product, ReturnItem
from app.db.uow import UnitOfWork
from app.domain.exceptions import SEND_TO, ExceptionCause, Resolution, cause_label, exception_cause, resolutions_for
from app.domain.status import ItemStatus
from app.domain.vocab import Disposition, disposition_label
from app.errors import InvalidState, NotFound
from app.review.access import require_supervisor
from app.review.overrides import floor_follows
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.decision import Decision, decide
from app.services.intake import refresh_flags
from app.services.items import load_item, view_of
from app.services.views import ItemView, OperatorView

RESOLUTION_RULE = "supervisor_resolution"  # the line added to disposition_rules: the slip shows the why
# What `accept` stops the rules from holding the item for, per cause.
ACCEPTED_FACTS: dict[ExceptionCause, frozenset[str]] = {
    ExceptionCause.SERIAL_MISMATCH: frozenset({"serial_mismatch"}),
    ExceptionCause.LOT_MISMATCH: frozenset({"lot_mismatch"}),
    ExceptionCause.WRONG_ITEM: frozenset({"sku_mismatch", "wrong_item_returned"}),
    ExceptionCause.WORKER_FLAGGED: frozenset({"worker_flagged"}),
}


def preview_identify(uow: UnitOfWork, ctx: StationContext, item_id: uuid.UUID, sku: str) -> Decision:
    """The decision the rules make if the unknown item is `sku`: shown before the supervisor accepts it."""
    row = load_item(uow, item_id)
    product = _product(uow, sku)
    as_identified = _as_if(row, list(row.flags), list(row.found_reasons), product.id)
    refresh_flags(uow, ctx, as_identified, product)  # as intake would have flagged it, recalls included
    return decide(ctx, uow, as_identified)


def resolve(
    uow: UnitOfWork,
    ctx: StationContext,
    operator: OperatorView,
    item_id: uuid.UUID,
    action: str,
    note: str,
    sku: str | None = None,
    disposition: str | None = None,
) -> ItemView:
    by = require_supervisor(uow, operator, "resolve an exception")
    row = load_item(uow, item_id)
    cause = _open_cause(row)
    chosen = _checked_action(row, cause, action)
    if not note.strip():
        raise InvalidState("Write a short note saying why (it is kept with the record and in the audit).")
    before = _snapshot(row)
    words = _apply(uow, ctx, row, cause, chosen, sku, disposition)
    now = ctx.clock.now()
    why = f"{chosen.value.capitalize()} by {by.name}: {words} - {note.strip()}"
    row.disposition_rules = [*row.disposition_rules, {"id": RESOLUTION_RULE, "why": why[:300]}]
    still = _still_held(ctx, row, cause, chosen)
    if still is None:
        row.exception_resolved_at, row.exception_resolved_by = now, by.id
    else:  # the rules found another reason to hold it: back in the queue under that cause
        row.exception_cause = still.value
    row.version += 1
    after = {**_snapshot(row), "action": chosen.value, "resolved": still is None}
    detail = f"{cause_label(cause.value)}: {chosen.value} - {note.strip()}"[:500]
    record_event(uow, ctx, operator.id, "exception_resolved", row.id, detail=detail, before=before, after=after)
    floor_follows(uow, ctx, operator.id, row, f"Exception resolved: {chosen.value}")
    uow.session.flush()
    return view_of(uow, row)


def _open_cause(row: ReturnItem) -> ExceptionCause:
    if row.status != ItemStatus.FINAL or not row.exception_cause or row.exception_resolved_at is not None:
        raise InvalidState(f"{row.lpn or 'This item'} is not waiting in the exceptions queue (already resolved, "
                           "voided or never held). Refresh the queue.")
    try:
        return ExceptionCause(row.exception_cause)
    except ValueError:
        return ExceptionCause.NO_RULE  # a cause of a newer version: decided like "no rule matched"


def _checked_action(row: ReturnItem, cause: ExceptionCause, action: str) -> Resolution:
    allowed = resolutions_for(row.exception_cause)
    if action not in {a.value for a in allowed}:
        raise InvalidState(f"{row.lpn} is held for: {cause_label(cause.value).lower()}. Resolve it with "
                           f"{' or '.join(a.value for a in allowed)}, not '{action}'.")
    return Resolution(action)


def _apply(uow: UnitOfWork, ctx: StationContext, row: ReturnItem, cause: ExceptionCause, action: Resolution,
           sku: str | None, disposition: str | None) -> str:
    """Change the record for `action`; returns what was done, in words."""
    if action is Resolution.IDENTIFY:
        if not sku:
            raise InvalidState("Pick the SKU this item is (search the catalog), then identify it.")
        product = _product(uow, sku)
        row.product_id = product.id
        refresh_flags(uow, ctx, row, product)  # its product's facts now hold: hazmat, data-bearing, recalls
        _take(row, decide(ctx, uow, row))
        return f"identified as {product.sku} ({product.description})"
    if action is Resolution.AUTHORISE:
        _take(row, decide(ctx, uow, _as_if(row, _without(row.flags, {"no_rma"}), row.found_reasons)))
        return "return authorised without an RMA"
    if action is Resolution.ACCEPT:
        accepted = ACCEPTED_FACTS.get(cause, frozenset())
        _take(row, decide(ctx, uow, _as_if(row, _without(row.flags, accepted), _without(row.found_reasons, accepted))))
        return f"{cause_label(cause.value).lower()} accepted"
    target = _checked_disposition(row, action, disposition)
    row.disposition = target
    return f"sent to {disposition_label(target)}" if action is Resolution.SEND else \
        f"released to {disposition_label(target)}"


def _checked_disposition(row: ReturnItem, action: Resolution, disposition: str | None) -> str:
    if action is Resolution.SEND:
        if disposition not in SEND_TO:
            raise InvalidState("Send it to rtv (return to vendor) or destroy.")
        return disposition
    codes = [d.value for d in Disposition if d is not Disposition.QUARANTINE]
    if disposition not in codes:
        raise InvalidState(f"Pick the disposition to release {row.lpn} to: {', '.join(codes)}.")
    return disposition


def _still_held(ctx: StationContext, row: ReturnItem, cause: ExceptionCause, action: Resolution
                ) -> ExceptionCause | None:
    """After rules ran again: another cause to hold the item for (not the one just resolved), or None."""
    if action not in (Resolution.IDENTIFY, Resolution.AUTHORISE, Resolution.ACCEPT):
        return None
    ignored = ACCEPTED_FACTS.get(cause, frozenset()) | ({"no_rma"} if action is Resolution.AUTHORISE else set())
    rules = [r["id"] for r in row.disposition_rules if r["id"] != RESOLUTION_RULE]
    found = exception_cause(_without(row.flags, ignored), _without(row.found_reasons, ignored), rules,
                            row.disposition, default_rule_id=ctx.configuration.disposition.rules[-1].id)
    return None if found in (None, cause) else found


def _product(uow: UnitOfWork, sku: str) -> Product:
    product = uow.session.scalars(select(Product).where(Product.sku == sku.strip())).first()
    if product is None:
        raise NotFound(f"No product has the SKU {sku.strip()!r}. Search the catalog by name or barcode.")
    return product


def _without(values: Iterable[str], drop: Iterable[str]) -> list[str]:
    dropped = set(drop)
    return [v for v in values if v not in dropped]


def _as_if(row: ReturnItem, flags: list[str], found_reasons: list[str], product_id: int | None = None) -> ReturnItem:
    """A copy outside the session with other facts, for the rules to decide on (nothing is written)."""
    values = {attr.key: getattr(row, attr.key) for attr in inspect(ReturnItem).column_attrs}
    values.update(flags=flags, found_reasons=found_reasons)
    if product_id is not None:
        values["product_id"] = product_id
    return ReturnItem(**values)


def _take(row: ReturnItem, decision: Decision) -> None:
    row.grade = decision.grade.grade.value
    row.score = decision.grade.score
    row.disposition = decision.disposition.disposition.value
    row.grade_rules = [{"id": r.id, "why": r.why} for r in decision.grade.fired]
    row.disposition_rules = [{"id": r.id, "why": r.why} for r in decision.disposition.fired]


def _snapshot(row: ReturnItem) -> dict[str, Any]:
    return {"grade": row.grade, "disposition": row.disposition, "cause": row.exception_cause,
            "product_id": row.product_id}
