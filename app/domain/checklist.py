"""Checklist templates (resources/checklists/*.toml) and the logic of answering one.

Answers are a mapping question id → Answer (an option value, or a number). Which questions are asked depends
on the answers so far: an answer's effects may `skip` later questions or `ask` later questions marked
`only_if_asked`. Everything is recomputed from the answers, so removing the last answer (Backspace)
restores the earlier state with no bookkeeping. `nothing_else_wrong` gives the remaining questions their
no-defect answer up to the next one the worker must answer; `progress` counts "Question n of N" so that N
never grows while answering. The file format is described in the header of resources/checklists/general.toml.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Set
from dataclasses import dataclass, replace
from pathlib import Path

from app.domain.answers import Answer, ChecklistOutcome
from app.domain.conditions import (
    RulesFile,
    TableReader,
    parse_toml,
    shipped_and_override_files,
)
from app.domain.vocab import CATEGORIES, FLAGS, FOUND_REASONS
from app.errors import RulesError

KINDS = ("yes_no", "choice", "number")
CHECKLIST_PACKAGE = "resources.checklists"
MAX_OPTIONS = 9


@dataclass(frozen=True)
class Effects:
    penalty: int = 0  # points off a score that starts at 100
    reasons: tuple[str, ...] = ()  # FOUND_REASONS codes
    flags: tuple[str, ...] = ()  # FLAGS codes
    skip: tuple[str, ...] = ()  # question ids not asked after this answer
    ask: tuple[str, ...] = ()  # ids of `only_if_asked` questions this answer turns on
    why: str = ""  # short words for the penalty on the slip ("Screen cracked"); "" = question + answer


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    key: int  # the number key (1..9) that picks it
    effects: Effects


@dataclass(frozen=True)
class NumberBand:
    below: float  # applies when answer < below (the lowest matching band only)
    effects: Effects


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    kind: str  # "yes_no" | "choice" | "number"
    options: tuple[Option, ...] = ()
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    bands: tuple[NumberBand, ...] = ()
    only_if_asked: bool = False
    never_skip: bool = False  # "nothing else wrong" stops here: the worker must answer it (safety, data wipe)
    # The answer "nothing else wrong" gives: the file's `no_defect`, else the one option with no penalty,
    # reasons or flags; None (always asked) for numbers without `no_defect` and when no single option is clean.
    no_defect: Answer | None = None


@dataclass(frozen=True)
class ChecklistTemplate:
    id: str
    version: int
    category: str
    title: str
    questions: tuple[Question, ...]


# --- loading ---------------------------------------------------------------------------------------------


def load_checklists(extra_dir: Path | None = None) -> dict[str, ChecklistTemplate]:
    """Every category's checklist, keyed by category. RulesError on the first problem."""
    templates, problems = _load_all(extra_dir, stop_at_first=True)
    assert not problems
    return templates


def check_checklists(extra_dir: Path | None = None) -> list[RulesError]:
    """Every problem found (one per file at most), for `rules_check.check_all`."""
    try:
        return _load_all(extra_dir, stop_at_first=False)[1]
    except RulesError as exc:  # the override folder itself is wrong
        return [exc]


def _load_all(
    extra_dir: Path | None, *, stop_at_first: bool
) -> tuple[dict[str, ChecklistTemplate], list[RulesError]]:
    templates: dict[str, ChecklistTemplate] = {}
    where_from: dict[str, str] = {}
    problems: list[RulesError] = []

    def problem(error: RulesError) -> None:
        if stop_at_first:
            raise error
        problems.append(error)

    for source in shipped_and_override_files(CHECKLIST_PACKAGE, extra_dir).values():
        try:
            template = load_checklist_file(source)
        except RulesError as exc:
            problem(exc)
            continue
        if template.category in templates:
            problem(
                RulesError(
                    source.name,
                    "category",
                    f"category '{template.category}' already has a checklist in"
                    f" {where_from[template.category]}; to replace a shipped checklist,"
                    " give the override file the same name",
                )
            )
            continue
        templates[template.category] = template
        where_from[template.category] = source.name
    for category in CATEGORIES:
        if category not in templates and not problems:
            problem(RulesError("checklists", f"category '{category}'", "has no checklist file"))
    return templates, problems


