"""Supervisor overrides: change an item's grade and/or disposition with a reason code and a note.

Above the site's value threshold a second, different supervisor approves (badge + PIN, signed in by the
caller). The rules' own decision is never rewritten: it stays in grade_rules/disposition_rules, and
return_item.override keeps the original grade and disposition beside the new ones. The relabel and the slip
print again (the slip says OVERRIDE) and the item moves to the open tote of its new disposition.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.db.models import Container, PrintJob, Product, ReturnItem
from app.db.uow import UnitOfWork
from app.domain.conditions import format_money, one_file, parse_toml
from app.domain.grading import RULES_PACKAGE
from app.domain.status import JOB_WAITING, ItemStatus, JobStatus
from app.domain.vocab import Disposition, Grade, disposition_label
from app.errors import InvalidState, PermissionDenied, RulesError
from app.review.access import require_supervisor
from app.services import totes
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.items import load_item, view_of
from app.services.print_documents import label_doc, slip_doc
from app.services.print_queue import enqueue
from app.services.views import ItemView, OperatorView

OVERRIDE_FILE = "override_reasons.toml"
DEFAULT_APPROVAL_CENTS = 50_000  # when the file has no [approval] above_cents
OTHER = "other"
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class OverridePolicy:
    reasons: dict[str, str]  # code -> words; always has "other"
    approval_above_cents: int  # an item worth more needs a second supervisor
    source: str = ""


def load_override_policy(rules_dir: Path | None = None) -> OverridePolicy:
    """The shipped resources/rules/override_reasons.toml, or the site's file of that name in `rules_dir`."""
    source = one_file(RULES_PACKAGE, OVERRIDE_FILE, rules_dir)
    data = parse_toml(source)
    raw = data.get("reasons", {})
    if not isinstance(raw, dict) or not raw:
        raise RulesError(source.name, "reasons", "list at least one reason code: code = \"words\"")
    reasons: dict[str, str] = {}
    for code, words in raw.items():
        if not _CODE.match(code) or not isinstance(words, str) or not words.strip():
            raise RulesError(source.name, f"reasons.{code}",
                             "a reason is code = \"words\" (code: lower case letters, digits, _)")
        reasons[code] = words.strip()
    reasons.setdefault(OTHER, "Other (say what in the note)")
    approval = data.get("approval", {})
    above = approval.get("above_cents", DEFAULT_APPROVAL_CENTS) if isinstance(approval, dict) else None
    if not isinstance(above, int) or isinstance(above, bool) or above < 0:
        raise RulesError(source.name, "approval.above_cents", "must be a whole number of cents, 0 or more")
    return OverridePolicy(reasons, above, source.name)


def override_reasons(ctx: StationContext, rules_dir: Path | None = None) -> dict[str, str]:
    """The reason codes a supervisor picks from (code -> words), always with "other"."""
    return load_override_policy(rules_dir).reasons


def override(
    uow: UnitOfWork,
    ctx: StationContext,
    operator: OperatorView,
    item_id: uuid.UUID,
    grade: str | None = None,
    disposition: str | None = None,
    reason: str = "",
    note: str = "",
    approver: OperatorView | None = None,
    policy: OverridePolicy | None = None,
) -> ItemView:
    """Change a final item's grade and/or disposition. Refused without a reason code and a note, and above the
    policy's value without a second supervisor (`approver`). Audited; the version rises (it syncs under the
    conflict rule); relabel + slip reprint and the tote changes when the item is this station's."""
    policy = policy or load_override_policy()
    by = require_supervisor(uow, operator, "override a grade or disposition")
    row = load_item(uow, item_id)
    new_grade, new_disposition = _checked_change(row, grade, disposition)
    reason_words = _checked_reason(policy, reason, note)
    value = _unit_value(uow, row)
    approved_by = _approval(uow, policy, operator, approver, value)
    now = ctx.clock.now()
    before = {"grade": row.grade, "disposition": row.disposition}
    original = (row.override or {}).get("original") or before
    row.override = {
        "grade": new_grade, "disposition": new_disposition, "reason": reason, "reason_label": reason_words,
        "note": note.strip(), "by": by.badge, "by_name": by.name, "approved_by": approved_by, "at": now.isoformat(),
        "original": original, "previous": before,
    }
    row.grade, row.disposition = new_grade, new_disposition
    row.version += 1
    after: dict[str, Any] = {"grade": new_grade, "disposition": new_disposition, "reason": reason,
                             "approved_by": approved_by}
    if row.exception_cause and row.exception_resolved_at is None:  # a supervisor decided it: no longer held
        row.exception_resolved_at, row.exception_resolved_by = now, by.id
        after["exception_resolved"] = row.exception_cause
    record_event(uow, ctx, operator.id, "overridden", row.id, detail=f"{reason_words}: {note.strip()}"[:500],
                 before=before, after=after)
    floor_follows(uow, ctx, operator.id, row, f"Override: {reason_words}")
    uow.session.flush()
    return view_of(uow, row)


