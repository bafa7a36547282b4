"""Checklist templates: shipped files, branching, answer parsing, outcomes, malformed files."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

import pytest

from app.domain.checklist import (
    Answer,
    ChecklistTemplate,
    Question,
    answer_label,
    load_checklists,
    next_question,
    outcome,
    parse_answer,
    visible_questions,
)
from app.domain.vocab import CATEGORIES, FLAGS, FOUND_REASONS
from app.errors import RulesError


@pytest.fixture(scope="module")
def checklists() -> dict[str, ChecklistTemplate]:
    return load_checklists()


@pytest.fixture
def electronics(checklists: dict[str, ChecklistTemplate]) -> ChecklistTemplate:
    return checklists["electronics"]


def question(template: ChecklistTemplate, qid: str) -> Question:
    return next(q for q in template.questions if q.id == qid)


def ids(questions: Iterable[Question]) -> list[str]:
    return [q.id for q in questions]


def shipped_text(name: str) -> str:
    return files("resources.checklists").joinpath(name).read_text(encoding="utf-8")


# --- shipped content ---------------------------------------------------------------------------------------


def test_every_category_has_a_checklist(checklists: dict[str, ChecklistTemplate]) -> None:
    assert set(checklists) == set(CATEGORIES)
    for category, template in checklists.items():
        assert template.category == category
        assert template.version >= 1
        assert 5 <= len(template.questions) <= 9


def test_options_are_numbered_from_one_and_codes_are_known(checklists: dict[str, ChecklistTemplate]) -> None:
    for template in checklists.values():
        for q in template.questions:
            if q.kind != "number":
                assert [o.key for o in q.options] == list(range(1, len(q.options) + 1))
            effects = [o.effects for o in q.options] + [b.effects for b in q.bands]
            for e in effects:
                assert set(e.reasons) <= set(FOUND_REASONS)
                assert set(e.flags) <= set(FLAGS)


def test_yes_no_gets_generated_options(electronics: ChecklistTemplate) -> None:
    sealed = question(electronics, "sealed")
    assert [(o.key, o.value, o.label) for o in sealed.options] == [(1, "yes", "Yes"), (2, "no", "No")]


# --- branching ---------------------------------------------------------------------------------------------


def test_first_question_is_sealed(electronics: ChecklistTemplate) -> None:
    first = next_question(electronics, {})
    assert first is not None and first.id == "sealed"


def test_sealed_skips_the_whole_inspection(electronics: ChecklistTemplate) -> None:
    answers = {"sealed": "yes"}
    assert ids(visible_questions(electronics, answers)) == ["sealed"]
    assert next_question(electronics, answers) is None
    result = outcome(electronics, answers)
    assert result.flags == ("sealed",)
    assert result.penalty == 0
    assert result.details == (("Is it factory sealed?", "Yes", 0),)


def test_answers_to_skipped_questions_do_not_count(electronics: ChecklistTemplate) -> None:
    answers = {"sealed": "yes", "screen": "cracked", "liquid_damage": "yes"}
    result = outcome(electronics, answers)
    assert result.penalty == 0
    assert "customer_damage" not in result.reasons


def test_only_if_asked_appears_after_the_right_answer(electronics: ChecklistTemplate) -> None:
    base: dict[str, Answer] = {
        "sealed": "no",
        "powers_on": "yes",
        "screen": "none",
        "liquid_damage": "no",
        "battery_swollen": "no",
        "battery_health": 92,
        "accessories": "yes",
    }
    assert "data_wiped" not in ids(visible_questions(electronics, base))
    assert next_question(electronics, base) == question(electronics, "holds_data")

    no_data = {**base, "holds_data": "no"}
    assert "data_wiped" not in ids(visible_questions(electronics, no_data))
    assert next_question(electronics, no_data) is None

    with_data = {**base, "holds_data": "yes"}
    assert ids(visible_questions(electronics, with_data))[-1] == "data_wiped"
    assert next_question(electronics, with_data) == question(electronics, "data_wiped")
    done = outcome(electronics, {**with_data, "data_wiped": "no"})
    assert "data_bearing" in done.flags
    assert "data_bearing" in done.reasons


def test_backspace_restores_earlier_visibility(electronics: ChecklistTemplate) -> None:
    answers: dict[str, Answer] = {"sealed": "yes"}
    assert next_question(electronics, answers) is None
    del answers["sealed"]  # Backspace: remove the last answer
    assert len(visible_questions(electronics, answers)) == len(electronics.questions) - 1  # data_wiped hidden
    answers["sealed"] = "no"
    answers["powers_on"] = "no"
    assert "battery_health" not in ids(visible_questions(electronics, answers))
    del answers["powers_on"]
    assert "battery_health" in ids(visible_questions(electronics, answers))
    assert next_question(electronics, answers) == question(electronics, "powers_on")


def test_general_broken_item_asks_about_the_shipping_box(checklists: dict[str, ChecklistTemplate]) -> None:
    general = checklists["general"]
    answers = {"sealed": "no", "packaging": "good", "damage": "broken"}
    assert next_question(general, answers) == question(general, "carrier_box")
    result = outcome(general, {**answers, "carrier_box": "yes"})
    assert "carrier_damage" in result.reasons
    answers["damage"] = "scuffs"
    assert "carrier_box" not in ids(visible_questions(general, answers))


def test_invalid_stored_answer_counts_as_unanswered(electronics: ChecklistTemplate) -> None:
    answers = {"sealed": "maybe"}
    assert next_question(electronics, answers) == question(electronics, "sealed")
    assert outcome(electronics, answers).details == ()


# --- parsing answers ---------------------------------------------------------------------------------------


def test_parse_yes_no(electronics: ChecklistTemplate) -> None:
    sealed = question(electronics, "sealed")
    assert parse_answer(sealed, "1") == "yes"
    assert parse_answer(sealed, " 2 ") == "no"
    for bad in ("3", "0", "", "y"):
        with pytest.raises(ValueError, match=r"^Press 1 for Yes or 2 for No$"):
            parse_answer(sealed, bad)


def test_parse_choice_names_the_options(electronics: ChecklistTemplate) -> None:
    screen = question(electronics, "screen")
    assert parse_answer(screen, "4") == "cracked"
    with pytest.raises(ValueError) as info:
        parse_answer(screen, "5")
    assert str(info.value).startswith("Press 1 for No marks, 2 for ")
    assert str(info.value).endswith("or 4 for Cracked screen or case")


@pytest.mark.parametrize("raw", ["abc", "", "101", "-1", "nan", "inf"])
def test_parse_number_rejects_with_plain_words(electronics: ChecklistTemplate, raw: str) -> None:
    with pytest.raises(ValueError, match=r"^Enter a number from 0 to 100$"):
        parse_answer(question(electronics, "battery_health"), raw)


def test_parse_number(electronics: ChecklistTemplate) -> None:
    health = question(electronics, "battery_health")
    assert parse_answer(health, "85") == 85
    assert isinstance(parse_answer(health, "85"), int)
    assert parse_answer(health, "72.5") == 72.5
    assert parse_answer(health, "72,5") == 72.5


# --- number bands and outcomes -----------------------------------------------------------------------------

INSPECTED = {
    "sealed": "no",
    "powers_on": "yes",
    "screen": "none",
    "liquid_damage": "no",
    "battery_swollen": "no",
    "accessories": "yes",
    "holds_data": "no",
}


@pytest.mark.parametrize(
    ("health", "penalty", "label"),
    [
        (55, 30, "55%"),
        (59.9, 30, "59.9%"),
        (60, 15, "60%"),
        (79, 15, "79%"),
        (80, 0, "80%"),
        (100, 0, "100%"),
    ],
)
def test_battery_bands_lowest_matching_only(
    electronics: ChecklistTemplate, health: float, penalty: int, label: str
) -> None:
    result = outcome(electronics, {**INSPECTED, "battery_health": health})
    assert result.penalty == penalty
    assert ("Battery health in %?", label, penalty) in result.details
    assert answer_label(question(electronics, "battery_health"), health) == label


def test_outcome_details_and_penalty_rules(electronics: ChecklistTemplate) -> None:
    answers: dict[str, Answer] = {**INSPECTED, "screen": "cracked", "accessories": "no", "battery_health": 70}
    result = outcome(electronics, answers)
    assert result.penalty == 40 + 10 + 15
    assert result.reasons == ("customer_damage", "missing_accessories")
    assert ("Screen and case condition?", "Cracked screen or case", 40) in result.details
    assert len(result.details) == len(answers)
    assert result.penalties == (
        ("electronics.screen_cracked", "Screen cracked", 40),
        ("electronics.battery_health_below_80", "Battery health below 80%", 15),
        ("electronics.accessories_no", "Accessories missing", 10),
    )


def test_swollen_battery_is_hazardous_and_skips_health(electronics: ChecklistTemplate) -> None:
    answers = {**INSPECTED, "battery_swollen": "yes"}
    assert "battery_health" not in ids(visible_questions(electronics, answers))
    result = outcome(electronics, answers)
    assert "hazardous" in result.flags and "hazardous" in result.reasons


def test_answer_label_rejects_unknown_option(electronics: ChecklistTemplate) -> None:
    assert answer_label(question(electronics, "screen"), "light_scratches").startswith("Light scratches")
    with pytest.raises(ValueError):
        answer_label(question(electronics, "screen"), "shattered")


# --- malformed files and overrides -------------------------------------------------------------------------

MINIMAL = """
id = "general_site"
version = 7
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
"""


def test_override_with_the_same_name_replaces_the_shipped_file(tmp_path: Path) -> None:
    (tmp_path / "general.toml").write_text(MINIMAL, encoding="utf-8")
    templates = load_checklists(tmp_path)
    assert templates["general"].id == "general_site"
    assert templates["general"].version == 7
    assert templates["electronics"].id == "electronics"  # the others stay shipped


def test_override_under_another_name_is_a_duplicate(tmp_path: Path) -> None:
    (tmp_path / "my_general.toml").write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_checklists(tmp_path)
    assert info.value.file.endswith("my_general.toml")
    assert "same name" in info.value.problem


@pytest.mark.parametrize(
    ("old", "new", "where", "problem"),
    [
        (
            'kind = "yes_no"\nno = {',
            'colour = "red"\nkind = "yes_no"\nno = {',
            "questions[1].colour",
            "unknown key",
        ),
        (
            'reasons = ["defective"]',
            'reasons = ["broken"]',
            "questions[1].no.reasons",
            "'broken' is not a known",
        ),
        ('category = "general"', 'category = "toys"', "category", "'toys' is not a category"),
        ("version = 7", 'version = "7"', "version", "must be a whole number"),
        ("penalty = 40", "penalty = 140", "questions[1].no.penalty", "at most 100"),
        (
            'kind = "yes_no"\nno',
            'kind = "slider"\nno',
            "questions[1].kind",
            "'slider' is not a question kind",
        ),
        (
            "penalty = 40,",
            'penalty = 40, skip = ["works"],',
            "questions[1].no.skip",
            "not after this question",
        ),
        (
            "penalty = 40,",
            'penalty = 40, ask = ["complete"],',
            "questions[1].no.ask",
            "mark it only_if_asked",
        ),
        ('id = "complete"', 'id = "works"', "questions[2].id", "used twice"),
    ],
)
def test_malformed_checklist_names_file_and_key(
    tmp_path: Path, old: str, new: str, where: str, problem: str
) -> None:
    assert old in MINIMAL
    (tmp_path / "general.toml").write_text(MINIMAL.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_checklists(tmp_path)
    assert info.value.file == str(tmp_path / "general.toml")
    assert info.value.where == where
    assert problem in info.value.problem
    assert str(info.value).startswith(f"{tmp_path / 'general.toml'}: {where}: ")


def test_only_if_asked_that_nothing_asks_is_an_error(tmp_path: Path) -> None:
    text = MINIMAL + "only_if_asked = true\n"
    (tmp_path / "general.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=r"questions\[2\]\.only_if_asked: no answer asks 'complete'"):
        load_checklists(tmp_path)


def test_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    text = shipped_text("apparel.toml").replace('id = "apparel"', "id = apparel", 1)
    line = text.splitlines().index("id = apparel") + 1
    (tmp_path / "apparel.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_checklists(tmp_path)
    assert info.value.file == str(tmp_path / "apparel.toml")
    assert info.value.where == f"line {line}, column 6"
    assert info.value.problem.startswith("TOML syntax error: Invalid value")


def test_missing_override_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="does not exist"):
        load_checklists(tmp_path / "nope")
