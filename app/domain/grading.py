"""Grading: checklist penalties → score → grade by thresholds, then caps (resources/rules/grading.toml).

The score starts at 100 and loses each penalising answer's points (never below 0). The thresholds give the
grade; then every `[[caps]]` rule whose `when` holds is applied in file order: `max_grade` lowers the grade
to at most that grade (and fires only if it did lower it), `grade` sets the grade outright (always fires).
The decision's `fired` explains it all: one rule per penalty, the threshold, and each cap that applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.domain.answers import ChecklistOutcome, ItemFacts
from app.domain.conditions import (
    Condition,
    TableReader,
    check_template,
    format_money,
    grade_rank,
    one_file,
    parse_condition,
    parse_toml,
)
from app.domain.vocab import CATEGORIES, CLAIMED_REASONS, FLAGS, FOUND_REASONS, GRADE_ORDER, Grade
from app.errors import RulesError

RULES_PACKAGE = "resources.rules"
GRADING_FILE = "grading.toml"
# Placeholders a cap's `why` may use.
GRADING_PLACEHOLDERS = ("grade", "score", "category", "value", "vendor", "claimed_reason")


@dataclass(frozen=True)
class FiredRule:
    id: str
    why: str  # plain words, placeholders already filled


@dataclass(frozen=True)
class GradeDecision:
    grade: Grade
    score: int
    fired: tuple[FiredRule, ...]


@dataclass(frozen=True)
class GradeCap:
    id: str
    when: Condition
    max_grade: Grade | None
    grade: Grade | None
    why: str


@dataclass(frozen=True)
class GradingExample:
    name: str
    where: str  # key path in the file, for reports
    outcome: ChecklistOutcome
    facts: ItemFacts
    expect_grade: Grade
    expect_score: int | None
    expect_rule: str


@dataclass(frozen=True)
class GradingRules:
    version: int
    source: str  # file the rules came from, for reports
    minimums: tuple[tuple[Grade, int], ...]  # (A, 95), (B, 80), (C, 60), (D, 30); below D → Salvage
    caps: tuple[GradeCap, ...]
    examples: tuple[GradingExample, ...] = field(default=(), compare=False)

    def rule_ids(self) -> list[str]:
        return [threshold_rule_id(g) for g in GRADE_ORDER] + [c.id for c in self.caps]


def threshold_rule_id(grade: Grade) -> str:
    return f"score.{grade.value}"


# --- loading ---------------------------------------------------------------------------------------------


def load_grading(extra_dir: Path | None = None) -> GradingRules:
    source = one_file(RULES_PACKAGE, GRADING_FILE, extra_dir)
    top = TableReader(source.name, "", parse_toml(source))
    version = top.integer("version", minimum=1)
    thresholds = top.table("thresholds")
    assert thresholds is not None
    minimums: list[tuple[Grade, int]] = []
    for grade in GRADE_ORDER[:-1]:
        minimum = thresholds.integer(grade.value, minimum=1, maximum=100)
        if minimums and minimum >= minimums[-1][1]:
            raise thresholds.error(
                grade.value, f"must be lower than grade {minimums[-1][0]}'s minimum ({minimums[-1][1]})"
            )
        minimums.append((grade, minimum))
    thresholds.finish()

    caps: list[GradeCap] = []
    for table in top.tables("caps", required=False):
        cap_id = table.identifier("id")
        if cap_id in (c.id for c in caps) or cap_id.startswith("score."):
            raise table.error("id", f"rule id '{cap_id}' is used twice or reserved")
        when_table = table.table("when")
        assert when_table is not None
        when = parse_condition(when_table, allow_grade=False)
        max_grade = table.grade("max_grade", required=False)
        fixed_grade = table.grade("grade", required=False)
        if (max_grade is None) == (fixed_grade is None):
            raise table.error(
                "max_grade", "give either max_grade (a ceiling) or grade (a fixed grade), not both"
            )
        why = check_template(table, "why", GRADING_PLACEHOLDERS)
        table.finish()
        caps.append(GradeCap(cap_id, when, max_grade, fixed_grade, why))

    example_tables = top.tables("examples", required=False)
    top.finish()
    examples = tuple(_example(t) for t in example_tables)
    return GradingRules(version, source.name, tuple(minimums), tuple(caps), examples)


FACT_KEYS_HELP = (
    "Facts in examples (all optional): category (default general), unit_value (currency units, default 20.0),"
    " vendor, vendor_rtv, warranty_days, days_since_purchase, claimed_reason, reasons, flags"
)


def read_example_facts(table: TableReader) -> ItemFacts:
    """The facts part of an `[[examples]]` table (shared with disposition.toml)."""
    category = table.text("category", "general")
    if category not in CATEGORIES:
        raise table.error("category", f"'{category}' is not a category; use one of: {', '.join(CATEGORIES)}")
    claimed = table.text("claimed_reason", "changed_mind")
    if claimed not in CLAIMED_REASONS:
        raise table.error(
            "claimed_reason", f"'{claimed}' is not a claimed reason; use one of: {', '.join(CLAIMED_REASONS)}"
        )
    value = table.number("unit_value", required=False, minimum=0)
    return ItemFacts(
        category=category,
        unit_value_cents=2000 if value is None else round(value * 100),
        vendor=table.text("vendor", "Example Vendor"),
        vendor_rtv=table.boolean("vendor_rtv", False),
        warranty_days=table.integer("warranty_days", 0, minimum=0),
        days_since_purchase=table.optional_integer("days_since_purchase", minimum=0),
        claimed_reason=claimed,
        found_reasons=frozenset(table.codes("reasons", FOUND_REASONS, "found reason")),
        flags=frozenset(table.codes("flags", FLAGS, "flag")),
    )


def _example(table: TableReader) -> GradingExample:
    name = table.text("name", table.path)
    penalty = table.integer("penalty", 0, minimum=0)
    facts = read_example_facts(table)
    outcome = ChecklistOutcome(penalty, tuple(sorted(facts.found_reasons)), tuple(sorted(facts.flags)), ())
    expect_grade = table.grade("expect_grade")
    assert expect_grade is not None
    expect_score = table.optional_integer("expect_score", minimum=0)
    expect_rule = table.text("expect_rule")
    table.finish()
    return GradingExample(name, table.path, outcome, facts, expect_grade, expect_score, expect_rule)


# --- deciding --------------------------------------------------------------------------------------------


def grade_item(rules: GradingRules, outcome: ChecklistOutcome, facts: ItemFacts) -> GradeDecision:
    fired: list[FiredRule] = []
    if outcome.penalties:
        for rule_id, words, points in outcome.penalties:
            fired.append(FiredRule(rule_id, f"{words}: −{points} points"))
    elif outcome.penalty:
        fired.append(FiredRule("checklist.penalty", f"Checklist answers: −{outcome.penalty} points"))

    score = max(0, min(100, 100 - outcome.penalty))
    grade, band = _grade_for(rules, score)
    fired.append(FiredRule(threshold_rule_id(grade), f"Score {score} of 100 → grade {grade} ({band})"))

    for cap in rules.caps:
        if not cap.when.matches(facts):
            continue
        if cap.grade is not None:
            grade = cap.grade
        elif cap.max_grade is not None and grade_rank(grade) < grade_rank(cap.max_grade):
            grade = cap.max_grade
        else:
            continue
        fired.append(FiredRule(cap.id, cap.why.format(**_placeholders(facts, grade, score))))
    return GradeDecision(grade, score, tuple(fired))


def _grade_for(rules: GradingRules, score: int) -> tuple[Grade, str]:
    upper = 100
    for grade, minimum in rules.minimums:
        if score >= minimum:
            return grade, f"{minimum}–{upper} is {grade}"
        upper = minimum - 1
    return Grade.SALVAGE, f"below {rules.minimums[-1][1]} is {Grade.SALVAGE}"


def _placeholders(facts: ItemFacts, grade: Grade, score: int) -> dict[str, object]:
    return {
        "grade": grade.value,
        "score": score,
        "category": CATEGORIES.get(facts.category, facts.category).lower(),
        "value": format_money(facts.unit_value_cents),
        "vendor": facts.vendor,
        "claimed_reason": CLAIMED_REASONS.get(facts.claimed_reason, facts.claimed_reason).lower(),
    }


def check_grading_examples(rules: GradingRules) -> list[RulesError]:
    """Examples whose outcome differs from what they expect, and rules no example shows."""
    problems: list[RulesError] = []
    shown: set[str] = set()
    for example in rules.examples:
        decision = grade_item(rules, example.outcome, example.facts)
        ids = [f.id for f in decision.fired]
        shown.add(example.expect_rule)
        wrong = []
        if decision.grade != example.expect_grade:
            wrong.append(f"expected grade {example.expect_grade}, got {decision.grade}")
        if example.expect_score is not None and decision.score != example.expect_score:
            wrong.append(f"expected score {example.expect_score}, got {decision.score}")
        if example.expect_rule not in ids:
            wrong.append(f"expected rule '{example.expect_rule}' to fire")
        if wrong:
            problems.append(
                RulesError(
                    rules.source,
                    example.where,
                    f"example '{example.name}': {'; '.join(wrong)} (fired: {', '.join(ids)})",
                )
            )
    for rule_id in rules.rule_ids():
        if rule_id not in shown:
            problems.append(RulesError(rules.source, "examples", f"no example shows rule '{rule_id}'"))
    return problems
