"""Import recall notices (recalls.csv): one row per GTIN and range, upserted, in one unit of work.

A row is identified by (reference, gtin, lot_from, serial_from): importing the file again changes nothing,
and a row with the same identity but another lot_to, serial_to, notice or active updates it. Rows missing
from the file are left alone (end a recall with active=no). In station mode recalls are imported centrally
and reach the stations with the pull (the recall table is master data).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from app.db.models import Recall, utcnow
from app.db.uow import Database
from app.domain.recalls import range_problem
from app.errors import ImportRowError
from app.importing.csv_reader import CsvFormat, CsvRow, ImportReport, changed, parse_rows, read_csv

RECALLS_FORMAT = CsvFormat(
    columns=("reference", "gtin", "lot_from", "lot_to", "serial_from", "serial_to", "notice", "active"),
    required=frozenset({"reference", "gtin"}),
)

Key = tuple[str, str, str | None, str | None]


@dataclass
class _Row:
    csv: CsvRow
    key: Key
    fields: dict[str, Any]


def _parse(row: CsvRow) -> _Row:
    reference = row.text("reference", max_len=40, required=True)
    gtin = row.gtin("gtin")
    if gtin is None:
        raise row.error("gtin", "gtin is empty: fill in the recalled product's GTIN (EAN/UPC)")
    ranges: dict[str, str | None] = {}
    for what, max_len in (("lot", 40), ("serial", 64)):
        low = row.optional_code(f"{what}_from", max_len=max_len)
        high = row.optional_code(f"{what}_to", max_len=max_len)
        problem = range_problem(low, high, what)
        if problem:
            raise row.error(f"{what}_to" if low else f"{what}_from", problem)
        ranges[f"{what}_from"], ranges[f"{what}_to"] = low, high
    fields: dict[str, Any] = {
        "lot_to": ranges["lot_to"],
        "serial_to": ranges["serial_to"],
        "notice": row.text("notice", max_len=200),
    }
    if row.has("active"):
        fields["active"] = row.boolean("active", default=True)
    return _Row(row, (reference, gtin, ranges["lot_from"], ranges["serial_from"]), fields)


def _duplicate(row: _Row, first: _Row) -> ImportRowError:
    return row.csv.error(
        None,
        f"the same recall range (reference, gtin, lot_from, serial_from) is also on row {first.csv.row}: "
        "keep one row per range",
    )


def import_recalls(db: Database, path: Path, *, skip_bad: bool = False) -> ImportReport:
    """Insert new recall ranges, update changed ones, leave equal ones alone.

    A bad row raises ImportRowError and nothing is written, unless skip_bad: then the good rows are written
    and the bad ones reported in `ImportReport.skipped`.
    """
    csv_file = read_csv(path, RECALLS_FORMAT)
    good, errors = parse_rows(csv_file, _parse, lambda row: row.key, _duplicate)
    skipped = errors.finish(skip_bad)
    gtins = sorted({key[1] for key in good})
    with db.unit_of_work() as uow:
        existing: dict[Key, dict[str, Any]] = {}
        # Recalls are few (hundreds): reading those of the file's GTINs at once is cheap.
        for start in range(0, len(gtins), 500):
            query = select(Recall).where(Recall.gtin.in_(gtins[start : start + 500]))
            for rec in uow.session.scalars(query):
                existing.setdefault(
                    (rec.reference, rec.gtin, rec.lot_from, rec.serial_from),
                    {"id": rec.id, "lot_to": rec.lot_to, "serial_to": rec.serial_to,
                     "notice": rec.notice, "active": rec.active},
                )
        inserts, updates, unchanged = _plan(good, existing)
        for values in updates:
            rec_id = values.pop("id")
            uow.session.execute(update(Recall).where(Recall.id == rec_id).values(**values))
        if inserts:
            uow.session.execute(insert(Recall), inserts)
    return csv_file.report(len(inserts), len(updates), unchanged, skipped)


def _plan(
    good: dict[Key, _Row], existing: dict[Key, dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    unchanged = 0
    now = utcnow()
    for key, row in good.items():
        old = existing.get(key)
        if old is None:
            reference, gtin, lot_from, serial_from = key
            inserts.append({
                "reference": reference, "gtin": gtin, "lot_from": lot_from, "serial_from": serial_from,
                "active": True, **row.fields, "updated_at": now,
            })
        elif changed(old, row.fields):
            updates.append({"id": old["id"], **row.fields, "updated_at": now})
        else:
            unchanged += 1
    return inserts, updates, unchanged
