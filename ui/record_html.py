"""The whole record of one item as HTML for the item view: product and RMA line, the answers as asked, the
rules that fired (the why), the override, the audit trail, print history and sync state. Every value is
escaped: descriptions, notes and serials come from people and scanners."""

from __future__ import annotations

from html import escape
from typing import Any

from app.domain.exceptions import cause_label
from app.domain.vocab import FLAGS, disposition_label
from app.review.record import ItemRecord


def record_html(record: ItemRecord) -> str:
    item = record.item
    parts = [f"<h2>{_e(item.lpn or '(draft)')} — grade {_e(item.grade or '—')}, "
             f"{_e(disposition_label(item.disposition))}</h2>", _facts(record), _why(record)]
    if record.override:
        parts.append(_override(record.override))
    parts += [_answers(record), _audit(record), _prints(record), f"<p><b>Sync:</b> {_e(record.sync)}</p>"]
    return "".join(parts)


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _facts(record: ItemRecord) -> str:
    item = record.item
    product = item.product
    what = f"{product.sku} — {product.description}" if product else f"Unknown item: {item.unknown_description or ''}"
    rows = [("Product", what), ("Scanned", item.scanned_code), ("Serial / lot", f"{item.serial or '—'} / "
                                                                               f"{item.lot or '—'}"),
            ("RMA line", f"{item.rma_line.rma_number} line {item.rma_line.line_no}, order "
                         f"{item.rma_line.order_number}" if item.rma_line else "none"),
            ("Graded by", f"{record.operator} at station {item.station_id}"),
            ("Flags", ", ".join(FLAGS.get(flag, flag) for flag in item.flags) or "none"),
            ("Status", f"{item.status}, version {record.version}")]
    if record.exception_cause:
        held = "resolved" if record.exception_resolved_at else "held for a supervisor"
        rows.append(("Exception", f"{cause_label(record.exception_cause)} ({held})"))
    if record.recall_ref:
        rows.append(("Recall", record.recall_ref))
    return _table(rows)


def _why(record: ItemRecord) -> str:
    lines = [f"<li>{_e(rule.why)} <i>({_e(rule.id)})</i></li>" for rule in
             (*record.grade_rules, *record.disposition_rules)]
    return f"<h3>Why</h3><ul>{''.join(lines) or '<li>no rule recorded</li>'}</ul>"


def _override(override: dict[str, Any]) -> str:
    original = override.get("original") or {}
    approved = f", approved by {override['approved_by']}" if override.get("approved_by") else ""
    return (f"<h3>Override</h3><p>Rules decided {_e(original.get('grade'))}, "
            f"{_e(disposition_label(original.get('disposition')))}; {_e(override.get('by_name') or override.get('by'))}"
            f" changed it to {_e(override.get('grade'))}, {_e(disposition_label(override.get('disposition')))}"
            f"{_e(approved)}: {_e(override.get('reason_label') or override.get('reason'))} — "
            f"{_e(override.get('note'))}</p>")


def _answers(record: ItemRecord) -> str:
    rows = [(line.question, line.answer + (" (nothing else wrong)" if line.auto else "")) for line in record.answers]
    note = f"<p><i>{_e(record.answers_note)}</i></p>" if record.answers_note else ""
    return f"<h3>Answers, as asked</h3>{note}{_table(rows)}"


def _audit(record: ItemRecord) -> str:
    rows = [(line.at.astimezone().strftime("%d %b %H:%M:%S"),
             f"{line.who}: {line.action} {line.detail}{_changes(line.before, line.after)}") for line in record.audit]
    return f"<h3>Audit trail</h3>{_table(rows)}"


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """What an event changed, e.g. ' (disposition: restock → liquidate)'; nothing when it kept no values."""
    before, after = before or {}, after or {}
    changed = [f"{key}: {before.get(key, '—')} → {after[key]}" for key in after
               if key in before and before.get(key) != after[key]]
    return f" ({'; '.join(changed)})" if changed else ""


def _prints(record: ItemRecord) -> str:
    rows = [(line.created_at.astimezone().strftime("%d %b %H:%M"),
             f"{line.kind} on {line.printer}: {line.status}" + (f" — {line.reason}" if line.reason else ""))
            for line in record.prints]
    return f"<h3>Print history</h3>{_table(rows)}"


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td><b>{_e(a)}</b></td><td>{_e(b)}</td></tr>" for a, b in rows)
    return f"<table cellspacing='4'>{cells}</table>"
