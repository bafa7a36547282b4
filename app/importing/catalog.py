"""Import the product catalog (catalog.csv): upsert by SKU, in one unit of work, streamed.

The file is read in batches into a temporary staging table (a million rows never sit in memory as objects);
the checks that need the whole file (a SKU or GTIN twice, a GTIN another product keeps) run against it, and
the products are inserted and updated from it by a few set-based statements at the end, in the same
transaction: a bad row still means nothing is written.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BINARY,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    cast,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)

from app.db.models import Product, utcnow
from app.db.uow import Database
from app.domain.vocab import CATEGORIES
from app.errors import ImportRowError
from app.importing.characters import is_clean
from app.importing.csv_reader import (
    MAX_MONEY,
    CsvFormat,
    CsvRow,
    CsvStream,
    ImportReport,
    RowErrors,
    chunks,
    open_csv,
)

CATALOG_FORMAT = CsvFormat(
    columns=(
        "sku",
        "gtin",
        "description",
        "category",
        "unit_value",
        "vendor",
        "vendor_rtv",
        "warranty_days",
        "serialized",
        "hazmat",
        "data_bearing",
        "weight_g",
    ),
    required=frozenset({"sku", "description", "category", "unit_value"}),
)

# Product attributes an import may set; a column left out of the header leaves that attribute as it is.
_FIELDS = (
    "gtin",
    "description",
    "category",
    "unit_value_cents",
    "vendor",
    "vendor_rtv",
    "warranty_days",
    "serialized",
    "hazmat",
    "data_bearing",
    "weight_g",
)


# The CSV column each product attribute comes from.
_SOURCE = {"unit_value_cents": "unit_value"}
_PRODUCT: Table = Product.__table__  # type: ignore[assignment]
_BATCH = 2000  # rows parsed and staged at a time
# Staging row states, set by the plan.
_NEW, _SAME, _CHANGED, _MOVES_GTIN = 0, 1, 2, 3


@dataclass
class _Row:
    csv: CsvRow
    sku: str
    fields: dict[str, Any]


def _parse(row: CsvRow) -> _Row:
    sku = row.code("sku", max_len=64)
    fields: dict[str, Any] = {
        "description": row.text("description", max_len=200, required=True),
        "category": row.choice("category", CATEGORIES),
        "unit_value_cents": row.money_cents("unit_value"),
    }
    if row.has("gtin"):
        fields["gtin"] = row.gtin("gtin")
    if row.has("vendor"):
        fields["vendor"] = row.text("vendor", max_len=80)
    for flag in ("vendor_rtv", "serialized", "hazmat", "data_bearing"):
        if row.has(flag):
            fields[flag] = row.boolean(flag)
    if row.has("warranty_days"):
        fields["warranty_days"] = row.integer("warranty_days", default=0, minimum=0, maximum=3650)
    if row.has("weight_g"):
        fields["weight_g"] = row.integer("weight_g", minimum=0, maximum=10_000_000)
    return _Row(row, sku, fields)


def import_catalog(db: Database, path: Path, *, skip_bad: bool = False) -> ImportReport:
    """Insert new SKUs, update changed ones, leave equal ones alone (their updated_at too).

    A bad row raises ImportRowError and nothing is written, unless skip_bad: then the good rows are written
    and the bad ones reported in `ImportReport.skipped`.
    """
    with open_csv(path, CATALOG_FORMAT) as csv_file, db.unit_of_work() as uow:
        records = csv_file.records()
        first = next(records, None)  # reads and checks the header before the staging table is made
        staging = _Staging(uow.session.connection(), csv_file.name)
        errors = RowErrors()
        parse = _FastRows(csv_file.columns)
        for batch in _batches(itertools.chain([first] if first is not None else [], records)):
            staging.add(_staged_rows(batch, csv_file, parse, errors))
        staging.refuse_repeats(errors)
        staging.check_gtin_owners(errors)
        skipped = errors.finish(skip_bad)
        inserted, updated, unchanged = staging.apply(_fields_of(csv_file.columns))
        staging.drop()
    return csv_file.report(inserted, updated, unchanged, skipped)


Record = tuple[int, list[str]] | ImportRowError
# A staged row: row number, sku, gtin, the gtin as written in the file, then the _FIELDS but gtin.
Staged = tuple[Any, ...]
_STAGED_FIELDS = tuple(name for name in _FIELDS if name != "gtin")


def _fields_of(columns: Sequence[str]) -> tuple[str, ...]:
    """The attributes a file sets: those of its header's columns (the others stay as they are)."""
    return tuple(name for name in _FIELDS if _SOURCE.get(name, name) in columns)


