"""Import operators (operators.csv): upsert by badge.

The pin column is best given as a hash made by `app.security.hash_pin`; a plain 4–8 digit PIN is hashed on
import and never stored, logged or repeated in an error message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from app.db.models import Operator, utcnow
from app.db.uow import Database
from app.domain.vocab import Role
from app.errors import ImportRowError
from app.importing.csv_reader import CsvFormat, CsvRow, ImportReport, RowErrors, chunks, read_csv
from app.security import hash_pin, is_pin_hash, verify_pin

OPERATORS_FORMAT = CsvFormat(
    columns=("badge", "name", "role", "pin", "active"),
    required=frozenset({"badge", "name", "role"}),
)


@dataclass
class _Row:
    csv: CsvRow
    badge: str
    fields: dict[str, Any]
    pin: str | None  # plain PIN to hash, only until it is hashed
    pin_hash: str | None  # hash given in the file


def _parse(row: CsvRow) -> _Row:
    fields: dict[str, Any] = {
        "name": row.text("name", max_len=80, required=True),
        "role": row.choice("role", [role.value for role in Role]),
    }
    if row.has("active"):
        fields["active"] = row.boolean("active", default=True)
    pin = pin_hash = None
    value = row.raw("pin")  # never put this value into a message
    if value and is_pin_hash(value):
        if len(value) > 200:
            raise row.error("pin", "pin holds a PIN hash that is too long: copy it again from its source")
        pin_hash = value
    elif value:
        if not (value.isascii() and value.isdigit() and 4 <= len(value) <= 8):
            raise row.error(
                "pin",
                "pin is neither a PIN of 4 to 8 digits nor a PIN hash: correct it, "
                "or leave it empty so the operator sets a PIN at first sign-in",
            )
        pin = value
    return _Row(row, row.code("badge", max_len=40), fields, pin, pin_hash)


def import_operators(db: Database, path: Path, *, skip_bad: bool = False) -> ImportReport:
    """Insert new badges, update changed ones, leave equal ones alone.

    An empty pin keeps the operator's current PIN (a new operator sets one at first sign-in); a plain PIN
    that the stored hash already accepts counts as unchanged and is not hashed again.
    """
    errors = RowErrors()
    good: dict[str, _Row] = {}
    for csv_row in read_csv(path, OPERATORS_FORMAT):
        try:
            row = _parse(csv_row)
        except ImportRowError as exc:
            errors.add(exc)
            continue
        first = good.get(row.badge)
        if first is not None:
            errors.add(
                csv_row.error(
                    "badge", f"badge '{row.badge}' is also on row {first.csv.row}: keep one row per badge"
                )
            )
            continue
        good[row.badge] = row
    skipped = errors.finish(skip_bad)

    with db.unit_of_work() as uow:
        existing: dict[str, dict[str, Any]] = {}
        columns = [
            Operator.id,
            Operator.badge,
            Operator.name,
            Operator.role,
            Operator.active,
            Operator.pin_hash,
        ]
        for part in chunks(list(good)):
            for rec in uow.session.execute(select(*columns).where(Operator.badge.in_(part))).mappings():
                existing[rec["badge"]] = dict(rec)

        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        unchanged = 0
        now = utcnow()
        for badge, row in good.items():
            old = existing.get(badge)
            fields = dict(row.fields)
            if row.pin_hash is not None:
                fields["pin_hash"] = row.pin_hash
            elif row.pin is not None:
                stored = old["pin_hash"] if old else None
                if not (stored and verify_pin(row.pin, stored)):
                    fields["pin_hash"] = hash_pin(row.pin)
            if old is None:
                inserts.append({"badge": badge, "pin_hash": None, **fields, "updated_at": now})
            elif any(old[k] != v for k, v in fields.items()):
                updates.append({"id": old["id"], **fields, "updated_at": now})
            else:
                unchanged += 1
        # Rows differ in which keys they set (pin or not): one statement per row keeps that simple; few rows.
        for values in updates:
            op_id = values.pop("id")
            uow.session.execute(update(Operator).where(Operator.id == op_id).values(**values))
        if inserts:
            for values in inserts:
                values.setdefault("active", True)
            uow.session.execute(insert(Operator), inserts)
    return ImportReport(path.name, len(inserts), len(updates), unchanged, skipped)
