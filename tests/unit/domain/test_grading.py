"""Grading: score thresholds, caps, the fired explanation, every shipped example, malformed files."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from app.domain.checklist import Answer, ChecklistOutcome, load_checklists, outcome
from app.domain.grading import (
    GradeDecision,
    GradingExample,
    GradingRules,
    ItemFacts,
    check_grading_examples,
    grade_item,
    load_grading,
)
from app.domain.vocab import Grade
from app.errors import RulesError

RULES = load_grading()


def facts(category: str = "apparel", reasons: tuple[str, ...] = (), flags: tuple[str, ...] = ()) -> ItemFacts:
    return ItemFacts(
        category=category,
        unit_value_cents=4999,
        vendor="Acme",
        vendor_rtv=False,
        warranty_days=365,
        days_since_purchase=10,
        claimed_reason="changed_mind",
        found_reasons=frozenset(reasons),
        flags=frozenset(flags),
    )


def plain(penalty: int) -> ChecklistOutcome:
    return ChecklistOutcome(penalty, (), (), ())


def ids(decision: GradeDecision) -> list[str]:
    return [f.id for f in decision.fired]


@pytest.mark.parametrize(
    ("penalty", "score", "grade"),
    [
        (0, 100, Grade.A),
        (5, 95, Grade.A),
        (6, 94, Grade.B),
        (20, 80, Grade.B),
        (21, 79, Grade.C),
        (40, 60, Grade.C),
        (41, 59, Grade.D),
        (70, 30, Grade.D),
        (71, 29, Grade.SALVAGE),
        (250, 0, Grade.SALVAGE),
    ],
)
def test_thresholds(penalty: int, score: int, grade: Grade) -> None:
    decision = grade_item(RULES, plain(penalty), facts())  # apparel: no "opened" cap
    assert (decision.score, decision.grade) == (score, grade)
    assert ids(decision)[-1] == f"score.{grade.value}"


def test_threshold_why_texts() -> None:
    assert grade_item(RULES, plain(45), facts()).fired[-1].why == "Score 55 of 100 → grade D (30–59 is D)"
    assert grade_item(RULES, plain(0), facts()).fired[-1].why == "Score 100 of 100 → grade A (95–100 is A)"
    assert grade_item(RULES, plain(35), facts()).fired[-1].why == "Score 65 of 100 → grade C (60–79 is C)"
    assert (
        grade_item(RULES, plain(80), facts()).fired[-1].why
        == "Score 20 of 100 → grade Salvage (below 30 is Salvage)"
    )


def test_penalising_answers_explain_the_score() -> None:
    electronics = load_checklists()["electronics"]
    answers: dict[str, Answer] = {
        "sealed": "no",
        "powers_on": "yes",
        "screen": "cracked",
        "liquid_damage": "no",
        "battery_swollen": "no",
        "battery_health": 90,
        "accessories": "yes",
        "holds_data": "no",
    }
    result = outcome(electronics, answers)
    decision = grade_item(RULES, result, facts("electronics", result.reasons, result.flags))
    assert decision.score == 60
    assert decision.grade == Grade.C
    assert [(f.id, f.why) for f in decision.fired] == [
        ("electronics.screen_cracked", "Screen cracked: −40 points"),
        ("score.C", "Score 60 of 100 → grade C (60–79 is C)"),
    ]


def test_penalty_without_details_gets_one_summary_rule() -> None:
    decision = grade_item(RULES, plain(15), facts())
    assert decision.fired[0].id == "checklist.penalty"
    assert decision.fired[0].why == "Checklist answers: −15 points"


def test_hazardous_caps_at_salvage() -> None:
    decision = grade_item(RULES, plain(0), facts("electronics", ("hazardous",), ("hazardous", "sealed")))
    assert decision.grade == Grade.SALVAGE
    assert decision.score == 100
    assert decision.fired[-1].id == "hazardous"
    assert decision.fired[-1].why == "Hazardous item: grade capped at Salvage"


@pytest.mark.parametrize(
    ("reason", "rule", "grade"),
    [
        ("defective", "defective", Grade.D),
        ("used_worn", "used_worn", Grade.C),
        ("missing_accessories", "missing_accessories", Grade.C),
    ],
)
def test_reason_caps(reason: str, rule: str, grade: Grade) -> None:
    decision = grade_item(RULES, plain(0), facts("apparel", (reason,)))
    assert decision.grade == grade
    assert ids(decision) == ["score.A", rule]


def test_cap_does_not_fire_when_the_grade_is_already_lower() -> None:
    decision = grade_item(RULES, plain(50), facts("small_appliances", ("used_worn",)))
    assert decision.grade == Grade.D
    assert ids(decision) == ["checklist.penalty", "score.D"]


def test_opened_caps_at_b_except_apparel_and_sealed() -> None:
    opened = grade_item(RULES, plain(0), facts("electronics"))
    assert opened.grade == Grade.B
    assert opened.fired[-1].why == "Opened (not factory sealed): grade capped at B"
    assert grade_item(RULES, plain(0), facts("electronics", flags=("sealed",))).grade == Grade.A
    assert grade_item(RULES, plain(0), facts("apparel")).grade == Grade.A


def test_several_caps_apply_in_order() -> None:
    decision = grade_item(RULES, plain(0), facts("general", ("used_worn", "defective")))
    assert decision.grade == Grade.D
    assert ids(decision) == ["score.A", "defective"]  # used_worn (C) and opened (B) would not lower D


@pytest.mark.parametrize("example", RULES.examples, ids=lambda e: e.name)
def test_shipped_example(example: GradingExample) -> None:
    decision = grade_item(RULES, example.outcome, example.facts)
    assert decision.grade == example.expect_grade
    if example.expect_score is not None:
        assert decision.score == example.expect_score
    assert example.expect_rule in ids(decision)


def test_every_grading_rule_has_an_example() -> None:
    assert check_grading_examples(RULES) == []
    assert {e.expect_rule for e in RULES.examples} >= set(RULES.rule_ids())


# --- malformed files ---------------------------------------------------------------------------------------


def shipped() -> str:
    return files("resources.rules").joinpath("grading.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, old: str, new: str) -> Path:
    text = shipped()
    assert old in text
    (tmp_path / "grading.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path / "grading.toml"


@pytest.mark.parametrize(
    ("old", "new", "where", "problem"),
    [
        ('max_grade = "D"', 'max_grade = "E"', "caps[2].max_grade", "the text 'E' is not a grade"),
        (
            'when = { reason_any = ["defective"] }',
            'when = { reason_any = ["defective"], grade = ["A"] }',
            "caps[2].when.grade",
            "cannot test the grade",
        ),
        (
            'when = { reason_any = ["defective"] }',
            'when = { reason_any = ["defective"], colour = "red" }',
            "caps[2].when.colour",
            "unknown key 'colour'",
        ),
        ('reason_any = ["defective"]', 'reason_any = ["kaputt"]', "caps[2].when.reason_any", "'kaputt'"),
        (
            'reason_any = ["defective"]',
            'reason_any = "defective"',
            "caps[2].when.reason_any",
            "list of texts",
        ),
        ("C = 60", "C = 85", "thresholds.C", "must be lower than grade B's minimum (80)"),
        (
            'why = "Found defective: grade capped at D"',
            'why = "Found defective at {price}"',
            "caps[2].why",
            "unknown placeholder {price}",
        ),
        ('expect_grade = "A"', 'expect_grade = "a"', "examples[1].expect_grade", "is not a grade"),
        ('max_grade = "D"', 'max_grade = "D"\ngrade = "D"', "caps[2].max_grade", "not both"),
    ],
)
def test_malformed_grading_names_file_and_key(
    tmp_path: Path, old: str, new: str, where: str, problem: str
) -> None:
    path = write(tmp_path, old, new)
    with pytest.raises(RulesError) as info:
        load_grading(tmp_path)
    assert info.value.file == str(path)
    assert info.value.where == where
    assert problem in info.value.problem


def test_grading_syntax_error_gives_line(tmp_path: Path) -> None:
    write(tmp_path, "\n[thresholds]\n", "\n[thresholds\n")
    line = shipped().splitlines().index("[thresholds]") + 1
    with pytest.raises(RulesError) as info:
        load_grading(tmp_path)
    assert info.value.where.startswith(f"line {line}, column ")
    assert "TOML syntax error" in info.value.problem


def test_grading_rules_are_comparable_values() -> None:
    again = load_grading()
    assert isinstance(again, GradingRules)
    assert again == RULES
