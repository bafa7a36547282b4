"""Disposition: first match wins, filled-in why texts, every shipped example, malformed files."""

from __future__ import annotations

from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from app.domain.disposition import (
    DispositionExample,
    check_disposition_examples,
    decide_disposition,
    load_disposition,
)
from app.domain.grading import ItemFacts
from app.domain.vocab import Disposition, Grade
from app.errors import RulesError

RULES = load_disposition()

BASE = ItemFacts(
    category="electronics",
    unit_value_cents=12000,
    vendor="Acme Audio",
    vendor_rtv=True,
    warranty_days=365,
    days_since_purchase=40,
    claimed_reason="defective",
    found_reasons=frozenset(),
    flags=frozenset(),
)


def with_(reasons: tuple[str, ...] = (), flags: tuple[str, ...] = (), **changes: Any) -> ItemFacts:
    return replace(BASE, found_reasons=frozenset(reasons), flags=frozenset(flags), **changes)


def decide(grade: Grade, facts: ItemFacts) -> tuple[Disposition, str, str]:
    decision = decide_disposition(RULES, grade, facts)
    assert len(decision.fired) == 1
    return decision.disposition, decision.fired[0].id, decision.fired[0].why


def test_rules_end_with_the_default() -> None:
    assert RULES.rules[-1].id == "default"
    assert RULES.rules[-1].when.is_empty
    assert RULES.rules[0].id == "recalled"


def test_first_match_wins_recall_before_hazard() -> None:
    facts = with_(reasons=("recalled", "hazardous"), flags=("hazardous",))
    assert decide(Grade.SALVAGE, facts)[:2] == (Disposition.QUARANTINE, "recalled")
    no_recall = with_(reasons=("hazardous",), flags=("hazardous", "data_bearing"))
    assert decide(Grade.SALVAGE, no_recall)[:2] == (Disposition.RECYCLE, "hazardous")


def test_hazard_from_a_found_reason_alone() -> None:
    assert decide(Grade.A, with_(reasons=("hazardous",)))[1] == "hazardous"


def test_serial_mismatch_why() -> None:
    assert decide(Grade.A, with_(flags=("serial_mismatch", "sealed"))) == (
        Disposition.QUARANTINE,
        "serial_mismatch",
        "Serial number does not match the RMA: hold for review",
    )


def test_data_bearing_destroyed_only_at_salvage() -> None:
    facts = with_(reasons=("defective",), flags=("data_bearing",), vendor_rtv=False)
    assert decide(Grade.SALVAGE, facts)[:2] == (Disposition.DESTROY, "data_bearing_salvage")
    assert decide(Grade.D, facts)[:2] == (Disposition.REPAIR, "repair")


def test_defective_rtv_needs_vendor_and_warranty() -> None:
    facts = with_(reasons=("defective",))
    disposition, rule, why = decide(Grade.D, facts)
    assert (disposition, rule) == (Disposition.RETURN_TO_VENDOR, "defective_rtv")
    assert why == (
        "Defective 40 days after purchase, within Acme Audio's 365-day warranty: return to vendor for credit"
    )
    assert (
        decide(Grade.D, replace(facts, days_since_purchase=None))[1] == "repair"
    )  # unknown: not in warranty
    assert decide(Grade.D, replace(facts, days_since_purchase=366))[1] == "repair"
    assert decide(Grade.D, replace(facts, days_since_purchase=365))[1] == "defective_rtv"
    assert decide(Grade.D, replace(facts, vendor_rtv=False))[1] == "repair"


@pytest.mark.parametrize(
    ("grade", "flags", "rule", "disposition"),
    [
        (Grade.A, ("sealed",), "sealed_restock", Disposition.RESTOCK),
        (Grade.A, ("sealed", "outside_window"), "sealed_restock", Disposition.RESTOCK),
        (Grade.A, (), "open_box", Disposition.OPEN_BOX),
        (Grade.B, ("outside_window",), "late_open_box", Disposition.OPEN_BOX),
        (Grade.B, (), "open_box", Disposition.OPEN_BOX),
        (Grade.SALVAGE, (), "salvage_recycle", Disposition.RECYCLE),
    ],
)
def test_condition_rules(grade: Grade, flags: tuple[str, ...], rule: str, disposition: Disposition) -> None:
    assert decide(grade, with_(flags=flags))[:2] == (disposition, rule)


