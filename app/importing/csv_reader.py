"""Reading import CSVs: separator and header checks, typed field parsing with errors naming file, row and column.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2 (a quoted
value spanning lines still counts as one row). Files are UTF-8, with or without a byte-order mark (or
UTF-16 with one, as Excel's "Unicode Text"), separated by commas, semicolons or tabs.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import MINYEAR, date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from app.domain.codes import GtinError, canonical, normalize_gtin
from app.errors import ImportRowError
from app.importing.characters import (
    ascii_digits_problem,
    char_name,
    first_forbidden,
    first_odd_space,
    forbidden_problem,
    is_clean,
    plain_spaces,
    shown,
)

T = TypeVar("T")
K = TypeVar("K")

_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0"}
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# A dot or (as Excel writes it in much of Europe) a comma before at most two decimals: never a thousands mark.
_MONEY = re.compile(r"[0-9]+([.,][0-9]{1,2})?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_SCIENTIFIC = re.compile(r"[0-9]+([.,][0-9]+)?[eE][+]?[0-9]+")
# Largest money value accepted, in currency units; keeps cents well inside a 32-bit integer column.
MAX_MONEY = Decimal("10000000")
# English names whatever the locale (Qt sets the process locale; calendar.month_name would follow it).
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Separators tried on the header line, in order of preference when two fit as well.
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


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
    secret: frozenset[str] = frozenset()  # columns whose values never appear in a message (PINs)

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
    separator: str = ","

    def summary(self) -> str:
        text = f"{self.file}: {self.inserted} new, {self.updated} updated, {self.unchanged} unchanged"
        if self.skipped:
            text += f", {len(self.skipped)} bad row(s) skipped"
        if self.separator != ",":
            text += f" (read as {SEPARATORS[self.separator]}-separated)"
        return text


class RowErrors:
    """The first error of each bad row. `finish` raises the earliest one unless bad rows are to be skipped."""

    def __init__(self, errors: Iterable[ImportRowError] = ()) -> None:
        self._by_row: dict[int, ImportRowError] = {}
        for error in errors:
            self.add(error)

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


def changed(old: Mapping[str, Any], fields: Mapping[str, Any]) -> bool:
    """Whether a row sets any attribute to something other than what is stored."""
    return any(old[name] != value for name, value in fields.items())


@dataclass(frozen=True)
class CsvRow:
    """One data row. Values are stripped of surrounding spaces; absent optional columns are not in it."""

    file: str
    row: int
    values: Mapping[str, str]
    secret: frozenset[str] = frozenset()
    # No value holds a character to refuse or normalise: the usual row skips the per-value character check.
    clean: bool = False

    def has(self, column: str) -> bool:
        return column in self.values

    def error(self, column: str | None, problem: str) -> ImportRowError:
        return ImportRowError(self.file, self.row, column, problem)

    def raw(self, column: str) -> str:
        """The value, refused if it holds a control or invisible character (every typed reader starts here)."""
        value = self.values.get(column, "")
        index = None if self.clean else first_forbidden(value)
        if index is not None:
            raise self.error(column, forbidden_problem(column, value, index, secret=column in self.secret))
        return value

    def text(self, column: str, *, max_len: int, required: bool = False) -> str:
        """Free text (descriptions, names): no-break and other Unicode spaces are stored as plain spaces."""
        value = plain_spaces(self.raw(column))
        self._check_length(column, value, max_len=max_len, required=required)
        return value

    def code(self, column: str, *, max_len: int, required: bool = True) -> str:
        """An identifier (SKU, RMA number, badge, serial): no spaces inside, of any kind, since scans have none."""
        value = self.raw(column)
        self._check_length(column, value, max_len=max_len, required=required)
        odd = first_odd_space(value)
        if odd is not None:
            raise self.error(
                column,
                f"{column} '{shown(value)}' contains a {char_name(value[odd])}, which looks like a space: "
                "delete it (codes have no spaces)",
            )
        if " " in value:
            raise self.error(column, f"{column} '{value}' contains a space: remove it")
        digits = ascii_digits_problem(column, value)  # a scan folds them to 0-9, so they would never match
        if digits:
            raise self.error(column, digits)
        return value

    def station_code(self, column: str, *, max_len: int, pattern: re.Pattern[str], setting: str, kind: str) -> str:
        """An identifier the stations recognise by `pattern` (their `setting`); one they never could is refused.

        Judged as a station reads a scan (`canonical`): as written, or upper-cased.
        """
        value = self.code(column, max_len=max_len)
        seen = canonical(value, pattern)
        if seen == value:
            return value
        if seen is not None:
            raise self.error(
                column,
                f"{column} '{value}' is read as '{seen}' when scanned, so a station would never find it: "
                f"write it as {seen}",
            )
        raise self.error(
            column,
            f"{column} '{value}' can never be scanned: a station reads a scan as {kind} only when it matches "
            f"{setting} {pattern.pattern}: correct the {column}, or the stations' {setting} setting first",
        )

    def _check_length(self, column: str, value: str, *, max_len: int, required: bool) -> None:
        if required and not value:
            raise self.error(column, f"{column} is empty: fill it in")
        if len(value) > max_len:
            raise self.error(
                column, f"{column} is {len(value)} characters long; at most {max_len} fit: shorten it"
            )

    def optional_text(self, column: str, *, max_len: int) -> str | None:
        return self.text(column, max_len=max_len) or None

    def optional_code(self, column: str, *, max_len: int) -> str | None:
        return self.code(column, max_len=max_len, required=False) or None

    def _digits(self, column: str) -> str:
        """The value of a number column, refused when its digits are not 0-9 (they would look right)."""
        value = self.raw(column)
        problem = ascii_digits_problem(column, value)
        if problem:
            raise self.error(column, problem)
        return value

    def integer(
        self,
        column: str,
        *,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self._digits(column)
        if not value:
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
        """A non-negative amount in currency units, at most 2 decimals after a dot or comma (129.99) → cents."""
        value = self._digits(column)
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
            amount = Decimal(value.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern already guarantees a number
            raise self.error(column, f"{column} '{value}' is not an amount") from None
        if amount >= MAX_MONEY:
            raise self.error(column, f"{column} {value} is too large: check the amount (below {MAX_MONEY})")
        return int(amount * 100)

    def iso_date(self, column: str) -> date | None:
        value = self._digits(column)
        if not value:
            return None
        parts = _ISO_DATE.fullmatch(value)
        if parts is None:
            raise self.error(
                column,
                f"{column} '{value}' is not a date in the form YYYY-MM-DD: write it like 2026-11-20 "
                "(if a spreadsheet changed it, format the column as text)",
            )
        year, month, day = (int(part) for part in parts.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise self.error(column, f"{column} {value} {_why_not_a_date(year, month)}: check the date") from None

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
        value = self._digits(column)
        if not value:
            return None
        try:
            return normalize_gtin(value)
        except GtinError as exc:
            raise self.error(column, _gtin_problem(column, value, exc)) from None


def _why_not_a_date(year: int, month: int) -> str:
    if year < MINYEAR:
        return "is not a real date (there is no year 0)"
    if not 1 <= month <= 12:
        return f"is not a real date (there is no month {month})"
    days = calendar.monthrange(year, month)[1]
    return f"is not a real date ({_MONTHS[month - 1]} {year} has {days} days)"


def _gtin_problem(column: str, value: str, exc: GtinError) -> str:
    """The GTIN message, with what a spreadsheet does to long numbers when that is the likely cause."""
    if _SCIENTIFIC.fullmatch(value):
        return (
            f"{column} '{value}' was turned into a rounded number by a spreadsheet: format the {column} "
            "column as text and enter the full numbers again"
        )
    if value.isdigit() and len(value) in (7, 11):
        try:
            normalize_gtin("0" + value)
        except GtinError:
            pass
        else:
            return (
                f"{column} '{value}' has {len(value)} digits: it is probably 0{value}, whose leading zero "
                "a spreadsheet dropped: write all the digits (format the column as text)"
            )
    return f"{column} {exc}: check the number or leave the column empty"


@dataclass(frozen=True)
class CsvFile:
    """The data rows of one file, the separator it uses, and rows that are not rows of the format at all."""

    name: str
    separator: str
    rows: list[CsvRow]
    bad: list[ImportRowError] = field(default_factory=list)

    def report(
        self, inserted: int, updated: int, unchanged: int, skipped: tuple[ImportRowError, ...]
    ) -> ImportReport:
        return ImportReport(self.name, inserted, updated, unchanged, skipped, self.separator)


def parse_rows(
    csv_file: CsvFile,
    parse: Callable[[CsvRow], T],
    key: Callable[[T], K],
    duplicate: Callable[[T, T], ImportRowError],
    check: Callable[[T], None] | None = None,
) -> tuple[dict[K, T], RowErrors]:
    """Parse every row; keep the good ones by key; the first error of each bad row goes to the RowErrors.

    `duplicate(row, first)` says why a second row with the same key is refused; `check` may refuse a row
    because of earlier rows of the file, and is called only for rows that are otherwise good.
    """
    errors = RowErrors(csv_file.bad)
    good: dict[K, T] = {}
    for csv_row in csv_file.rows:
        try:
            item = parse(csv_row)
            first = good.get(key(item))
            if first is not None:
                raise duplicate(item, first)
            if check is not None:
                check(item)
        except ImportRowError as exc:
            errors.add(exc)
            continue
        good[key(item)] = item
    return good, errors


def read_csv(path: Path, fmt: CsvFormat) -> CsvFile:
    """Read `path`, find its separator and check its header; return its non-blank data rows."""
    with open_csv(path, fmt) as stream:
        rows: list[CsvRow] = []
        bad: list[ImportRowError] = []
        for row in stream.rows():
            (bad if isinstance(row, ImportRowError) else rows).append(row)  # type: ignore[arg-type]
        return CsvFile(stream.name, stream.separator, rows, bad)


class CsvStream:
    """One import file read row by row (a catalog of a million rows is never all in memory).

    `rows()` yields each non-blank data row, or the error of a row that is not a row of the format at all
    (too many values); a file that cannot be read as a whole (not UTF-8, broken quotes) raises at that row.
    """

    def __init__(self, path: Path, fmt: CsvFormat) -> None:
        self.name = path.name
        self._path = path
        self._fmt = fmt
        self._binary = _open_bytes(self.name, path)
        try:
            self._encoding = _encoding_of(self._binary.peek(2)[:2])
            self._text = io.TextIOWrapper(self._binary, encoding=self._encoding, newline="")
            first_line = self._decoded(self._text.readline)
            separator = _find_separator(first_line.rstrip("\r\n"), fmt)
            if separator is None:
                raise ImportRowError(self.name, 1, None, _not_a_header(first_line.rstrip("\r\n"), fmt))
        except BaseException:
            self._binary.close()
            raise
        self.separator = separator
        self._first_line = first_line
        self.columns: list[str] = []

    def __enter__(self) -> CsvStream:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._text.close()

    def report(
        self, inserted: int, updated: int, unchanged: int, skipped: tuple[ImportRowError, ...]
    ) -> ImportReport:
        return ImportReport(self.name, inserted, updated, unchanged, skipped, self.separator)

    def rows(self) -> Iterator[CsvRow | ImportRowError]:
        for record in self.records():
            yield record if isinstance(record, ImportRowError) else self.row_of(*record)

    def records(self) -> Iterator[tuple[int, list[str]] | ImportRowError]:
        """(row number, values stripped of surrounding spaces, one per header column) of each non-blank row.

        The header is read and checked at the first call; `columns` then holds its column names."""
        lines = itertools.chain([self._first_line], self._text)  # a decoding error surfaces in _records
        reader = csv.reader(lines, delimiter=self.separator, strict=True)
        records = enumerate(self._records(reader), start=1)
        self.columns = _check_header(self.name, next(records, (1, []))[1], self._fmt)
        width = len(self.columns)
        for index, record in records:
            cells = list(map(str.strip, record))
            if len(cells) == width:
                if any(cells):
                    yield index, cells
            elif len(cells) > width and any(cells[width:]):
                yield self._too_many(index, len(record), width)
            elif any(cells):
                yield index, cells + [""] * (width - len(cells)) if len(cells) < width else cells[:width]

    def row_of(self, index: int, cells: list[str]) -> CsvRow:
        values = dict(zip(self.columns, cells, strict=True))
        return CsvRow(self.name, index, values, self._fmt.secret, is_clean("".join(cells)))

    def _too_many(self, index: int, values: int, width: int) -> ImportRowError:
        return ImportRowError(
            self.name,
            index,
            None,
            f"the row has {values} values but the header has {width} columns: "
            f"check for an unquoted {SEPARATORS[self.separator]}",
        )

    def _records(self, reader: Any) -> Iterator[list[str]]:
        try:
            yield from reader
        except csv.Error as exc:
            raise ImportRowError(
                self.name, reader.line_num, None, f"the file is not valid CSV ({exc}): check the quotes on this line"
            ) from None
        except UnicodeDecodeError:
            raise self._not_text() from None

    def _decoded(self, read: Callable[[], str]) -> str:
        try:
            return read()
        except UnicodeDecodeError:
            raise self._not_text() from None

    def _not_text(self) -> ImportRowError:
        if self._encoding == "utf-16":
            return ImportFileError(self.name, "the file is damaged UTF-16 text: save it as 'CSV UTF-8'")
        row = _first_bad_utf8_line(self._path)
        return ImportRowError(
            self.name, row, None, "the file is not UTF-8 text: save it as 'CSV UTF-8' and import it again"
        )


def open_csv(path: Path, fmt: CsvFormat) -> CsvStream:
    """Open `path`, find its separator from the header line; check the header when rows are read."""
    return CsvStream(path, fmt)


def _open_bytes(file: str, path: Path) -> io.BufferedReader:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise ImportFileError(file, f"the file was not found at {path}: check the path") from None
    except OSError as exc:
        raise ImportFileError(file, f"the file could not be read ({exc.strerror}): check the path") from None


def _encoding_of(start: bytes) -> str:
    if start in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):  # Excel's "Unicode Text"
        return "utf-16"
    return "utf-8-sig"


def _first_bad_utf8_line(path: Path) -> int:
    """The line (1 = first) of the first byte that is not UTF-8: read again only when the stream failed."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return lines + chunk.count(b"\n", 0, max(exc.start, 0))
            lines += chunk.count(b"\n")
    return lines


