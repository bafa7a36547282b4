"""The documents a print job carries, built from the records: the relabel and the disposition slip.

A job stores its document (not the rendered bytes), so a reprint shows what was decided then.
"""

from __future__ import annotations

from typing import Any

from app.db.models import Container, Product, ReturnItem
from app.domain import checklist as cl
from app.domain.vocab import CLAIMED_REASONS, FOUND_REASONS, GRADE_LABELS, Grade, disposition_label
from app.printing.documents import LabelDoc, SlipDoc
from app.services.context import StationContext
from app.services.intake import template_of


def label_doc(row: ReturnItem, product: Product | None) -> LabelDoc:
    assert row.lpn is not None and row.grade is not None
    when = (row.finalized_at or row.created_at).astimezone()
    headline = disposition_label(row.disposition).split(" (")[0].upper()
    return LabelDoc(
        barcode=row.lpn,
        title=product.description if product else (row.unknown_description or "Unknown item"),
        headline=f"{row.grade} · {headline}",
        details=f"SKU {product.sku}" if product else f"Scanned {row.scanned_code}",
        footer=f"{when:%Y-%m-%d} · {row.station_id}",
    )


def slip_doc(ctx: StationContext, row: ReturnItem, product: Product | None, operator_name: str,
             tote: Container | None) -> SlipDoc:
    assert row.lpn is not None and row.grade is not None and row.disposition is not None
    route = ctx.printing.route(row.disposition)
    destination = route.where(product.vendor if product else "")
    details = cl.outcome(template_of(ctx, row), row.answers).details
    checklist = tuple(f"{q} {a}" + (f" (-{p})" if p else "") for q, a, p in details)
    reasons = [r["why"] for r in (*row.grade_rules, *row.disposition_rules)]
    if row.found_reasons:
        reasons.append("Found: " + ", ".join(FOUND_REASONS.get(r, r) for r in row.found_reasons))
    disposition = disposition_label(row.disposition)
    if row.override:  # issue 10: a supervisor's override is marked, with the rules' original decision
        disposition, reasons = f"{disposition} - OVERRIDE", [override_line(row.override), *reasons]
    when = (row.finalized_at or row.created_at).astimezone()
    return SlipDoc(
        lpn=row.lpn,
        destination=destination,
        product=product.description if product else (row.unknown_description or "Unknown item"),
        sku=product.sku if product else row.scanned_code,
        grade=GRADE_LABELS[Grade(row.grade)].replace("—", "-"),
        disposition=disposition,
        reasons=tuple(reasons),
        checklist=checklist,
        claimed=CLAIMED_REASONS.get(row.claimed_reason, row.claimed_reason),
        rma=row.rma_number or "",
        operator=operator_name,
        finished_at=f"{when:%Y-%m-%d %H:%M}",
        station=row.station_id,
        tote=tote.code if tote is not None else "",
    )


def override_line(override: dict[str, Any]) -> str:
    """The slip's first reason for an overridden item: who, why, and what the rules had decided."""
    original = override.get("original") or {}
    was = f"{original.get('grade', '?')} {disposition_label(original.get('disposition'))}"
    approved = f", approved by {override['approved_by']}" if override.get("approved_by") else ""
    return (f"OVERRIDE by {override.get('by_name') or override.get('by', '?')}{approved}: "
            f"{override.get('reason_label') or override.get('reason', '')} - {override.get('note', '')} "
            f"(rules said {was})")