def test_why_placeholders_are_filled() -> None:
    _, rule, why = decide(Grade.B, with_(flags=("outside_window",)))
    assert why == (
        "Grade B, returned after the return window: resell as open box (late return: the refund follows the "
        "site's late-return policy)"
    )
    _, rule, why = decide(Grade.B, with_(flags=("no_rma",), unit_value_cents=45000))
    assert (rule, why) == ("no_rma_valuable", "No RMA and worth $450.00: hold until the return is authorised")
    _, rule, why = decide(Grade.D, with_(category="small_appliances", unit_value_cents=8900))
    assert why == "Grade D small appliances worth $89.00: worth repairing"


@pytest.mark.parametrize(
    ("cents", "rule"), [(5000, "refurbish"), (4999, "liquidate_low_value"), (100, "liquidate_low_value")]
)
def test_value_boundaries_for_grade_c(cents: int, rule: str) -> None:
    assert decide(Grade.C, with_(unit_value_cents=cents))[1] == rule


def test_no_rma_cheap_item_flows_on() -> None:
    assert decide(Grade.B, with_(flags=("no_rma",), unit_value_cents=9999))[1] == "open_box"


def test_default_when_nothing_matches() -> None:
    assert decide(Grade.D, with_(category="apparel", unit_value_cents=6000)) == (
        Disposition.QUARANTINE,
        "default",
        "No rule matched: supervisor decides",
    )


@pytest.mark.parametrize("example", RULES.examples, ids=lambda e: e.name)
def test_shipped_example(example: DispositionExample) -> None:
    decision = decide_disposition(RULES, example.grade, example.facts)
    assert (decision.disposition, decision.fired[0].id) == (example.expect, example.expect_rule)


def test_every_disposition_rule_has_an_example() -> None:
    assert check_disposition_examples(RULES) == []
    assert {e.expect_rule for e in RULES.examples} == set(RULES.rule_ids())


# --- malformed files ---------------------------------------------------------------------------------------


def shipped() -> str:
    return files("resources.rules").joinpath("disposition.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "where", "problem"),
    [
        (
            'when = { flag_any = ["unknown_item"] }',
            'when = { flag_any = ["unknown_item"], grade_at_least = "E" }',
            "rules[4].when.grade_at_least",
            "is not a grade",
        ),
        (
            'when = { flag_any = ["unknown_item"] }',
            'when = { flags = ["unknown_item"] }',
            "rules[4].when.flags",
            "unknown key 'flags'",
        ),
        (
            'flag_any = ["unknown_item"]',
            'flag_any = ["mystery"]',
            "rules[4].when.flag_any",
            "not a known flag",
        ),
        (
            'disposition = "recycle"',
            'disposition = "bin"',
            "rules[2].disposition",
            "'bin' is not a disposition",
        ),
        (
            "unit_value_min = 100.0",
            'unit_value_min = "100"',
            "rules[7].when.unit_value_min",
            "must be a number",
        ),
        ("vendor_rtv = true,", 'vendor_rtv = "yes",', "rules[8].when.vendor_rtv", "must be true or false"),
        ('grade = ["Salvage"] }', "grade = [] }", "rules[17].when.grade", "list of grades"),
        (
            'when = { reason_any = ["recalled"] }',
            "when = {}",
            "rules[1].when",
            "only the last rule (the default) may have an empty 'when'",
        ),
        ('why = "Salvage: recycle by material"', 'why = "Salvage {oops"', "rules[17].why", "unmatched"),
        ('expect = "destroy"', 'expect = "shred"', "examples[5].expect", "not a disposition"),
    ],
)
def test_malformed_disposition_names_file_and_key(
    tmp_path: Path, old: str, new: str, where: str, problem: str
) -> None:
    text = shipped()
    assert old in text
    (tmp_path / "disposition.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_disposition(tmp_path)
    assert info.value.file == str(tmp_path / "disposition.toml")
    assert info.value.where == where
    assert problem in info.value.problem


def test_last_rule_must_be_the_default(tmp_path: Path) -> None:
    text = shipped()
    head, _, examples = text.partition('[[rules]]\nid = "default"')
    (tmp_path / "disposition.toml").write_text(head + "[[examples" + examples.split("[[examples", 1)[1])
    with pytest.raises(RulesError) as info:
        load_disposition(tmp_path)
    assert info.value.where == "rules[17].when"
    assert "the last rule is the default" in info.value.problem


def test_disposition_syntax_error_gives_line(tmp_path: Path) -> None:
    text = shipped().replace('id = "recalled"', 'id = "recalled', 1)
    line = text.splitlines().index('id = "recalled') + 1
    (tmp_path / "disposition.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_disposition(tmp_path)
    assert info.value.where.startswith(f"line {line}, column ")