def _batches(records: Iterable[Record]) -> Iterator[list[Record]]:
    iterator = iter(records)
    while batch := list(itertools.islice(iterator, _BATCH)):
        yield batch


def _staged_rows(batch: list[Record], csv_file: CsvStream, fast: _FastRows, errors: RowErrors) -> list[Staged]:
    """The batch's good rows as staged rows; the first problem of each bad row goes to `errors`."""
    records: list[tuple[int, list[str]]] = []
    for record in batch:
        if isinstance(record, ImportRowError):
            errors.add(record)
        else:
            records.append(record)
    staged, unusual = fast(records)
    for record in unusual:  # something unusual in the row: the full checks, with their messages
        try:
            staged.append(_staging_row(_parse(csv_file.row_of(*record))))
        except ImportRowError as exc:
            errors.add(exc)
    return staged


def _staging_row(row: _Row) -> Staged:
    return (row.csv.row, row.sku, row.fields.get("gtin"), row.csv.values.get("gtin"),
            *(row.fields.get(name) for name in _STAGED_FIELDS))


_BAD = object()  # a value the fast checks do not vouch for: its row goes through the full checks instead
_PLAIN_CODE = re.compile(r"[!-~]{1,64}")  # printable ASCII without spaces: a code the full check accepts
_GTIN = re.compile(r"[0-9]{8}|[0-9]{12,14}")
_MONEY = re.compile(r"([0-9]+)(?:[.,]([0-9]{1,2}))?")
_DIGITS = re.compile(r"[0-9]{1,9}")
_USUAL_MONEY = re.compile(r"[0-9]{1,7}\.[0-9]{2}")  # below MAX_MONEY, two decimals after a dot
_WITHOUT_DOT = operator.methodcaller("replace", ".", "")
_ZFILL_14 = operator.methodcaller("zfill", 14)
_EVEN_13, _ODD_12 = operator.itemgetter(slice(0, 13, 2)), operator.itemgetter(slice(1, 12, 2))
_LAST = operator.itemgetter(13)
_YES_NO = {"yes": True, "y": True, "true": True, "t": True, "1": True, "": False,
           "no": False, "n": False, "false": False, "f": False, "0": False}
_CATEGORY_SET = frozenset(CATEGORIES)
Column_ = Sequence[str]


class _WithBad(list[Any]):
    """A checked column that may hold _BAD: the fast checks did not vouch for every value of it."""


def _codes(values: Column_) -> list[Any]:
    if all(map(_PLAIN_CODE.fullmatch, values)):
        return list(values)
    return _WithBad(value if _PLAIN_CODE.fullmatch(value) else _BAD for value in values)


def _texts(limit: int, required: bool) -> Callable[[Column_], list[Any]]:
    def texts(values: Column_) -> list[Any]:
        lengths = list(map(len, values))
        if max(lengths) <= limit and (not required or min(lengths) > 0):
            return list(values)
        return _WithBad(value if 0 < len(value) <= limit or (not required and not value) else _BAD for value in values)

    return texts


def _categories(values: Column_) -> list[Any]:
    lower = list(map(str.lower, values))
    if _CATEGORY_SET.issuperset(lower):
        return lower
    return _WithBad(value if value in _CATEGORY_SET else _BAD for value in lower)


def _cents(value: str) -> Any:
    match = _MONEY.fullmatch(value)
    if match is None:
        return _BAD
    cents = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
    return cents if cents < MAX_MONEY * 100 else _BAD


def _money(values: Column_) -> list[Any]:
    if all(map(_USUAL_MONEY.fullmatch, values)):  # 129.99: the cents are the digits without the dot
        return list(map(int, map(_WITHOUT_DOT, values)))
    return _WithBad(map(_cents, values))


def _flags(values: Column_) -> list[Any]:
    flags: list[Any] = list(map(_YES_NO.get, map(str.lower, values)))
    if None in flags:
        return _WithBad(_BAD if flag is None else flag for flag in flags)
    return flags


def _wholes(default: int | None, maximum: int) -> Callable[[Column_], list[Any]]:
    def whole(value: str) -> Any:
        if not value:
            return default
        return int(value) if _DIGITS.fullmatch(value) and int(value) <= maximum else _BAD

    def wholes(values: Column_) -> list[Any]:
        if all(map(_DIGITS.fullmatch, values)):
            numbers = list(map(int, values))
            if max(numbers) <= maximum:
                return numbers
        return _WithBad(map(whole, values))

    return wholes


