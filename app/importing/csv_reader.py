"""Reading import CSVs: header validation and typed field parsing with errors that name file, row and column.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2 (a quoted
value spanning lines still counts as one row). Files are UTF-8, with or without a byte-order mark.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from app.domain.codes import GtinError, normalize_gtin
from app.errors import ImportRowError

T = TypeVar("T")

_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0"}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONEY = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Largest money value accepted, in currency units; keeps cents well inside a 32-bit integer column.
MAX_MONEY = Decimal("10000000")


class ImportFileError(ImportRowError):
    """The file as a whole cannot be read (missing, not UTF-8, not CSV). Row is 0."""

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(file, 0, None, problem)
        self.args = (f"{file}: {problem}",)

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}"


@dataclass(frozen=True)
class CsvFormat:
    """The columns of one import format in the documented order, and which of them the header must have."""

    columns: tuple[str, ...]
    required: frozenset[str]

    @property
    def header(self) -> str:
        return ",".join(self.columns)


@dataclass(frozen=True)
class ImportReport:
    """What one import did, counted in data rows."""

    file: str
    inserted: int
    updated: int
    unchanged: int
    skipped: tuple[ImportRowError, ...] = ()  # only with skip_bad=True

    def summary(self) -> str:
        text = f"{self.file}: {self.inserted} new, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {len(self.skipped)} bad row(s) skipped" if self.skipped else "")


class RowErrors:
    """The first error of each bad row. `finish` raises the earliest one unless bad rows are to be skipped."""

    def __init__(self) -> None:
        self._by_row: dict[int, ImportRowError] = {}

    def add(self, error: ImportRowError) -> None:
        self._by_row.setdefault(error.row, error)

    def __contains__(self, row: int) -> bool:
        return row in self._by_row

    def __len__(self) -> int:
        return len(self._by_row)

    def finish(self, skip_bad: bool) -> tuple[ImportRowError, ...]:
        errors = tuple(self._by_row[row] for row in sorted(self._by_row))
        if errors and not skip_bad:
            raise errors[0]
        return errors


def chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """Slices for `IN (...)` lookups: stays below every engine's bound-parameter limit."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class CsvRow:
    """One data row. Values are stripped of surrounding spaces; absent optional columns are not in it."""

    file: str
    row: int
    values: Mapping[str, str]

    def has(self, column: str) -> bool:
        return column in self.values

    def error(self, column: str | None, problem: str) -> ImportRowError:
        return ImportRowError(self.file, self.row, column, problem)

    def raw(self, column: str) -> str:
        return self.values.get(column, "")

    def text(self, column: str, *, max_len: int, required: bool = False) -> str:
        value = self.raw(column)
        if required and not value:
            raise self.error(column, f"{column} is empty: fill it in")
        if len(value) > max_len:
            raise self.error(
                column, f"{column} is {len(value)} characters long; at most {max_len} fit: shorten it"
            )
        if _CONTROL.search(value):
            raise self.error(column, f"{column} contains a line break or control character: remove it")
        return value

    def code(self, column: str, *, max_len: int) -> str:
        """An identifier (SKU, RMA number, badge): required, no spaces inside."""
        value = self.text(column, max_len=max_len, required=True)
        if any(ch.isspace() for ch in value):
            raise self.error(column, f"{column} '{value}' contains a space: remove it")
        return value

    def optional_text(self, column: str, *, max_len: int) -> str | None:
        return self.text(column, max_len=max_len) or None

    def integer(
        self,
        column: str,
        *,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self.raw(column)
        if not value:
            if default is None:
                return None
            return default
        if not _INTEGER.fullmatch(value):
            raise self.error(column, f"{column} '{value}' is not a whole number: write digits only, e.g. 30")
        number = int(value)
        if minimum is not None and number < minimum:
            raise self.error(column, f"{column} {number} is below {minimum}: use {minimum} or more")
        if maximum is not None and number > maximum:
            raise self.error(column, f"{column} {number} is above {maximum}: use {maximum} or less")
        return number

    def required_integer(self, column: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
        if not self.raw(column):
            raise self.error(column, f"{column} is empty: fill in a whole number")
        number = self.integer(column, minimum=minimum, maximum=maximum)
        assert number is not None
        return number

    def boolean(self, column: str, *, default: bool = False) -> bool:
        value = self.raw(column).lower()
        if not value:
            return default
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise self.error(
            column, f"{column} '{self.raw(column)}' is not yes or no: write yes/no, true/false or 1/0"
        )

    def money_cents(self, column: str) -> int:
        """A non-negative amount in currency units with a dot and at most 2 decimals (129.99) → cents."""
        value = self.raw(column)
        if not value:
            raise self.error(column, f"{column} is empty: write the amount, e.g. 129.99 (0 if unknown)")
        if value.startswith("-"):
            raise self.error(column, f"{column} {value} is negative: write the amount without a minus sign")
        if not _MONEY.fullmatch(value):
            raise self.error(
                column,
                f"{column} '{value}' is not an amount: write digits with a dot and at most two decimals, "
                "without currency sign or thousands separator, e.g. 1299.99",
            )
        try:
            amount = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern already guarantees a number
            raise self.error(column, f"{column} '{value}' is not an amount") from None
        if amount >= MAX_MONEY:
            raise self.error(column, f"{column} {value} is too large: check the amount (below {MAX_MONEY})")
        return int(amount * 100)

    def iso_date(self, column: str) -> date | None:
        value = self.raw(column)
        if not value:
            return None
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise self.error(
                column, f"{column} '{value}' is not a date in the form YYYY-MM-DD: write it like 2026-11-20"
            ) from None

    def choice(self, column: str, choices: Iterable[str], *, required: bool = True) -> str:
        valid = list(choices)
        value = self.raw(column)
        if not value and not required:
            return ""
        if not value:
            raise self.error(column, f"{column} is empty: use one of {', '.join(valid)}")
        if value.lower() in valid:
            return value.lower()
        raise self.error(column, f"{column} '{value}' is not known: use one of {', '.join(valid)}")

    def gtin(self, column: str) -> str | None:
        value = self.raw(column)
        if not value:
            return None
        try:
            return normalize_gtin(value)
        except GtinError as exc:
            raise self.error(column, f"{column} {exc}: check the number or leave the column empty") from None


def read_csv(path: Path, fmt: CsvFormat) -> list[CsvRow]:
    """Read and check the header of `path`; return its non-blank data rows."""
    file = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(file, f"the file was not found at {path}: check the path") from None
    except OSError as exc:
        raise ImportFileError(file, f"the file could not be read ({exc.strerror}): check the path") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        raise ImportRowError(
            file, row, None, "the file is not UTF-8 text: save it as 'CSV UTF-8' and import it again"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise ImportRowError(
            file, reader.line_num, None, f"the file is not valid CSV ({exc}): check the quotes on this line"
        ) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise ImportRowError(file, 1, None, f"the file has no header: the first row must be {fmt.header}")
    columns = _check_header(file, records[0], fmt)
    rows: list[CsvRow] = []
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(columns):
            extra = record[len(columns) :]
            if any(cell.strip() for cell in extra):
                raise ImportRowError(
                    file,
                    index,
                    None,
                    f"the row has {len(record)} values but the header has {len(columns)} columns: "
                    "check for an unquoted comma",
                )
        values = {col: (record[i].strip() if i < len(record) else "") for i, col in enumerate(columns)}
        rows.append(CsvRow(file, index, values))
    return rows


def _check_header(file: str, header: list[str], fmt: CsvFormat) -> list[str]:
    columns = [cell.strip().lower() for cell in header]
    known = set(fmt.columns)
    missing = [col for col in fmt.columns if col in fmt.required and col not in columns]
    unknown = [col for col in columns if col not in known]
    duplicated = sorted({col for col in columns if columns.count(col) > 1})
    problems = []
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s) {', '.join(repr(c) for c in unknown)}")
    if duplicated:
        problems.append(f"column(s) {', '.join(duplicated)} appear more than once")
    if problems:
        raise ImportRowError(
            file, 1, None, f"wrong header: {'; '.join(problems)}. The header must be: {fmt.header}"
        )
    return columns
