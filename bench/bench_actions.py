"""Worker actions per item (issue 8): `python -m bench.bench_actions [--write PATH]`.

Counts what a worker does at the station for one item of each demo category, from the shipped checklists
through the domain functions the station uses (next_question, nothing_else_wrong):
- scans: RMA, product, the serial if the product is serialized (demo catalog), the tote;
- keys: one number key per yes/no or choice answer, the digits + Enter for a number answer, and Enter to
  confirm the result.
BEFORE the worker answers every question by hand. AFTER they may press "nothing else wrong" (key 0 or the
CMD-NOFAULT barcode, one key), which answers the remaining questions with their no-defect answer up to the
next question it must not answer (never_skip, or no no-defect answer: numbers, follow-ups): the worker
answers by hand up to the last defect and presses it whenever everything it would answer is right.
"""

from __future__ import annotations

import argparse
import csv
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path

from app.domain.checklist import (
    Answer,
    ChecklistTemplate,
    Question,
    load_checklists,
    next_question,
    nothing_else_wrong,
)

NOTES = """Reading it: apparel has no "sealed" question (an unworn item with its tags is "opened, nothing wrong").
The phone saves least: its never_skip questions (battery swollen, holds data, data wiped) and the battery
health number stop "nothing else wrong", so between stops there is often one question, which costs one key
either way. A defect late in the list (small appliance: parts missing) leaves little to answer that way.
The mean rows take every single finding in turn (each option with a penalty, reasons or flags; a value in
each battery band), answered on an otherwise faultless opened item."""

NOTHING_ELSE_WRONG_KEYS = 1  # key 0, or one scan of CMD-NOFAULT
CONFIRM_KEYS = 1  # Enter on the result


@dataclass(frozen=True)
class TypicalItem:
    category: str
    sku: str
    # Answers that differ from the no-defect one on an opened item with nothing wrong (numbers, facts).
    facts: Mapping[str, Answer]
    defect: tuple[str, Answer]  # the typical single defect: (question id, answer)


ITEMS = (
    TypicalItem(
        "electronics",
        "EL-PHN-0001",
        {"battery_health": 92, "holds_data": "yes", "data_wiped": "yes"},
        ("screen", "light_scratches"),
    ),
    TypicalItem("apparel", "AP-JKT-0001", {}, ("tags", "no")),
    TypicalItem("small_appliances", "SA-COF-0008", {}, ("parts", "no")),
    TypicalItem("general", "GM-TOY-0001", {}, ("packaging", "damaged")),
)

Truth = Callable[[Question], Answer]


@dataclass(frozen=True)
class Count:
    scans: int
    before: float  # keys answering every question by hand (a mean over several items can be a fraction)
    after: float  # keys using "nothing else wrong"

    def cells(self) -> str:
        return (
            f"{self.scans} | {figure(self.before)} | {figure(self.after)} | "
            f"{figure(self.scans + self.before)} → {figure(self.scans + self.after)}"
        )


def figure(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def catalog() -> dict[str, dict[str, str]]:
    text = files("resources.demo").joinpath("catalog.csv").read_text(encoding="utf-8")
    return {row["sku"]: row for row in csv.DictReader(text.splitlines())}


def answer_keys(question: Question, answer: Answer) -> int:
    if question.kind == "number":
        return len(f"{answer:g}") + 1  # the digits, then Enter
    return 1


def keys_by_hand(template: ChecklistTemplate, truth: Truth) -> int:
    answers: dict[str, Answer] = {}
    keys = 0
    while (question := next_question(template, answers)) is not None:
        answers[question.id] = truth(question)
        keys += answer_keys(question, answers[question.id])
    return keys + CONFIRM_KEYS


def keys_with_nothing_else_wrong(template: ChecklistTemplate, truth: Truth) -> int:
    answers: dict[str, Answer] = {}
    keys = 0
    while (question := next_question(template, answers)) is not None:
        filled, auto = nothing_else_wrong(template, answers)
        by_name = {q.id: q for q in template.questions}
        if auto and all(filled[qid] == truth(by_name[qid]) for qid in auto):
            answers, keys = filled, keys + NOTHING_ELSE_WRONG_KEYS
            continue
        answers[question.id] = truth(question)
        keys += answer_keys(question, answers[question.id])
    return keys + CONFIRM_KEYS


def truth_of(overrides: Mapping[str, Answer]) -> Truth:
    """What the worker answers: the override, else the no-defect answer, else the first option."""

    def truth(question: Question) -> Answer:
        if question.id in overrides:
            return overrides[question.id]
        if question.no_defect is not None:
            return question.no_defect
        return question.options[0].value

    return truth


def count(template: ChecklistTemplate, scans: int, overrides: Mapping[str, Answer]) -> Count:
    truth = truth_of(overrides)
    return Count(scans, keys_by_hand(template, truth), keys_with_nothing_else_wrong(template, truth))


def single_defects(template: ChecklistTemplate, facts: Mapping[str, Answer]) -> list[dict[str, Answer]]:
    """Every opened item with exactly one answer that is a finding (the sealed question aside)."""
    cases: list[dict[str, Answer]] = []
    for question in template.questions:
        if question.id == "sealed" or question.only_if_asked:
            continue
        for value in defect_answers(question):
            cases.append({"sealed": "no", **facts, question.id: value})
    return cases


def defect_answers(question: Question) -> list[Answer]:
    if question.kind == "number":  # a value in each band
        return [band.below - 1 for band in question.bands]
    return [o.value for o in question.options if o.effects.penalty or o.effects.reasons or o.effects.flags]


def measure() -> list[tuple[str, str, str, Count]]:
    """(category, item, case, count) rows."""
    checklists = load_checklists()
    products = catalog()
    rows: list[tuple[str, str, str, Count]] = []
    for item in ITEMS:
        template = checklists[item.category]
        product = products[item.sku]
        serialized = product["serialized"] == "yes"
        scans = 3 + serialized  # RMA, product, (serial), tote
        label = f"{item.sku} {product['description']}{' (serialized)' if serialized else ''}"
        has_sealed = any(q.id == "sealed" for q in template.questions)
        if has_sealed:
            rows.append((item.category, label, "sealed", count(template, scans, {"sealed": "yes"})))
        opened = {"sealed": "no", **item.facts} if has_sealed else dict(item.facts)
        rows.append((item.category, label, "opened, nothing wrong", count(template, scans, opened)))
        qid, value = item.defect
        one_defect = count(template, scans, {**opened, qid: value})
        rows.append((item.category, label, f"opened, one defect ({qid} = {value})", one_defect))
        every = [count(template, scans, case) for case in single_defects(template, opened)]
        mean = Count(scans, statistics.mean(c.before for c in every), statistics.mean(c.after for c in every))
        rows.append((item.category, label, f"opened, one defect (mean of all {len(every)})", mean))
    return rows


def table(rows: list[tuple[str, str, str, Count]]) -> str:
    lines = [
        "| category | item | case | scans | keys before | keys after | actions before → after |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {category} | {item} | {case} | {c.cells()} |" for category, item, case, c in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="also write the table, with how it was counted, to this file")
    args = parser.parse_args()
    result = table(measure())
    print(result)
    if args.write:
        args.write.write_text(
            f"# Worker actions per item ({date.today().isoformat()}, `python -m bench.bench_actions`)\n\n"
            + "\n".join(line.strip() for line in (__doc__ or "").splitlines()[2:])
            + "\n\n"
            + result
            + "\n\n"
            + NOTES
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