def _gtins(values: Column_) -> list[Any]:
    """The GTIN-14 of each value, None for an empty one, _BAD for one the full check may refuse."""
    given = [value for value in values if value]
    if not all(map(_GTIN.fullmatch, given)):
        return _WithBad(map(_gtin, values))
    # As 14 digits the weights are fixed: 3 on the even positions, 1 on the odd ones, the check digit last.
    long: list[Any] = list(map(_ZFILL_14, given))
    digits = list(map(str.encode, long))
    threes = map(sum, map(_EVEN_13, digits))
    ones = map(sum, map(_ODD_12, digits))
    checks = map(_LAST, digits)
    # 48 is the byte of "0": 7 digits weighted 3, 6 weighted 1 and the check digit 1 → 48 × 28 = 1344.
    ok = [(3 * a + b + c - 1344) % 10 == 0 for a, b, c in zip(threes, ones, checks, strict=True)]
    if not all(ok):
        long = _WithBad(gtin if good else _BAD for gtin, good in zip(long, ok, strict=True))
    if len(given) == len(values):
        return long
    found = iter(long)
    merged = [next(found) if value else None for value in values]
    return _WithBad(merged) if isinstance(long, _WithBad) else merged


def _gtin(value: str) -> Any:
    if not value:
        return None
    if not _GTIN.fullmatch(value):
        return _BAD
    # GS1 mod 10: from the payload's last digit, weights 3, 1, 3, …; digits summed as their ASCII bytes.
    threes, ones = value[-2::-2].encode(), value[-3::-2].encode()
    total = 3 * (sum(threes) - 48 * len(threes)) + sum(ones) - 48 * len(ones)
    return value.zfill(14) if (10 - total % 10) % 10 == ord(value[-1]) - 48 else _BAD


# The fast check of each column, a whole column of a batch at a time; each accepts only values the full check
# accepts, and gives the same value.
_FAST: dict[str, Callable[[Column_], list[Any]]] = {
    "description": _texts(200, required=True),
    "category": _categories,
    "unit_value_cents": _money,
    "vendor": _texts(80, required=False),
    "vendor_rtv": _flags,
    "warranty_days": _wholes(0, 3650),
    "serialized": _flags,
    "hazmat": _flags,
    "data_bearing": _flags,
    "weight_g": _wholes(None, 10_000_000),
}


class _FastRows:
    """The staged rows of the usual rows of a batch (clean text, plain values), checked column by column at C
    speed where possible; the other rows are handed back for the full checks."""

    def __init__(self, columns: Sequence[str]) -> None:
        position = {name: index for index, name in enumerate(columns)}
        self._sku = position["sku"]
        self._gtin = position.get("gtin")
        self._checks = [(position.get(_SOURCE.get(name, name)), _FAST[name]) for name in _STAGED_FIELDS]

    def __call__(self, records: list[tuple[int, list[str]]]) -> tuple[list[Staged], list[tuple[int, list[str]]]]:
        if not records:
            return [], []
        cells = [record[1] for record in records]
        columns = list(zip(*cells, strict=True))
        nothing = [None] * len(records)
        raw: Sequence[Any] = nothing if self._gtin is None else columns[self._gtin]
        out: list[Sequence[Any]] = [
            [record[0] for record in records],
            _codes(columns[self._sku]),
            nothing if self._gtin is None else _gtins(columns[self._gtin]),
            raw,
            *(nothing if index is None else check(columns[index]) for index, check in self._checks),
        ]
        rows = list(zip(*out, strict=True))
        clean = all(map(is_clean, map("".join, columns)))  # a column at a time: the usual batch is all clean
        mixed = [column for column in out if isinstance(column, _WithBad)]
        if clean and not mixed:
            return rows, []
        unusual = set() if clean else {i for i, row in enumerate(cells) if not is_clean("".join(row))}
        for column in mixed:
            unusual.update(i for i, value in enumerate(column) if value is _BAD)
        good = [row for i, row in enumerate(rows) if i not in unusual]
        return good, [records[i] for i in sorted(unusual)]


