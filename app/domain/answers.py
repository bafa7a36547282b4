"""The value types that checklist, conditions, grading and disposition all pass around.

They live here, below those modules and importing none of them, so the domain has no import circle:
checklist produces a ChecklistOutcome from Answers, the intake service merges it into ItemFacts, and
conditions/grading/disposition read the facts.
"""

from __future__ import annotations

from dataclasses import dataclass

# An option value ("yes", "cracked") or a number (battery health 85).
Answer = str | int | float


@dataclass(frozen=True)
class ChecklistOutcome:
    penalty: int
    reasons: tuple[str, ...]
    flags: tuple[str, ...]
    details: tuple[tuple[str, str, int], ...]  # (question text, answer label, penalty) for the summary/slip
    # (rule id, short words, points) for each penalising answer, e.g.
    # ("electronics.screen_cracked", "Screen cracked", 40); grading turns them into fired rules.
    penalties: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True)
class ItemFacts:
    """Everything rules may look at; built by the intake service (checklist reasons/flags merged in)."""

    category: str
    unit_value_cents: int
    vendor: str
    vendor_rtv: bool
    warranty_days: int
    days_since_purchase: int | None
    claimed_reason: str
    found_reasons: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()