def load_checklist_file(source: RulesFile) -> ChecklistTemplate:
    top = TableReader(source.name, "", parse_toml(source))
    template_id = top.identifier("id")
    version = top.integer("version", minimum=1)
    category = top.text("category")
    if category not in CATEGORIES:
        raise top.error("category", f"'{category}' is not a category; use one of: {', '.join(CATEGORIES)}")
    title = top.text("title")
    question_tables = top.tables("questions")
    top.finish()
    if not question_tables:
        raise top.error("questions", "a checklist needs at least one question")
    questions = [_question(t) for t in question_tables]

    seen: set[str] = set()
    for table, question in zip(question_tables, questions, strict=True):
        if question.id in seen:
            raise table.error("id", f"question id '{question.id}' is used twice")
        seen.add(question.id)
    _check_references(question_tables, questions)
    return ChecklistTemplate(template_id, version, category, title, tuple(questions))


def _question(table: TableReader) -> Question:
    qid = table.identifier("id")
    text = table.text("text")
    help_ = table.text("help", "", allow_empty=True)
    kind = table.text("kind")
    if kind not in KINDS:
        raise table.error("kind", f"'{kind}' is not a question kind; use one of: {', '.join(KINDS)}")
    question = Question(
        qid,
        text,
        help_,
        kind,
        only_if_asked=table.boolean("only_if_asked", False),
        never_skip=table.boolean("never_skip", False),
    )
    if kind == "number":
        question = _number_parts(table, question)
    else:
        question = replace(question, options=_yes_no_options(table) if kind == "yes_no" else _choice_options(table))
    question = replace(question, no_defect=_no_defect(table, question))
    table.finish()
    return question


def _yes_no_options(table: TableReader) -> tuple[Option, ...]:
    if table.has("options"):
        options = _options(table)
        if [o.value for o in options] != ["yes", "no"]:
            raise table.error("options", 'yes_no options must be "yes" then "no"')
        return options
    yes = table.table("yes", required=False)
    no = table.table("no", required=False)
    return (
        Option("yes", "Yes", 1, _effects(yes) if yes else Effects()),
        Option("no", "No", 2, _effects(no) if no else Effects()),
    )


def _choice_options(table: TableReader) -> tuple[Option, ...]:
    options = _options(table)
    if len(options) < 2:
        raise table.error("options", "a choice question needs at least 2 options")
    return options


def _number_parts(table: TableReader, question: Question) -> Question:
    unit = table.text("unit", "", allow_empty=True)
    minimum = table.number("minimum", required=False)
    maximum = table.number("maximum", required=False)
    if minimum is not None and maximum is not None and minimum >= maximum:
        raise table.error("maximum", f"must be more than minimum ({minimum:g})")
    bands = []
    for band_table in table.tables("bands", required=False):
        below = band_table.number("below")
        assert below is not None
        bands.append(NumberBand(below, _effects(band_table)))
    belows = [b.below for b in bands]
    if belows != sorted(set(belows)):
        raise table.error("bands", "list the bands from the lowest 'below' to the highest, each once")
    return replace(question, unit=unit, minimum=minimum, maximum=maximum, bands=tuple(bands))


def _no_defect(table: TableReader, question: Question) -> Answer | None:
    """The file's `no_defect`, checked against the question, or the derived one."""
    named = _read_no_defect(table, question)
    if named is None:
        return _derived_no_defect(question)
    if question.never_skip:
        raise table.error("no_defect", "a never_skip question is always asked; remove no_defect or never_skip")
    found = _effects_of(question, named)
    if found is None and question.kind == "number":
        raise table.error("no_defect", f"{named:g} is not a possible answer: {_number_hint(question).lower()}")
    if found is None:
        values = ", ".join(o.value for o in question.options)
        raise table.error("no_defect", f"'{named}' is not an answer to this question; use one of: {values}")
    if not _is_clean(found[1]):
        raise table.error(
            "no_defect", f"answer '{found[0]}' has a penalty, reasons or flags, so it is not a no-defect answer"
        )
    return named