def _staging_table() -> Table:
    """The good rows of the file, in file order; dropped at the end (or with the rollback)."""
    return Table(
        "catalog_import_staging",
        MetaData(),
        Column("row_no", Integer, primary_key=True, autoincrement=False),
        Column("sku", String(64), nullable=False),
        Column("gtin", String(14)),
        Column("gtin_raw", String(255)),  # as written in the file, for messages
        Column("description", String(200)),
        Column("category", String(40)),
        Column("unit_value_cents", Integer),
        Column("vendor", String(80)),
        Column("vendor_rtv", Boolean),
        Column("warranty_days", Integer),
        Column("serialized", Boolean),
        Column("hazmat", Boolean),
        Column("data_bearing", Boolean),
        Column("weight_g", Integer),
        Column("state", Integer),
        prefixes=["TEMPORARY"],
    )


class _Staging:
    def __init__(self, conn: Connection, file: str) -> None:
        self.conn = conn
        self.file = file
        self.table = _staging_table()
        self.count = 0
        self._mysql = conn.dialect.name in ("mysql", "mariadb")
        self._drop_leftover()
        self.table.create(conn)
        self._names = [column.name for column in self.table.columns if column.name != "state"]
        compiled = insert(self.table).compile(dialect=conn.dialect, column_keys=self._names)
        self._insert = str(compiled)
        self._named = not compiled.positional

    def _drop_leftover(self) -> None:
        # MySQL keeps a temporary table past a rollback, for the connection's life; plain DROP TABLE there
        # would also commit, hence DROP TEMPORARY. Elsewhere the table went with the rollback, if there was one.
        keyword = "TEMPORARY " if self._mysql else ""
        self.conn.execute(text(f"DROP {keyword}TABLE IF EXISTS {self.table.name}"))

    def drop(self) -> None:
        self._drop_leftover()

    def add(self, rows: list[Staged]) -> None:
        """Stage rows as they are (the driver's executemany: no per-value processing on the way)."""
        if not rows:
            return
        if self._named:
            self.conn.exec_driver_sql(self._insert, [dict(zip(self._names, row, strict=True)) for row in rows])
        else:
            self.conn.exec_driver_sql(self._insert, rows)
        self.count += len(rows)

    def refuse_repeats(self, errors: RowErrors) -> None:
        """A SKU or GTIN that an earlier good row of the file has: the later row is refused."""
        s = self.table.c
        repeated_skus = [sku for (sku,) in self.conn.execute(
            select(s.sku).group_by(s.sku).having(func.count() > 1))]
        repeated_gtins = [gtin for (gtin,) in self.conn.execute(
            select(s.gtin).where(s.gtin.is_not(None)).group_by(s.gtin).having(func.count() > 1))]
        if not repeated_skus and not repeated_gtins:
            return
        involved: dict[int, tuple[str, str | None, str]] = {}
        for column, values in ((s.sku, repeated_skus), (s.gtin, repeated_gtins)):
            for part in chunks(values):
                query = select(s.row_no, s.sku, s.gtin, s.gtin_raw).where(column.in_(part))
                for row_no, sku, gtin, raw in self.conn.execute(query):
                    involved[row_no] = (sku, gtin, raw)
        self._delete(_repeats(self.file, sorted(involved.items()), errors))

    def _delete(self, rows: set[int]) -> None:
        for part in chunks(sorted(rows)):
            self.conn.execute(self.table.delete().where(self.table.c.row_no.in_(part)))
        self.count -= len(rows)

    def check_gtin_owners(self, errors: RowErrors) -> None:
        """A GTIN may only be given to a SKU if no other product keeps it after this import."""
        s, p = self.table.c, _PRODUCT.c
        taken = list(
            self.conn.execute(
                select(s.row_no, s.sku, s.gtin_raw, p.sku)
                .join_from(self.table, _PRODUCT, p.gtin == s.gtin)
                .where(p.sku != s.sku)
                .order_by(s.row_no)
            )
        )
        if not taken:
            return
        moving = set(self._staged_skus(sorted({holder for *_, holder in taken})))
        refused = _refused_takers(taken, moving)
        for row_no, _sku, raw, holder in taken:
            if row_no in refused:
                errors.add(
                    ImportRowError(
                        self.file, row_no, "gtin",
                        f"gtin '{raw}' already belongs to sku '{holder}': "
                        "check the number, or change or clear that product's gtin first",
                    )
                )
        self._delete(refused)

    def _staged_skus(self, skus: list[str]) -> set[str]:
        found: set[str] = set()
        for part in chunks(skus):
            found.update(self.conn.scalars(select(self.table.c.sku).where(self.table.c.sku.in_(part))))
        return found

    def apply(self, fields: tuple[str, ...]) -> tuple[int, int, int]:
        """Insert the new SKUs, update the changed ones; (inserted, updated, unchanged)."""
        if not self.count:
            return 0, 0, 0
        s, p = self.table.c, _PRODUCT.c
        products = select(func.count()).select_from(_PRODUCT)
        before = self.conn.scalar(products) or 0
        now = utcnow()
        same_product = select(literal(1)).select_from(_PRODUCT).where(p.sku == s.sku)
        # Into an empty catalog (the first import) every row is new: no look-up of a stored product per row.
        updated = self._update_changed(fields, same_product, now) if before else 0
        columns = ["sku", *fields, "updated_at"]
        rows = select(s.sku, *(s[name] for name in fields), literal(now, Product.updated_at.type))
        new = rows.where(s.state.is_(None), ~exists(same_product)) if before else rows
        self.conn.execute(insert(_PRODUCT).from_select(columns, new.order_by(s.row_no)))
        inserted = (self.conn.scalar(products) or 0) - before  # psycopg gives no rowcount for INSERT … SELECT
        return inserted, updated, self.count - inserted - updated

    def _update_changed(self, fields: tuple[str, ...], same_product: Any, now: Any) -> int:
        """Mark and update the staged rows whose product differs in an attribute the file sets."""
        s, p = self.table.c, _PRODUCT.c
        differs = or_(*(self._differs(p[name], s[name]) for name in fields))
        updated: int = self.conn.execute(
            update(self.table).where(exists(same_product.where(differs))).values(state=_CHANGED)
        ).rowcount
        if not updated:
            return 0
        if "gtin" in fields:
            self._release_gtins(same_product)
        values = {p[name]: s[name] for name in fields}
        self.conn.execute(
            update(_PRODUCT).where(p.sku == s.sku, s.state.in_((_CHANGED, _MOVES_GTIN)))
            .values({**values, p.updated_at: now})
        )
        return updated

    def _release_gtins(self, same_product: Any) -> None:
        """GTINs may move between SKUs in one file: free them first so the unique index never sees two holders."""
        s, p = self.table.c, _PRODUCT.c
        old_differs = and_(p.gtin.is_not(None), or_(s.gtin.is_(None), p.gtin != s.gtin))
        moves = self.conn.execute(
            update(self.table).where(s.state == _CHANGED, exists(same_product.where(old_differs)))
            .values(state=_MOVES_GTIN)
        ).rowcount
        if moves:
            leaving = select(s.sku).where(s.state == _MOVES_GTIN)
            self.conn.execute(update(_PRODUCT).where(p.sku.in_(leaving)).values(gtin=None))

    def _differs(self, stored: Any, new: Any) -> ColumnElement[bool]:
        if self._mysql and isinstance(stored.type, String):  # its collations ignore case: compare the bytes
            return cast(stored, BINARY).is_distinct_from(cast(new, BINARY))
        result: ColumnElement[bool] = stored.is_distinct_from(new)
        return result


