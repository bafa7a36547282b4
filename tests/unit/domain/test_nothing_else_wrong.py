""""Nothing else wrong" (no-defect answers, never_skip) and the stable "Question n of N" progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.checklist import (
    Answer,
    ChecklistTemplate,
    Question,
    load_checklists,
    next_question,
    nothing_else_wrong,
    outcome,
    progress,
    visible_questions,
)
from app.domain.rules_check import check_all
from app.errors import RulesError
from bench.bench_actions import Count, measure

CHECKLISTS = load_checklists()
NEVER_SKIP = {
    "electronics": {"battery_swollen", "holds_data", "data_wiped"},
    "small_appliances": {"leaks"},
    "general": set(),
    "apparel": set(),
}


def question(template: ChecklistTemplate, qid: str) -> Question:
    return next(q for q in template.questions if q.id == qid)


def current_id(template: ChecklistTemplate, answers: dict[str, Answer]) -> str | None:
    found = next_question(template, answers)
    return None if found is None else found.id


# --- shipped checklists --------------------------------------------------------------------------------


def test_never_skip_marks_the_safety_and_data_questions() -> None:
    for category, template in CHECKLISTS.items():
        assert {q.id for q in template.questions if q.never_skip} == NEVER_SKIP[category]


def test_no_defect_answers_are_derived_from_effects() -> None:
    small = CHECKLISTS["small_appliances"]
    assert [q.no_defect for q in small.questions] == ["no", "no", "yes", "yes", "yes", "none", "yes"]
    electronics = CHECKLISTS["electronics"]
    assert question(electronics, "screen").no_defect == "none"
    assert question(electronics, "battery_health").no_defect is None  # a number: always measured
    # Both answers to "was the shipping box crushed too?" are findings: there is no no-defect answer.
    assert question(CHECKLISTS["general"], "carrier_box").no_defect is None


def test_opened_small_appliance_needs_the_leak_check_then_one_press() -> None:
    small = CHECKLISTS["small_appliances"]
    answers, auto = nothing_else_wrong(small, {})
    assert auto == ("sealed",)
    assert answers == {"sealed": "no"} and current_id(small, answers) == "leaks"

    answers, auto = nothing_else_wrong(small, {**answers, "leaks": "no"})
    assert auto == ("powers_on", "full_cycle", "parts", "cosmetic", "clean")
    assert next_question(small, answers) is None
    result = outcome(small, answers)
    assert (result.penalty, result.reasons, result.flags) == (0, (), ())


def test_pressing_it_at_a_stop_answers_nothing() -> None:
    small = CHECKLISTS["small_appliances"]
    given_answers: dict[str, Answer] = {"sealed": "no"}
    answers, auto = nothing_else_wrong(small, given_answers)
    assert (answers, auto) == (given_answers, ())
    assert answers is not given_answers  # a new mapping: the caller's answers are never changed


def test_phone_stops_at_battery_checks_and_data_questions() -> None:
    phone = CHECKLISTS["electronics"]
    answers, auto = nothing_else_wrong(phone, {})
    assert auto == ("sealed", "powers_on", "screen", "liquid_damage")
    assert current_id(phone, answers) == "battery_swollen"
    answers, auto = nothing_else_wrong(phone, {**answers, "battery_swollen": "no"})
    assert auto == () and current_id(phone, answers) == "battery_health"
    answers, auto = nothing_else_wrong(phone, {**answers, "battery_health": 91})
    assert auto == ("accessories",) and current_id(phone, answers) == "holds_data"
    answers, auto = nothing_else_wrong(phone, {**answers, "holds_data": "yes"})
    assert auto == () and current_id(phone, answers) == "data_wiped"


def test_answers_given_by_hand_stay_and_their_skips_are_followed() -> None:
    phone = CHECKLISTS["electronics"]
    by_hand: dict[str, Answer] = {"sealed": "no", "powers_on": "no", "screen": "cracked", "battery_swollen": "no"}
    answers, auto = nothing_else_wrong(phone, by_hand)
    assert {k: answers[k] for k in by_hand} == by_hand
    # powers_on = no skipped battery_health, so the press goes on past it.
    assert auto == ("liquid_damage", "accessories")
    assert current_id(phone, answers) == "holds_data"
    assert outcome(phone, answers).penalty == 50 + 40


def test_an_answer_that_asks_a_follow_up_stops_there() -> None:
    general = CHECKLISTS["general"]
    answers, auto = nothing_else_wrong(general, {"sealed": "no", "damage": "broken"})
    assert auto == ("packaging",)
    assert current_id(general, answers) == "carrier_box"


def test_sealed_item_is_complete_after_one_answer() -> None:
    phone = CHECKLISTS["electronics"]
    answers, auto = nothing_else_wrong(phone, {"sealed": "yes"})
    assert (answers, auto) == ({"sealed": "yes"}, ())


# --- progress ------------------------------------------------------------------------------------------


def test_phone_count_does_not_grow_when_data_wipe_is_asked() -> None:
    phone = CHECKLISTS["electronics"]
    answers: dict[str, Answer] = {}
    seen = []
    for qid, value in [
        ("sealed", "no"),
        ("powers_on", "yes"),
        ("screen", "none"),
        ("liquid_damage", "no"),
        ("battery_swollen", "no"),
        ("battery_health", 88),
        ("accessories", "yes"),
        ("holds_data", "yes"),
        ("data_wiped", "yes"),
    ]:
        seen.append(progress(phone, answers))
        answers[qid] = value
    assert seen == [(n, 9) for n in range(1, 10)]  # was "8 of 8" then "9 of 9"
    assert progress(phone, answers) == (9, 9)


def test_count_shrinks_when_answers_skip_questions() -> None:
    phone = CHECKLISTS["electronics"]
    assert progress(phone, {}) == (1, 9)
    assert progress(phone, {"sealed": "yes"}) == (1, 1)
    assert progress(phone, {"sealed": "no", "powers_on": "no"}) == (3, 8)  # battery health skipped
    general = CHECKLISTS["general"]
    assert progress(general, {"sealed": "no"}) == (2, 6)  # carrier_box counted until damage is answered
    assert progress(general, {"sealed": "no", "packaging": "good", "damage": "none"}) == (4, 5)


def answer_for(template: ChecklistTemplate, answers: dict[str, Answer], data: st.DataObject) -> Answer:
    """A valid answer to the question on screen, drawn by hypothesis."""
    current = next_question(template, answers)
    assert current is not None
    if current.kind != "number":
        return data.draw(st.sampled_from([o.value for o in current.options]))
    low = 0.0 if current.minimum is None else current.minimum
    high = 1000.0 if current.maximum is None else current.maximum
    return data.draw(st.one_of(st.integers(int(low), int(high)), st.floats(low, high)))


@pytest.mark.parametrize("category", sorted(CHECKLISTS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_progress_total_never_grows_along_one_item(category: str, data: st.DataObject) -> None:
    template = CHECKLISTS[category]
    answers: dict[str, Answer] = {}
    number, total = progress(template, answers)
    while next_question(template, answers) is not None:
        answered = sum(1 for q in visible_questions(template, answers) if q.id in answers)
        assert number - 1 == answered  # the number on screen is the next question's
        assert 1 <= number <= total
        if data.draw(st.booleans(), label="press nothing else wrong"):
            answers, auto = nothing_else_wrong(template, answers)
            if not auto:  # a stop: the worker answers it
                current = next_question(template, answers)
                assert current is not None and (current.never_skip or current.no_defect is None)
                continue
            assert not any(question(template, qid).never_skip for qid in auto)
        else:
            current = next_question(template, answers)
            assert current is not None
            answers[current.id] = answer_for(template, answers, data)
        new_number, new_total = progress(template, answers)
        assert new_total <= total
        number, total = new_number, new_total
    answered = len([q for q in visible_questions(template, answers) if q.id in answers])
    assert (number, total) == (answered, answered)


@pytest.mark.parametrize("category", sorted(CHECKLISTS))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_auto_answers_never_add_a_finding(category: str, data: st.DataObject) -> None:
    """Whatever the worker answered first, what "nothing else wrong" adds has no penalty, reason or flag."""
    template = CHECKLISTS[category]
    answers: dict[str, Answer] = {}
    for _ in range(data.draw(st.integers(0, len(template.questions)))):
        if next_question(template, answers) is None:
            break
        current = next_question(template, answers)
        assert current is not None
        answers[current.id] = answer_for(template, answers, data)
    before = outcome(template, answers)
    after_answers, auto = nothing_else_wrong(template, answers)
    after = outcome(template, after_answers)
    assert after.penalty == before.penalty
    assert set(after.reasons) == set(before.reasons) and set(after.flags) == set(before.flags)
    assert set(after_answers) - set(answers) == set(auto)


# --- the file format -------------------------------------------------------------------------------------

MINIMAL = """
id = "general_site"
version = 1
category = "general"
title = "Site checklist"

