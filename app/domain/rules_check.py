"""Load the whole rules configuration at once, or check it and list every problem (for `doctor` and CI).

Both run the `[[examples]]` of the rules files: an example that no longer comes out as written means the
rules changed meaning, and the app must not start on rules nobody has checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.domain.checklist import ChecklistTemplate, check_checklists, load_checklists
from app.domain.disposition import DispositionRules, check_disposition_examples, load_disposition
from app.domain.grading import GradingRules, check_grading_examples, load_grading
from app.errors import RulesError


@dataclass(frozen=True)
class Configuration:
    checklists: dict[str, ChecklistTemplate]  # keyed by category
    grading: GradingRules
    disposition: DispositionRules


def load_configuration(
    extra_rules_dir: Path | None = None, extra_checklists_dir: Path | None = None
) -> Configuration:
    """Everything the app needs to grade; RulesError on the first problem (never start half-configured)."""
    checklists = load_checklists(extra_checklists_dir)
    grading = load_grading(extra_rules_dir)
    disposition = load_disposition(extra_rules_dir)
    for problem in check_grading_examples(grading) + check_disposition_examples(disposition):
        raise problem
    return Configuration(checklists, grading, disposition)


def check_all(extra_rules_dir: Path | None = None, extra_checklists_dir: Path | None = None) -> list[str]:
    """Every problem in plain words, one per line; an empty list means all is fine."""
    problems: list[RulesError] = list(check_checklists(extra_checklists_dir))
    try:
        grading = load_grading(extra_rules_dir)
    except RulesError as exc:
        problems.append(exc)
    else:
        problems += check_grading_examples(grading)
    try:
        disposition = load_disposition(extra_rules_dir)
    except RulesError as exc:
        problems.append(exc)
    else:
        problems += check_disposition_examples(disposition)
    return [str(p) for p in problems]