def _repeats(file: str, rows: list[tuple[int, tuple[str, str | None, str]]], errors: RowErrors) -> set[int]:
    """Of rows sharing a SKU or GTIN, in file order: those an earlier good row has the SKU or GTIN of."""
    skus: dict[str, int] = {}
    gtins: dict[str, tuple[int, str]] = {}
    refused: set[int] = set()
    for row_no, (sku, gtin, raw) in rows:
        other = gtins.get(gtin) if gtin is not None else None
        if sku in skus:
            problem = f"sku '{sku}' is also on row {skus[sku]}: keep one row per SKU"
            errors.add(ImportRowError(file, row_no, "sku", problem))
        elif other is not None:
            problem = (f"gtin '{raw}' is also on row {other[0]} (sku '{other[1]}'): a GTIN belongs to one SKU; "
                       "fix one of the two rows")
            errors.add(ImportRowError(file, row_no, "gtin", problem))
        else:
            skus[sku] = row_no
            if gtin is not None:
                gtins[gtin] = (row_no, sku)
            continue
        refused.add(row_no)
    return refused


def _refused_takers(taken: list[Any], moving: set[str]) -> set[int]:
    """Rows taking a GTIN whose holder does not move away in this file. Refusing a row keeps its SKU's old GTIN
    in place, which can make another row bad: repeat until nothing changes."""
    refused: set[int] = set()
    changed = True
    while changed:
        changed = False
        for row_no, sku, _raw, holder in taken:
            if row_no not in refused and holder not in moving:
                refused.add(row_no)
                moving.discard(sku)
                changed = True
    return refused
