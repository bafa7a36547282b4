"""Import authorised returns (rmas.csv, one row per RMA line): upsert by RMA number and line number.

The RMA's own columns (order number, customer, order date, window) repeat on each of its lines and must
agree. Lines that are in the database but not in the file are kept: a received unit may point at them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.db.models import Product, Rma, RmaLine, utcnow
from app.db.uow import Database
from app.domain.vocab import CLAIMED_REASONS
from app.errors import ImportRowError
from app.importing.csv_reader import CsvFormat, CsvRow, ImportReport, RowErrors, chunks, read_csv

RMA_FORMAT = CsvFormat(
    columns=(
        "rma_number",
        "order_number",
        "customer_ref",
        "order_date",
        "return_window_days",
        "line_no",
        "sku",
        "qty",
        "expected_serial",
        "claimed_reason",
        "expected_lot",
    ),
    required=frozenset({"rma_number", "line_no", "sku"}),
)

_LINE_FIELDS = ("sku", "qty", "expected_serial", "claimed_reason", "expected_lot")
_RMA_FIELDS = ("order_number", "customer_ref", "order_date", "return_window_days")


@dataclass
class _Line:
    csv: CsvRow
    rma_number: str
    line_no: int
    header: dict[str, Any]  # Rma attributes given by this row
    fields: dict[str, Any]  # RmaLine attributes given by this row


def _parse(row: CsvRow) -> _Line:
    header: dict[str, Any] = {}
    if row.has("order_number"):
        header["order_number"] = row.text("order_number", max_len=40)
    if row.has("customer_ref"):
        header["customer_ref"] = row.text("customer_ref", max_len=80)
    if row.has("order_date"):
        header["order_date"] = row.iso_date("order_date")
    if row.has("return_window_days"):
        header["return_window_days"] = row.integer("return_window_days", default=30, minimum=0, maximum=3650)
    fields: dict[str, Any] = {"sku": row.code("sku", max_len=64)}
    if row.has("qty"):
        fields["qty"] = row.integer("qty", default=1, minimum=1, maximum=100_000)
    if row.has("expected_serial"):
        fields["expected_serial"] = row.optional_text("expected_serial", max_len=64)
    if row.has("expected_lot"):  # compared with a GS1 lot (AI 10) at intake
        fields["expected_lot"] = row.optional_text("expected_lot", max_len=40)
    if row.has("claimed_reason"):
        fields["claimed_reason"] = row.choice("claimed_reason", CLAIMED_REASONS, required=False)
    return _Line(
        row,
        row.code("rma_number", max_len=40),
        row.required_integer("line_no", minimum=1, maximum=9999),
        header,
        fields,
    )


def import_rmas(db: Database, path: Path, *, skip_bad: bool = False) -> ImportReport:
    """Insert new RMA lines, update changed ones, leave equal ones alone. Counts are of lines (rows).

    A line whose RMA columns changed counts as updated. Every sku must already be in the catalog.
    """
    errors = RowErrors()
    lines: dict[tuple[str, int], _Line] = {}
    first_of_rma: dict[str, _Line] = {}
    for csv_row in read_csv(path, RMA_FORMAT):
        try:
            line = _parse(csv_row)
            _check_against_file(line, lines, first_of_rma)
        except ImportRowError as exc:
            errors.add(exc)
            continue
        lines[(line.rma_number, line.line_no)] = line
        first_of_rma.setdefault(line.rma_number, line)

    with db.unit_of_work() as uow:
        session = uow.session
        known_skus = _existing_skus(session, sorted({line.fields["sku"] for line in lines.values()}))
        for key, line in list(lines.items()):
            if line.fields["sku"] not in known_skus:
                errors.add(
                    line.csv.error(
                        "sku",
                        f"sku '{line.fields['sku']}' is not in the catalog: import the catalog first "
                        "or correct the sku",
                    )
                )
                del lines[key]
        skipped = errors.finish(skip_bad)

        # The RMA columns of an RMA come from its first good row (the others agree with it).
        headers: dict[str, dict[str, Any]] = {}
        for line in lines.values():
            headers.setdefault(line.rma_number, line.header)
        rmas = _load_rmas(session, list(headers))
        now = utcnow()
        new_rmas = [
            {"rma_number": number, **header, "updated_at": now}
            for number, header in headers.items()
            if number not in rmas
        ]
        changed_rmas = {
            number
            for number, header in headers.items()
            if number in rmas and any(rmas[number][k] != v for k, v in header.items())
        }
        if changed_rmas:
            session.execute(
                update(Rma), [{"id": rmas[n]["id"], **headers[n], "updated_at": now} for n in changed_rmas]
            )
        if new_rmas:
            session.execute(insert(Rma), new_rmas)
            rmas.update(_load_rmas(session, [r["rma_number"] for r in new_rmas]))

        old_lines = _load_lines(session, [rmas[number]["id"] for number in headers])
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        unchanged = 0
        lines_changed: set[str] = set()  # RMAs that got a new or changed line
        for (number, line_no), line in lines.items():
            rma_id = rmas[number]["id"]
            old = old_lines.get((rma_id, line_no))
            if old is None:
                inserts.append({"rma_id": rma_id, "line_no": line_no, **line.fields})
                lines_changed.add(number)
            elif any(old[k] != v for k, v in line.fields.items()):
                updates.append({"id": old["id"], **line.fields})
                lines_changed.add(number)
            elif number in changed_rmas:
                updates.append({"id": old["id"], **line.fields})  # counted as updated: its RMA changed
            else:
                unchanged += 1
        if inserts:
            session.execute(insert(RmaLine), inserts)
        if updates:
            session.execute(update(RmaLine), updates)
        # A new or changed line is a change of its RMA too (sync and "recently changed" go by rma.updated_at).
        stamp = lines_changed - changed_rmas - {r["rma_number"] for r in new_rmas}
        if stamp:
            session.execute(update(Rma), [{"id": rmas[n]["id"], "updated_at": now} for n in stamp])
    return ImportReport(path.name, len(inserts), len(updates), unchanged, skipped)


def _check_against_file(
    line: _Line, lines: dict[tuple[str, int], _Line], first_of_rma: dict[str, _Line]
) -> None:
    row = line.csv
    dup = lines.get((line.rma_number, line.line_no))
    if dup is not None:
        raise row.error(
            "line_no",
            f"line {line.line_no} of {line.rma_number} is also on row {dup.csv.row}: "
            "number the lines of an RMA 1, 2, 3 …",
        )
    first = first_of_rma.get(line.rma_number)
    if first is None:
        return
    for column in _RMA_FIELDS:
        if column in line.header and line.header[column] != first.header[column]:
            raise row.error(
                column,
                f"{column} '{row.raw(column)}' differs from row {first.csv.row} "
                f"('{first.csv.raw(column)}') of the same RMA {line.rma_number}: "
                "the RMA columns must be the same on all its lines",
            )


def _existing_skus(session: Session, skus: list[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(skus):
        found.update(session.scalars(select(Product.sku).where(Product.sku.in_(part))))
    return found


def _load_rmas(session: Session, numbers: list[str]) -> dict[str, dict[str, Any]]:
    columns = [Rma.id, Rma.rma_number, *(getattr(Rma, name) for name in _RMA_FIELDS)]
    found: dict[str, dict[str, Any]] = {}
    for part in chunks(numbers):
        for rec in session.execute(select(*columns).where(Rma.rma_number.in_(part))).mappings():
            found[rec["rma_number"]] = dict(rec)
    return found


def _load_lines(session: Session, rma_ids: list[int]) -> dict[tuple[int, int], dict[str, Any]]:
    columns = [RmaLine.id, RmaLine.rma_id, RmaLine.line_no, *(getattr(RmaLine, n) for n in _LINE_FIELDS)]
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for part in chunks(rma_ids):
        for rec in session.execute(select(*columns).where(RmaLine.rma_id.in_(part))).mappings():
            found[(rec["rma_id"], rec["line_no"])] = dict(rec)
    return found
