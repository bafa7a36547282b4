"""Whole-configuration loading and the problem report used by `returns-desk rules-check`."""

from __future__ import annotations

import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from app.domain.rules_check import Configuration, check_all, load_configuration
from app.domain.vocab import CATEGORIES
from app.errors import RulesError


def shipped(package: str, name: str) -> str:
    return files(package).joinpath(name).read_text(encoding="utf-8")


def override(folder: Path, package: str, name: str, old: str, new: str) -> Path:
    text = shipped(package, name)
    assert old in text
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_shipped_configuration_is_clean() -> None:
    assert check_all() == []


def test_load_configuration_returns_everything() -> None:
    configuration = load_configuration()
    assert isinstance(configuration, Configuration)
    assert set(configuration.checklists) == set(CATEGORIES)
    assert configuration.grading.caps and configuration.disposition.rules
    with pytest.raises(AttributeError):
        configuration.grading = configuration.grading  # type: ignore[misc]  # frozen


def test_example_mismatch_is_reported_and_stops_start_up(tmp_path: Path) -> None:
    # Raising the refurbish floor to $200 turns the $180 coat into a default (quarantine) case.
    path = override(
        tmp_path, "resources.rules", "disposition.toml", "unit_value_min = 50.0", "unit_value_min = 200.0"
    )
    problems = check_all(extra_rules_dir=tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: examples[")
    assert "example 'worn coat worth refurbishing': expected refurbish by rule 'refurbish'" in problems[0]
    assert "got quarantine by rule 'default'" in problems[0]
    with pytest.raises(RulesError) as info:
        load_configuration(extra_rules_dir=tmp_path)
    assert str(info.value) == problems[0]


def test_rule_without_example_is_reported(tmp_path: Path) -> None:
    extra_cap = (
        '[[caps]]\nid = "recalled"\nwhen = { reason_any = ["recalled"] }\nmax_grade = "Salvage"\n'
        'why = "Recalled"\n\n[[examples]]\nname = "sealed phone"'
    )
    override(tmp_path, "resources.rules", "grading.toml", '[[examples]]\nname = "sealed phone"', extra_cap)
    assert check_all(extra_rules_dir=tmp_path) == [
        f"{tmp_path / 'grading.toml'}: examples: no example shows rule 'recalled'"
    ]


def test_grading_example_mismatch_names_the_example(tmp_path: Path) -> None:
    override(tmp_path, "resources.rules", "grading.toml", "B = 80", "B = 91")
    problems = check_all(extra_rules_dir=tmp_path)
    assert any("example 'apparel, tags removed': expected grade B, got C" in p for p in problems)


def test_check_all_lists_problems_of_every_file(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    checklists = tmp_path / "checklists"
    override(rules, "resources.rules", "grading.toml", 'max_grade = "C"', 'max_grade = "F"')
    override(rules, "resources.rules", "disposition.toml", 'disposition = "refurbish"', 'disposition = "fix"')
    override(checklists, "resources.checklists", "apparel.toml", '\nkind = "yes_no"', '\nkind = "yes_or_no"')
    override(checklists, "resources.checklists", "general.toml", "version = 1", "version = 0")
    problems = check_all(rules, checklists)
    assert problems == [
        f"{checklists / 'apparel.toml'}: questions[1].kind: 'yes_or_no' is not a question kind;"
        " use one of: yes_no, choice, number",
        f"{checklists / 'general.toml'}: version: must be at least 1, not 0",
        f"{rules / 'grading.toml'}: caps[3].max_grade: the text 'F' is not a grade;"
        " use one of: A, B, C, D, Salvage",
        f"{rules / 'disposition.toml'}: rules[14].disposition: 'fix' is not a disposition;"
        " use one of: restock, open_box, refurbish, repair, rtv, liquidate, recycle, destroy, quarantine",
    ]
    with pytest.raises(RulesError) as info:  # start-up stops at the first one
        load_configuration(rules, checklists)
    assert str(info.value) == problems[0]


def test_domain_never_imports_qt() -> None:
    code = (
        "import sys, app.domain.rules_check, app.domain.checklist, app.domain.grading,"
        " app.domain.disposition;"
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
