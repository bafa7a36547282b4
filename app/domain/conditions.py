"""Conditions shared by grading caps and disposition rules, plus the strict TOML reading both use.

A condition is a TOML table; every key in it must hold (AND). `any = [{...}, {...}]` holds when one of the
inner tables holds (OR). An empty table always holds. Keys (see CONDITION_KEYS):

  grade = ["A", "B"]            grade is one of these            (disposition only: grading has no grade yet)
  grade_at_least = "B"          grade is B or better (A, B)      (disposition only)
  grade_at_most = "C"           grade is C or worse (C, D, Salvage)  (disposition only)
  category = ["electronics"]    product category is one of these
  vendor = ["Acme"]             vendor is one of these (case does not matter)
  claimed_reason = ["defective"]  what the customer claimed is one of these
  reason_any / reason_all / reason_none = [...]   inspector-found reasons
  flag_any / flag_all / flag_none = [...]         intake flags (sealed, outside_window, no_rma, ...)
  unit_value_min = 50.0         unit value >= 50.00 (currency units; compared in cents)
  unit_value_max = 50.0         unit value <  50.00 (so min/max of two rules never overlap)
  vendor_rtv = true             the vendor takes returns to vendor (RTV) for credit
  within_warranty = true        days since purchase is known and <= the warranty days
                                (false: unknown or past the warranty)
  any = [{...}, {...}]          at least one of these condition tables holds

Every file error is a RulesError naming the file, the key path (positions count from 1, as a person counts
the `[[rules]]` blocks) and the problem in plain words.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from app.domain.answers import ItemFacts
from app.domain.vocab import CATEGORIES, CLAIMED_REASONS, FLAGS, FOUND_REASONS, GRADE_ORDER, Grade
from app.errors import RulesError

CONDITION_KEYS = (
    "grade",
    "grade_at_least",
    "grade_at_most",
    "category",
    "vendor",
    "claimed_reason",
    "reason_any",
    "reason_all",
    "reason_none",
    "flag_any",
    "flag_all",
    "flag_none",
    "unit_value_min",
    "unit_value_max",
    "vendor_rtv",
    "within_warranty",
    "any",
)
GRADE_KEYS = ("grade", "grade_at_least", "grade_at_most")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


# --- reading files -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RulesFile:
    """One TOML file to read: `name` is how errors call it."""

    name: str
    entry: Traversable | Path


def shipped_and_override_files(package: str, extra_dir: Path | None) -> dict[str, RulesFile]:
    """The package's *.toml files by file name; a same-named file in extra_dir replaces the shipped one."""
    found: dict[str, RulesFile] = {}
    for entry in files(package).iterdir():
        if entry.name.endswith(".toml") and entry.is_file():
            found[entry.name] = RulesFile(f"{package.replace('.', '/')}/{entry.name}", entry)
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise RulesError(str(extra_dir), "folder", "the site override folder does not exist")
        for path in sorted(extra_dir.glob("*.toml")):
            found[path.name] = RulesFile(str(path), path)
    return dict(sorted(found.items()))


def one_file(package: str, name: str, extra_dir: Path | None) -> RulesFile:
    candidates = shipped_and_override_files(package, extra_dir)
    if name not in candidates:
        raise RulesError(f"{package.replace('.', '/')}/{name}", "file", "is missing from the installation")
    return candidates[name]