[[questions]]
id = "works"
text = "Does it work?"
kind = "yes_no"
no = { penalty = 40, reasons = ["defective"] }

[[questions]]
id = "complete"
text = "Is it complete?"
kind = "yes_no"

[[questions]]
id = "weight"
text = "Weight in grams?"
kind = "number"
minimum = 0
maximum = 5000

  [[questions.bands]]
  below = 100
  penalty = 20
"""


COMPLETE = 'text = "Is it complete?"\nkind = "yes_no"\n'
WORKS = 'kind = "yes_no"\nno = { penalty = 40'


def load_minimal(tmp_path: Path, text: str) -> ChecklistTemplate:
    (tmp_path / "general.toml").write_text(text, encoding="utf-8")
    return load_checklists(tmp_path)["general"]


def test_file_can_name_the_no_defect_answer(tmp_path: Path) -> None:
    plain = load_minimal(tmp_path, MINIMAL)
    assert [q.no_defect for q in plain.questions] == ["yes", None, None]  # 'complete': both answers are clean
    assert nothing_else_wrong(plain, {}) == ({"works": "yes"}, ("works",))
    named = load_minimal(
        tmp_path,
        MINIMAL.replace(COMPLETE, COMPLETE + 'no_defect = "yes"\n').replace(
            "maximum = 5000\n", "maximum = 5000\nno_defect = 500\n"
        ),
    )
    assert [q.no_defect for q in named.questions] == ["yes", "yes", 500]
    answers, auto = nothing_else_wrong(named, {})
    assert answers == {"works": "yes", "complete": "yes", "weight": 500}
    assert auto == ("works", "complete", "weight")


@pytest.mark.parametrize(
    ("old", "new", "where", "problem"),
    [
        (
            COMPLETE,
            COMPLETE + 'no_defect = "maybe"\n',
            "questions[2].no_defect",
            "'maybe' is not an answer to this question; use one of: yes, no",
        ),
        (
            WORKS,
            'kind = "yes_no"\nno_defect = "no"\nno = { penalty = 40',
            "questions[1].no_defect",
            "answer 'No' has a penalty, reasons or flags, so it is not a no-defect answer",
        ),
        (COMPLETE, COMPLETE + "no_defect = 1\n", "questions[2].no_defect", "must be text in quotes"),
        (
            "maximum = 5000\n",
            "maximum = 5000\nno_defect = 9000\n",
            "questions[3].no_defect",
            "9000 is not a possible answer: enter a number from 0 to 5000",
        ),
        (
            "maximum = 5000\n",
            "maximum = 5000\nno_defect = 50\n",
            "questions[3].no_defect",
            "has a penalty, reasons or flags",
        ),
        (
            WORKS,
            'kind = "yes_no"\nnever_skip = true\nno_defect = "yes"\nno = { penalty = 40',
            "questions[1].no_defect",
            "a never_skip question is always asked",
        ),
        (
            WORKS,
            'kind = "yes_no"\nnever_skip = "yes"\nno = { penalty = 40',
            "questions[1].never_skip",
            "must be true or false",
        ),
        (
            WORKS,
            'kind = "yes_no"\nnoDefect = "yes"\nno = { penalty = 40',
            "questions[1].noDefect",
            "unknown key 'noDefect'",
        ),
    ],
)
def test_bad_no_defect_or_never_skip_names_file_and_key(
    tmp_path: Path, old: str, new: str, where: str, problem: str
) -> None:
    assert MINIMAL.count(old) == 1
    path = tmp_path / "general.toml"
    path.write_text(MINIMAL.replace(old, new), encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_checklists(tmp_path)
    assert (info.value.file, info.value.where) == (str(path), where)
    assert problem in info.value.problem
    assert check_all(extra_checklists_dir=tmp_path) == [str(info.value)]  # `rules-check` says the same


def test_never_skip_stops_even_with_a_clean_answer(tmp_path: Path) -> None:
    template = load_minimal(tmp_path, MINIMAL.replace(WORKS, 'kind = "yes_no"\nnever_skip = true\nno = { penalty = 40'))
    first = template.questions[0]
    assert first.never_skip and first.no_defect == "yes"  # derived, but never used
    assert nothing_else_wrong(template, {}) == ({}, ())


# --- the bench's action counts ---------------------------------------------------------------------------


def test_action_counts_of_the_issue_cases() -> None:
    rows = {(category, case): c for category, _, case, c in measure()}
    assert rows[("electronics", "sealed")] == Count(4, 2, 2)  # "4 scans + 2 keys"
    assert rows[("small_appliances", "opened, nothing wrong")] == Count(4, 8, 4)  # was "4 scans + 8 keys"
    assert rows[("electronics", "opened, nothing wrong")] == Count(4, 12, 9)  # the phone's "about 16"
    assert rows[("general", "opened, nothing wrong")] == Count(3, 6, 2)
    for count in rows.values():
        assert count.after <= count.before