def _header_name(cell: str) -> str:
    # A second byte-order mark or a zero-width space before a column name is harmless here: names are fixed.
    return "".join(ch for ch in cell if first_forbidden(ch) is None).strip().lower()


def _find_separator(first_line: str, fmt: CsvFormat) -> str | None:
    """The separator under which the first line names the most known columns; None if it names none."""
    best, best_known = None, 0
    for separator in SEPARATORS:
        cells = next(csv.reader([first_line], delimiter=separator), [])
        known = len({_header_name(cell) for cell in cells} & set(fmt.columns))
        if known > best_known:
            best, best_known = separator, known
    return best


def _not_a_header(first_line: str, fmt: CsvFormat) -> str:
    if not first_line.strip(" ,;\t"):
        return f"the file has no header: the first row must be the header: {fmt.header}"
    other = _other_separator(first_line, fmt)
    if other is not None:
        return (
            f"the header's columns are separated by {other!r}, a separator this import does not read: "
            "save the file as CSV with commas, semicolons or tabs between the columns"
        )
    cells = max((next(csv.reader([first_line], delimiter=sep), []) for sep in SEPARATORS), key=len)
    preview = ", ".join(f"'{shown(cell.strip())[:30]}'" for cell in cells[:4]) + (", …" if len(cells) > 4 else "")
    return (
        f"the first row must be the header: {fmt.header} (columns separated by commas, semicolons or tabs), "
        f"but it names none of these columns ({preview}): add the header row above the data, "
        "or correct the column names and the separator"
    )


def _other_separator(first_line: str, fmt: CsvFormat) -> str | None:
    """A character (| : space…) that splits the first line into known column names, if there is one."""
    for ch in sorted({ch for ch in first_line if not (ch.isalnum() or ch in "_\"'")}):
        if {_header_name(cell) for cell in first_line.split(ch)} & set(fmt.columns):
            return ch
    return None


def _check_header(file: str, header: list[str], fmt: CsvFormat) -> list[str]:
    columns = [_header_name(cell) for cell in header]
    while columns and not columns[-1]:
        columns.pop()  # Excel adds empty columns after the last one once their cells were ever used
    known = set(fmt.columns)
    missing = [col for col in fmt.columns if col in fmt.required and col not in columns]
    unknown = [col for col in columns if col and col not in known]
    nameless = [str(index) for index, col in enumerate(columns, start=1) if not col]
    duplicated = sorted({col for col in columns if col and columns.count(col) > 1})
    problems = []
    if nameless:
        problems.append(f"column(s) {', '.join(nameless)} have no name")
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