def parse_toml(source: RulesFile) -> dict[str, Any]:
    try:
        text = source.entry.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RulesError(source.name, "file", "is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise RulesError(source.name, "file", f"cannot be read ({exc.strerror or exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if at:
            where = f"line {at[1]}, column {at[2]}"
        elif "end of document" in message:
            where = f"line {text.count(chr(10)) + 1} (end of file)"
        else:
            where = "file"
        problem = re.sub(r"\s*\(at [^)]*\)\s*$", "", message)
        raise RulesError(source.name, where, f"TOML syntax error: {problem}") from None


class TableReader:
    """Typed, path-tracking access to one TOML table; `finish()` rejects keys nobody read."""

    def __init__(self, file: str, path: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise RulesError(file, path or "top level", f"must be a table, not {_kind(data)}")
        self.file = file
        self.path = path
        self.data: dict[str, Any] = data
        self._known: list[str] = []

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, problem: str) -> RulesError:
        return RulesError(self.file, self.where(key), problem)

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str, required: bool) -> Any:
        self._known.append(key)
        if key not in self.data:
            if required:
                raise self.error(key, "is missing")
            return None
        return self.data[key]

    def text(self, key: str, default: str | None = None, *, allow_empty: bool = False) -> str:
        value = self._get(key, default is None)
        if value is None:
            assert default is not None
            return default
        if not isinstance(value, str):
            raise self.error(key, f"must be text in quotes, not {_kind(value)}")
        if not allow_empty and not value.strip():
            raise self.error(key, "must not be empty")
        return value

    def identifier(self, key: str) -> str:
        value = self.text(key)
        if not _ID_RE.match(value):
            raise self.error(key, f"'{value}' is not a valid id: use lowercase letters, digits and _")
        return value

    def integer(
        self, key: str, default: int | None = None, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self._get(key, default is None)
        if value is None:
            assert default is not None
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"must be a whole number, not {_kind(value)}")
        _check_range(self, key, value, minimum, maximum)
        return value

    def optional_integer(self, key: str, *, minimum: int | None = None) -> int | None:
        if key not in self.data:
            self._known.append(key)
            return None
        return self.integer(key, minimum=minimum)

    def number(self, key: str, *, required: bool = True, minimum: float | None = None) -> float | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"must be a number, not {_kind(value)}")
        if value != value or value in (float("inf"), float("-inf")):
            raise self.error(key, "must be a finite number")
        _check_range(self, key, value, minimum, None)
        return float(value)

    def boolean(self, key: str, default: bool | None = None) -> bool:
        value = self._get(key, default is None)
        if value is None:
            assert default is not None
            return default
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, not {_kind(value)}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self._get(key, False)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, 'must be a list of texts, like ["a", "b"]')
        return tuple(value)

    def codes(self, key: str, vocabulary: Iterable[str], what: str) -> tuple[str, ...]:
        """A list of codes, each from `vocabulary` (reasons, flags, categories, ...)."""
        allowed = list(vocabulary)
        values = self.strings(key)
        for value in values:
            if value not in allowed:
                raise self.error(key, f"'{value}' is not a known {what}; use one of: {', '.join(allowed)}")
        return values

    def grade(self, key: str, *, required: bool = True) -> Grade | None:
        value = self._get(key, required)
        if value is None:
            return None
        return _grade(self, key, value)

    def table(self, key: str, *, required: bool = True) -> TableReader | None:
        value = self._get(key, required)
        if value is None:
            return None
        return TableReader(self.file, self.where(key), value)

    def tables(self, key: str, *, required: bool = True) -> list[TableReader]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"must be a list of tables ([[{key}]] blocks), not {_kind(value)}")
        return [TableReader(self.file, f"{self.where(key)}[{i}]", item) for i, item in enumerate(value, 1)]

    def finish(self) -> None:
        for key in self.data:
            if key not in self._known:
                expected = ", ".join(dict.fromkeys(self._known))
                raise self.error(key, f"unknown key '{key}'; expected one of: {expected}")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _check_range(
    reader: TableReader, key: str, value: float, minimum: float | None, maximum: float | None
) -> None:
    if minimum is not None and value < minimum:
        raise reader.error(key, f"must be at least {minimum:g}, not {value:g}")
    if maximum is not None and value > maximum:
        raise reader.error(key, f"must be at most {maximum:g}, not {value:g}")


def _grade(reader: TableReader, key: str, value: Any) -> Grade:
    codes = [g.value for g in GRADE_ORDER]
    if not isinstance(value, str) or value not in codes:
        raise reader.error(key, f"{_kind(value)} is not a grade; use one of: {', '.join(codes)}")
    return Grade(value)


def check_template(reader: TableReader, key: str, allowed: Iterable[str]) -> str:
    """Read a `why` text; its {placeholders} must be among `allowed`."""
    text = reader.text(key)
    names = list(allowed)
    try:
        fields = [f for _, f, spec, conv in string.Formatter().parse(text) if f is not None]
    except ValueError:
        raise reader.error(key, "has an unmatched { or }; write {{ or }} for a literal brace") from None
    for field in fields:
        if field not in names:
            usable = ", ".join("{" + n + "}" for n in names)
            raise reader.error(key, f"unknown placeholder {{{field}}}; you can use: {usable}")
    return text