def _checked_change(row: ReturnItem, grade: str | None, disposition: str | None) -> tuple[str, str]:
    if row.status != ItemStatus.FINAL:
        raise InvalidState(f"Only a finished item can be overridden; {row.lpn or 'this item'} is {row.status}.")
    assert row.grade is not None and row.disposition is not None
    if grade is not None and grade not in {g.value for g in Grade}:
        raise InvalidState(f"'{grade}' is not a grade; pick one of {', '.join(g.value for g in Grade)}.")
    if disposition is not None and disposition not in {d.value for d in Disposition}:
        raise InvalidState(f"'{disposition}' is not a disposition; pick one of "
                           f"{', '.join(d.value for d in Disposition)}.")
    new_grade, new_disposition = grade or row.grade, disposition or row.disposition
    if (new_grade, new_disposition) == (row.grade, row.disposition):
        raise InvalidState(f"{row.lpn} is already grade {row.grade}, {disposition_label(row.disposition)}: "
                           "pick a different grade or disposition to override it.")
    if "recalled" in (row.flags or []) and new_disposition not in ("quarantine", "rtv", "destroy"):
        raise InvalidState(f"{row.lpn} is a recalled unit: it must never be resold. Pick quarantine, return to "
                           "vendor or destroy.")
    return new_grade, new_disposition


def _checked_reason(policy: OverridePolicy, reason: str, note: str) -> str:
    if reason not in policy.reasons:
        choices = ", ".join(policy.reasons)
        raise InvalidState(f"Pick a reason code for the override ({choices})." if not reason else
                           f"'{reason}' is not one of this site's override reasons; pick one of {choices}.")
    if not note.strip():
        raise InvalidState("Write a short note saying why you override it (it is kept with the record).")
    return policy.reasons[reason]


def _unit_value(uow: UnitOfWork, row: ReturnItem) -> int:
    product = uow.session.get(Product, row.product_id) if row.product_id else None
    return product.unit_value_cents if product else 0


def _approval(uow: UnitOfWork, policy: OverridePolicy, operator: OperatorView, approver: OperatorView | None,
              value_cents: int) -> str | None:
    """The approving supervisor's badge when the item's value needs one (None below the threshold)."""
    if value_cents <= policy.approval_above_cents:
        return None
    limit = format_money(policy.approval_above_cents)
    if approver is None:
        raise PermissionDenied(f"This item is worth {format_money(value_cents)}, over {limit}: a second "
                               "supervisor must approve the override with their badge and PIN.")
    if approver.id == operator.id:
        raise PermissionDenied("The second approval must come from a different supervisor, not the one "
                               "making the override. Ask another supervisor to scan their badge.")
    row = require_supervisor(uow, approver, f"approve an override of an item worth over {limit}")
    return row.badge


def floor_follows(uow: UnitOfWork, ctx: StationContext, operator_id: int | None, row: ReturnItem,
                  reason: str) -> Container | None:
    """The floor sees a changed decision: the relabel and slip print again (unprinted old ones are cancelled)
    and the item goes to the open tote of its disposition. Only on the item's own station: totes and printers
    are a station's. An item of another station changed centrally gets this there, when it pulls the change
    (app/sync/pull_items.py)."""
    if row.station_id != ctx.station_id or row.status != ItemStatus.FINAL:
        return None
    assert row.disposition is not None
    tote = uow.session.get(Container, row.container_id) if row.container_id else None
    if tote is None or tote.disposition != row.disposition:
        tote = totes.assign_tote(uow, ctx, row)
    _cancel_waiting(uow, row.id)
    product = uow.session.get(Product, row.product_id) if row.product_id else None
    setup = ctx.printing
    enqueue(uow, ctx, "label", label_doc(row, product), setup.label_printer, operator_id, item_id=row.id,
            reason=reason[:500])
    enqueue(uow, ctx, "slip", slip_doc(ctx, row, product, totes.operator_name(uow, row.operator_id), tote),
            setup.slip_printer, operator_id, item_id=row.id, reason=reason[:500])
    return tote


def _cancel_waiting(uow: UnitOfWork, item_id: uuid.UUID) -> None:
    """An old label not printed yet would put the old decision on the item."""
    for job in uow.session.scalars(select(PrintJob).where(PrintJob.item_id == item_id,
                                                          PrintJob.status.in_(JOB_WAITING))):
        job.status, job.last_error = JobStatus.CANCELLED, "Replaced: the decision changed"