def _read_no_defect(table: TableReader, question: Question) -> Answer | None:
    if question.kind != "number":
        return table.text("no_defect", "") or None
    value = table.number("no_defect", required=False)
    if value is None:
        return None
    return int(value) if value.is_integer() else value


def _derived_no_defect(question: Question) -> Answer | None:
    clean = [o.value for o in question.options if _is_clean(o.effects)]
    return clean[0] if len(clean) == 1 else None


def _is_clean(effects: Effects) -> bool:
    """No finding: skip/ask only steer which questions come next."""
    return not (effects.penalty or effects.reasons or effects.flags)


def _options(table: TableReader) -> tuple[Option, ...]:
    option_tables = table.tables("options")
    if len(option_tables) > MAX_OPTIONS:
        raise table.error("options", f"at most {MAX_OPTIONS} options (one per number key)")
    options: list[Option] = []
    for key, option_table in enumerate(option_tables, 1):
        value = option_table.identifier("value")
        label = option_table.text("label")
        if value in (o.value for o in options):
            raise option_table.error("value", f"option value '{value}' is used twice")
        options.append(Option(value, label, key, _effects(option_table)))
    return tuple(options)


def _effects(table: TableReader) -> Effects:
    effects = Effects(
        penalty=table.integer("penalty", 0, minimum=0, maximum=100),
        reasons=table.codes("reasons", FOUND_REASONS, "found reason"),
        flags=table.codes("flags", FLAGS, "flag"),
        skip=table.strings("skip"),
        ask=table.strings("ask"),
        why=table.text("why", "", allow_empty=True),
    )
    table.finish()
    return effects


def _check_references(tables: list[TableReader], questions: list[Question]) -> None:
    """skip/ask may only point forward; `only_if_asked` questions must be asked by something."""
    position = {q.id: i for i, q in enumerate(questions)}
    asked: set[str] = set()
    for i, (table, question) in enumerate(zip(tables, questions, strict=True)):
        for path, effects in _effect_sources(table, question):
            for target in effects.skip:
                _check_target(table, f"{path}.skip", target, i, questions, position)
            for target in effects.ask:
                _check_target(table, f"{path}.ask", target, i, questions, position)
                asked.add(target)
    for table, question in zip(tables, questions, strict=True):
        if question.only_if_asked and question.id not in asked:
            raise table.error("only_if_asked", f"no answer asks '{question.id}', so it would never be shown")


def _effect_sources(table: TableReader, question: Question) -> list[tuple[str, Effects]]:
    """Each answer's effects with the key path a person would look for in the file."""
    if question.kind == "yes_no" and not table.has("options"):
        return [("yes", question.options[0].effects), ("no", question.options[1].effects)]
    sources = [(f"options[{o.key}]", o.effects) for o in question.options]
    return sources + [(f"bands[{n}]", b.effects) for n, b in enumerate(question.bands, 1)]


def _check_target(
    table: TableReader, path: str, target: str, at: int, questions: list[Question], position: dict[str, int]
) -> None:
    where = table.where(path)
    asking = path.endswith(".ask")
    if target not in position:
        raise RulesError(table.file, where, f"there is no question with id '{target}'")
    if position[target] <= at:
        raise RulesError(
            table.file,
            where,
            f"'{target}' is not after this question; only later ones can be {'asked' if asking else 'skipped'}",
        )
    if asking and not questions[position[target]].only_if_asked:
        raise RulesError(table.file, where, f"'{target}' is always asked; mark it only_if_asked = true")