def grade_rank(grade: Grade) -> int:
    """0 for A (best) … 4 for Salvage (worst)."""
    return GRADE_ORDER.index(grade)


def format_money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


# --- conditions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    grades: frozenset[Grade] | None = None
    grade_at_least: Grade | None = None
    grade_at_most: Grade | None = None
    categories: frozenset[str] | None = None
    vendors: frozenset[str] | None = None  # casefolded
    claimed_reasons: frozenset[str] | None = None
    reason_any: frozenset[str] | None = None
    reason_all: frozenset[str] | None = None
    reason_none: frozenset[str] | None = None
    flag_any: frozenset[str] | None = None
    flag_all: frozenset[str] | None = None
    flag_none: frozenset[str] | None = None
    unit_value_min_cents: int | None = None
    unit_value_max_cents: int | None = None
    vendor_rtv: bool | None = None
    within_warranty: bool | None = None
    any_of: tuple[Condition, ...] = ()

    def matches(self, facts: ItemFacts, grade: Grade | None = None) -> bool:
        return (
            self._grade_ok(grade)
            and self._item_ok(facts)
            and _set_ok(facts.found_reasons, self.reason_any, self.reason_all, self.reason_none)
            and _set_ok(facts.flags, self.flag_any, self.flag_all, self.flag_none)
            and self._value_ok(facts)
            and self._vendor_terms_ok(facts)
            and (not self.any_of or any(c.matches(facts, grade) for c in self.any_of))
        )

    def _grade_ok(self, grade: Grade | None) -> bool:
        if self.grades is None and self.grade_at_least is None and self.grade_at_most is None:
            return True
        if grade is None:  # a grading cap: there is no grade yet, so a grade test cannot hold
            return False
        if self.grades is not None and grade not in self.grades:
            return False
        if self.grade_at_least is not None and grade_rank(grade) > grade_rank(self.grade_at_least):
            return False
        return self.grade_at_most is None or grade_rank(grade) >= grade_rank(self.grade_at_most)

    def _item_ok(self, facts: ItemFacts) -> bool:
        """Category, vendor and claimed reason: each a set the fact must be in."""
        return (
            (self.categories is None or facts.category in self.categories)
            and (self.vendors is None or facts.vendor.casefold() in self.vendors)
            and (self.claimed_reasons is None or facts.claimed_reason in self.claimed_reasons)
        )

    def _value_ok(self, facts: ItemFacts) -> bool:
        low, high = self.unit_value_min_cents, self.unit_value_max_cents
        return (low is None or facts.unit_value_cents >= low) and (high is None or facts.unit_value_cents < high)

    def _vendor_terms_ok(self, facts: ItemFacts) -> bool:
        return (self.vendor_rtv is None or facts.vendor_rtv == self.vendor_rtv) and (
            self.within_warranty is None or within_warranty(facts) == self.within_warranty
        )

    @property
    def is_empty(self) -> bool:
        return self == Condition()


def within_warranty(facts: ItemFacts) -> bool:
    return facts.days_since_purchase is not None and facts.days_since_purchase <= facts.warranty_days


def _set_ok(
    have: frozenset[str],
    any_: frozenset[str] | None,
    all_: frozenset[str] | None,
    none: frozenset[str] | None,
) -> bool:
    if any_ is not None and not (have & any_):
        return False
    if all_ is not None and not all_ <= have:
        return False
    if none is not None and have & none:
        return False
    return True


