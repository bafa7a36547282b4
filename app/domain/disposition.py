"""Disposition: ordered rules (resources/rules/disposition.toml); the first whose `when` holds decides.

The last rule must have an empty `when` (the default), and only the last one may: a catch-all earlier in
the list would silently hide every rule after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.domain.answers import ItemFacts
from app.domain.conditions import (
    Condition,
    TableReader,
    check_template,
    format_money,
    one_file,
    parse_condition,
    parse_toml,
)
from app.domain.grading import RULES_PACKAGE, FiredRule, read_example_facts
from app.domain.vocab import CATEGORIES, CLAIMED_REASONS, Disposition, Grade
from app.errors import RulesError

DISPOSITION_FILE = "disposition.toml"
DISPOSITION_PLACEHOLDERS = (
    "grade",
    "category",
    "value",
    "vendor",
    "claimed_reason",
    "warranty_days",
    "days_since_purchase",
)


@dataclass(frozen=True)
class DispositionDecision:
    disposition: Disposition
    fired: tuple[FiredRule, ...]


@dataclass(frozen=True)
class DispositionRule:
    id: str
    when: Condition
    disposition: Disposition
    why: str


@dataclass(frozen=True)
class DispositionExample:
    name: str
    where: str
    grade: Grade
    facts: ItemFacts
    expect: Disposition
    expect_rule: str


@dataclass(frozen=True)
class DispositionRules:
    version: int
    source: str
    rules: tuple[DispositionRule, ...]
    examples: tuple[DispositionExample, ...] = field(default=(), compare=False)

    def rule_ids(self) -> list[str]:
        return [r.id for r in self.rules]


def _disposition(table: TableReader, key: str) -> Disposition:
    value = table.text(key)
    codes = [d.value for d in Disposition]
    if value not in codes:
        raise table.error(key, f"'{value}' is not a disposition; use one of: {', '.join(codes)}")
    return Disposition(value)


def load_disposition(extra_dir: Path | None = None) -> DispositionRules:
    source = one_file(RULES_PACKAGE, DISPOSITION_FILE, extra_dir)
    top = TableReader(source.name, "", parse_toml(source))
    version = top.integer("version", minimum=1)
    rule_tables = top.tables("rules")
    rules: list[DispositionRule] = []
    for table in rule_tables:
        rule_id = table.identifier("id")
        if rule_id in (r.id for r in rules):
            raise table.error("id", f"rule id '{rule_id}' is used twice")
        when_table = table.table("when")
        assert when_table is not None
        when = parse_condition(when_table, allow_grade=True)
        disposition = _disposition(table, "disposition")
        why = check_template(table, "why", DISPOSITION_PLACEHOLDERS)
        table.finish()
        rules.append(DispositionRule(rule_id, when, disposition, why))
    if not rules:
        raise top.error("rules", "there must be at least one rule (the default)")
    for table, rule in zip(rule_tables[:-1], rules[:-1], strict=True):
        if rule.when.is_empty:
            raise table.error("when", "only the last rule (the default) may have an empty 'when'")
    if not rules[-1].when.is_empty:
        raise rule_tables[-1].error(
            "when", "the last rule is the default: its 'when' must be empty, when = {}"
        )

    examples = []
    for table in top.tables("examples", required=False):
        grade = table.grade("grade")
        assert grade is not None
        facts = read_example_facts(table)
        examples.append(
            DispositionExample(
                table.text("name", table.path),
                table.path,
                grade,
                facts,
                _disposition(table, "expect"),
                table.text("expect_rule"),
            )
        )
        table.finish()
    top.finish()
    return DispositionRules(version, source.name, tuple(rules), tuple(examples))


def decide_disposition(rules: DispositionRules, grade: Grade, facts: ItemFacts) -> DispositionDecision:
    for rule in rules.rules:
        if rule.when.matches(facts, grade):
            why = rule.why.format(**_placeholders(facts, grade))
            return DispositionDecision(rule.disposition, (FiredRule(rule.id, why),))
    raise AssertionError("the loader guarantees a default rule")  # pragma: no cover


def _placeholders(facts: ItemFacts, grade: Grade) -> dict[str, object]:
    return {
        "grade": grade.value,
        "category": CATEGORIES.get(facts.category, facts.category).lower(),
        "value": format_money(facts.unit_value_cents),
        "vendor": facts.vendor,
        "claimed_reason": CLAIMED_REASONS.get(facts.claimed_reason, facts.claimed_reason).lower(),
        "warranty_days": facts.warranty_days,
        "days_since_purchase": "unknown" if facts.days_since_purchase is None else facts.days_since_purchase,
    }


def check_disposition_examples(rules: DispositionRules) -> list[RulesError]:
    problems: list[RulesError] = []
    shown: set[str] = set()
    for example in rules.examples:
        decision = decide_disposition(rules, example.grade, example.facts)
        shown.add(example.expect_rule)
        got_rule = decision.fired[0].id
        if decision.disposition != example.expect or got_rule != example.expect_rule:
            problems.append(
                RulesError(
                    rules.source,
                    example.where,
                    f"example '{example.name}': expected {example.expect} by rule '{example.expect_rule}',"
                    f" got {decision.disposition} by rule '{got_rule}'",
                )
            )
    for rule_id in rules.rule_ids():
        if rule_id not in shown:
            problems.append(RulesError(rules.source, "examples", f"no example shows rule '{rule_id}'"))
    return problems