# --- answering ---------------------------------------------------------------------------------------------


def _effects_of(question: Question, answer: Answer) -> tuple[str, Effects, str] | None:
    """(answer label, effects, rule suffix), or None if the answer does not fit the question."""
    if question.kind == "number":
        if isinstance(answer, bool) or not isinstance(answer, int | float) or not math.isfinite(answer):
            return None
        if question.minimum is not None and answer < question.minimum:
            return None
        if question.maximum is not None and answer > question.maximum:
            return None
        label = _number_label(question, answer)
        for band in question.bands:
            if answer < band.below:
                return label, band.effects, f"below_{band.below:g}"
        return label, Effects(), ""
    for option in question.options:
        if option.value == answer:
            return option.label, option.effects, option.value
    return None


def _number_label(question: Question, answer: float) -> str:
    number = f"{answer:g}"
    if not question.unit:
        return number
    return f"{number}{question.unit}" if question.unit == "%" else f"{number} {question.unit}"


def visible_questions(template: ChecklistTemplate, answers: Mapping[str, Answer]) -> list[Question]:
    """The questions to show, in order, given the answers so far (answers to hidden questions are ignored)."""
    skipped: set[str] = set()
    asked: set[str] = set()
    visible: list[Question] = []
    for question in template.questions:
        if not _is_shown(question, skipped, asked):
            continue
        visible.append(question)
        if question.id in answers:
            found = _effects_of(question, answers[question.id])
            if found is not None:
                skipped.update(found[1].skip)
                asked.update(found[1].ask)
    return visible


def _is_shown(question: Question, skipped: Set[str], asked: Set[str]) -> bool:
    return question.id not in skipped and (not question.only_if_asked or question.id in asked)


def is_answered(question: Question, answers: Mapping[str, Answer]) -> bool:
    return question.id in answers and _effects_of(question, answers[question.id]) is not None


def next_question(template: ChecklistTemplate, answers: Mapping[str, Answer]) -> Question | None:
    """The first visible question without a valid answer; None when the checklist is complete."""
    for question in visible_questions(template, answers):
        if not is_answered(question, answers):
            return question
    return None


def nothing_else_wrong(
    template: ChecklistTemplate, answers: Mapping[str, Answer]
) -> tuple[dict[str, Answer], tuple[str, ...]]:
    """The worker's "nothing else wrong": answer the remaining questions with their no-defect answer.

    Goes on in order (each answer may skip or ask later questions) and stops at the first question that
    is `never_skip` or has no no-defect answer, leaving it for the worker; pressing it again after that
    answer carries on. Returns the new answers and the ids answered this way, so the record can say which
    answers nobody gave by hand. Nothing is answered (ids == ()) when the question on screen is such a stop.
    """
    result = dict(answers)
    filled: list[str] = []
    while (question := next_question(template, result)) is not None:
        if question.never_skip or question.no_defect is None:
            break
        result[question.id] = question.no_defect
        filled.append(question.id)
    return result, tuple(filled)


def progress(template: ChecklistTemplate, answers: Mapping[str, Answer]) -> tuple[int, int]:
    """(number of the question on screen, total) for "Question 3 of 9".

    The total is the questions answered plus the longest path the rest of the checklist can still take, so
    answering never makes it grow ("8 of 8" then "9 of 9"); it shrinks when an answer skips questions.
    When the checklist is complete both are the number of questions answered.
    """
    skipped: set[str] = set()
    asked: set[str] = set()
    answered = 0
    for index, question in enumerate(template.questions):
        if not _is_shown(question, skipped, asked):
            continue
        found = _effects_of(question, answers[question.id]) if question.id in answers else None
        if found is None:
            longest = _longest_path(template.questions, index, frozenset(skipped), frozenset(asked), {})
            return answered + 1, answered + longest
        answered += 1
        skipped.update(found[1].skip)
        asked.update(found[1].ask)
    return answered, answered