def parse_condition(reader: TableReader, *, allow_grade: bool) -> Condition:
    """Read a `when` table. Grading rules run before the grade exists, so they may not test it."""
    grades, at_least, at_most = _read_grade_tests(reader, allow_grade)
    vendors = _read_vendors(reader)
    low, high = _read_value_range(reader)
    any_of = _read_any(reader, allow_grade)
    vendor_rtv = reader.boolean("vendor_rtv") if reader.has("vendor_rtv") else None
    in_warranty = reader.boolean("within_warranty") if reader.has("within_warranty") else None
    reasons, flags = list(FOUND_REASONS), list(FLAGS)
    condition = Condition(
        grades=grades,
        grade_at_least=at_least,
        grade_at_most=at_most,
        categories=_code_set(reader, "category", CATEGORIES, "category"),
        vendors=vendors,
        claimed_reasons=_code_set(reader, "claimed_reason", CLAIMED_REASONS, "claimed reason"),
        reason_any=_code_set(reader, "reason_any", reasons, "found reason"),
        reason_all=_code_set(reader, "reason_all", reasons, "found reason"),
        reason_none=_code_set(reader, "reason_none", reasons, "found reason"),
        flag_any=_code_set(reader, "flag_any", flags, "flag"),
        flag_all=_code_set(reader, "flag_all", flags, "flag"),
        flag_none=_code_set(reader, "flag_none", flags, "flag"),
        unit_value_min_cents=None if low is None else round(low * 100),
        unit_value_max_cents=None if high is None else round(high * 100),
        vendor_rtv=vendor_rtv,
        within_warranty=in_warranty,
        any_of=any_of,
    )
    _finish_condition(reader, allow_grade)
    return condition


def _read_grade_tests(
    reader: TableReader, allow_grade: bool
) -> tuple[frozenset[Grade] | None, Grade | None, Grade | None]:
    """grade / grade_at_least / grade_at_most; refused outright where there is no grade yet."""
    if not allow_grade:
        for key in reader.data:
            if key in GRADE_KEYS:
                raise reader.error(key, "grading rules cannot test the grade (it is what they decide)")
        return None, None, None
    grades: frozenset[Grade] | None = None
    if "grade" in reader.data:
        raw = reader.data["grade"]
        reader._known.append("grade")
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw:
            raise reader.error("grade", 'must be a list of grades, like ["A", "B"]')
        grades = frozenset(_grade(reader, "grade", g) for g in raw)
    at_least = reader.grade("grade_at_least", required=False)
    at_most = reader.grade("grade_at_most", required=False)
    if at_least is not None and at_most is not None and grade_rank(at_least) > grade_rank(at_most):
        raise reader.error("grade_at_most", f"no grade is both at least {at_least} and at most {at_most}")
    return grades, at_least, at_most


def _read_vendors(reader: TableReader) -> frozenset[str] | None:
    vendors = reader.strings("vendor")
    if "vendor" in reader.data and not vendors:
        raise reader.error("vendor", "must list at least one vendor (leave the key out to match everything)")
    return frozenset(v.casefold() for v in vendors) if vendors else None


def _read_value_range(reader: TableReader) -> tuple[float | None, float | None]:
    low = reader.number("unit_value_min", required=False, minimum=0)
    high = reader.number("unit_value_max", required=False, minimum=0)
    if low is not None and high is not None and low >= high:
        raise reader.error("unit_value_max", f"must be more than unit_value_min ({low:g})")
    return low, high


def _read_any(reader: TableReader, allow_grade: bool) -> tuple[Condition, ...]:
    if "any" not in reader.data:
        return ()
    inner = reader.tables("any")
    if not inner:
        raise reader.error("any", "must list at least one condition table")
    return tuple(parse_condition(t, allow_grade=allow_grade) for t in inner)


def _code_set(
    reader: TableReader, key: str, vocabulary: Mapping[str, str] | list[str], what: str
) -> frozenset[str] | None:
    """A non-empty list of known codes, or None (the key is left out: any value matches)."""
    if key not in reader.data:
        reader._known.append(key)
        return None
    values = reader.codes(key, vocabulary, what)
    if not values:
        raise reader.error(key, "must list at least one code (leave the key out to match everything)")
    return frozenset(values)


def _finish_condition(reader: TableReader, allow_grade: bool) -> None:
    """Reject unknown keys, listing every key a condition may use (less the grade tests where refused)."""
    for key in CONDITION_KEYS:
        if key not in reader._known:
            reader._known.append(key)
    if not allow_grade:
        reader._known = [k for k in reader._known if k not in GRADE_KEYS]
    reader.finish()