_PathKey = tuple[int, frozenset[str], frozenset[str]]


def _longest_path(
    questions: tuple[Question, ...],
    start: int,
    skipped: frozenset[str],
    asked: frozenset[str],
    memo: dict[_PathKey, int],
) -> int:
    """How many questions from `start` on can still be shown, at most, whatever the answers."""
    key = (start, skipped, asked)
    if key in memo:
        return memo[key]
    length = 0
    for index in range(start, len(questions)):
        question = questions[index]
        if _is_shown(question, skipped, asked):
            # Only skip/ask change the path, so answers with the same ones are one branch.
            branches = {(e.skip, e.ask) for e in _possible_effects(question)}
            length = 1 + max(
                _longest_path(questions, index + 1, skipped | set(skip), asked | set(ask), memo)
                for skip, ask in branches
            )
            break
    memo[key] = length
    return length


def _possible_effects(question: Question) -> list[Effects]:
    """The effects some valid answer to the question has (a number band no answer can reach is left out)."""
    if question.kind != "number":
        return [o.effects for o in question.options]
    low = -math.inf if question.minimum is None else question.minimum
    high = math.inf if question.maximum is None else question.maximum
    possible: list[Effects] = []
    floor = -math.inf  # answers from here up to the band's `below` get the band
    for band in question.bands:
        if max(floor, low) < band.below and max(floor, low) <= high:
            possible.append(band.effects)
        floor = band.below
    if max(floor, low) <= high:  # answers at or above the last band
        possible.append(Effects())
    return possible


def parse_answer(question: Question, raw: str) -> Answer:
    """Turn a key press or typed text into an answer; ValueError says in plain words what to press."""
    text = raw.strip()
    if question.kind == "number":
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(_number_hint(question)) from None
        if not math.isfinite(value) or _effects_of(question, value) is None:
            raise ValueError(_number_hint(question))
        return int(value) if value.is_integer() else value
    for option in question.options:
        if text == str(option.key) or text.casefold() == option.value:
            return option.value
    raise ValueError(_keys_hint(question))


def _keys_hint(question: Question) -> str:
    options = question.options
    if len(options) > 4:
        return f"Press a number key from 1 to {len(options)}"
    parts = [f"{o.key} for {o.label}" for o in options]
    return f"Press {', '.join(parts[:-1])} or {parts[-1]}"


def _number_hint(question: Question) -> str:
    low, high = question.minimum, question.maximum
    if low is not None and high is not None:
        return f"Enter a number from {low:g} to {high:g}"
    if low is not None:
        return f"Enter a number of at least {low:g}"
    if high is not None:
        return f"Enter a number no larger than {high:g}"
    return "Enter a number"


def answer_label(question: Question, answer: Answer) -> str:
    found = _effects_of(question, answer)
    if found is None:
        raise ValueError(f"{answer!r} is not a valid answer to '{question.text}'")
    return found[0]


def outcome(template: ChecklistTemplate, answers: Mapping[str, Answer]) -> ChecklistOutcome:
    """Sum of the effects of the visible, validly answered questions."""
    penalty = 0
    reasons: dict[str, None] = {}
    flags: dict[str, None] = {}
    details: list[tuple[str, str, int]] = []
    penalties: list[tuple[str, str, int]] = []
    for question in visible_questions(template, answers):
        if question.id not in answers:
            continue
        found = _effects_of(question, answers[question.id])
        if found is None:
            continue
        label, effects, suffix = found
        penalty += effects.penalty
        reasons.update(dict.fromkeys(effects.reasons))
        flags.update(dict.fromkeys(effects.flags))
        details.append((question.text, label, effects.penalty))
        if effects.penalty:
            rule_id = f"{template.id}.{question.id}_{suffix}"
            penalties.append((rule_id, effects.why or f"{question.text} {label}", effects.penalty))
    return ChecklistOutcome(penalty, tuple(reasons), tuple(flags), tuple(details), tuple(penalties))
